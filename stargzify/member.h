/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One compressed member (a gzip member or a zstd frame) at a time, and the
 * footers that say where the TOC is. Each worker thread has its own codec:
 * members are independent, which is what makes the blob seekable. */
#ifndef STARGZIFY_MEMBER_H
#define STARGZIFY_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#include "splice.h"

/* The little-endian numbers of gzip trailers, zstd frames and footers. */
static inline uint64_t le_get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline void le_put(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

enum sgz_format {
	SGZ_ESTARGZ,	  /* gzip, 51-byte footer, landmarks, chunk digests */
	SGZ_STARGZ,	  /* gzip, 47-byte footer of google/crfs */
	SGZ_ZSTD_CHUNKED, /* zstd frames, TOC and footer in skippable frames */
};

#define ESTARGZ_FOOTER_SIZE  51
#define STARGZ_FOOTER_SIZE   47
#define ZSTD_FOOTER_SIZE     40 /* after an 8-byte skippable-frame header */
#define FOOTER_MAX	     64
#define ZSTD_CHUNKED_MAGIC   "GnUlInUx"
#define ZSTD_SKIPPABLE_MAGIC 0x184D2A50u

struct libdeflate_compressor;
typedef struct ZSTD_CCtx_s ZSTD_CCtx;

struct member_codec {
	enum sgz_format format;
	int level;
	struct libdeflate_compressor *gz;
	ZSTD_CCtx *zstd;
};

int codec_init(struct member_codec *c, enum sgz_format format, int level);
void codec_free(struct member_codec *c);
/* Room compress() may need for n input bytes. */
size_t codec_bound(const struct member_codec *c, size_t n);
/* Compresses n bytes into one member; returns its size, 0 on failure. */
size_t codec_compress(struct member_codec *c, const void *in, size_t n,
		      void *out, size_t cap);

/* gzip only. A gzip member of libdeflate's has a 10-byte header, its
 * deflate stream, and an 8-byte trailer: the CRC and length. */
#define GZIP_HEADER  10
#define GZIP_TRAILER 8
/* Walks such a member's deflate stream: 0 and *end, or -1. */
int codec_walk_member(const uint8_t *gz, size_t len, struct deflate_end *end);
/* A member of the data of head (a member, walked to head_end) followed by
 * n more bytes: head's deflate stream as it is, the n bytes compressed
 * and joined to it (splice.h). tmp holds codec_bound(n) bytes, out cap:
 * head_len + codec_bound(n) is always enough. Returns its size, or 0 when
 * the two cannot be joined: then compress the whole. */
size_t codec_compress_after(struct member_codec *c, const uint8_t *head,
			    size_t head_len, const struct deflate_end *head_end,
			    const void *in, size_t n, uint8_t *tmp,
			    size_t tmp_cap, uint8_t *out, size_t cap);

/* The 8 bytes before a zstd skippable frame of len bytes. */
void zstd_skippable_header(uint8_t out[8], uint32_t len);
/* The footer for a TOC at toc_off; for zstd:chunked also the TOC's
 * compressed and raw sizes. Returns its length. */
size_t footer_bytes(enum sgz_format format, uint64_t toc_off,
		    uint64_t toc_compressed, uint64_t toc_raw,
		    uint8_t out[FOOTER_MAX]);

const char *format_name(enum sgz_format format);
int format_parse(const char *s, enum sgz_format *format);
int format_default_level(enum sgz_format format);
int format_check_level(enum sgz_format format, int level);

#endif
