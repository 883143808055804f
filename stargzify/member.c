// SPDX-License-Identifier: GPL-2.0-or-later
#include <libdeflate.h>
#include <stdio.h>
#include <string.h>
#include <zstd.h>

#include "member.h"

static const char *const names[] = {
	[SGZ_ESTARGZ] = "estargz",
	[SGZ_STARGZ] = "stargz",
	[SGZ_ZSTD_CHUNKED] = "zstd:chunked",
};

const char *format_name(enum sgz_format format)
{
	return names[format];
}

int format_parse(const char *s, enum sgz_format *format)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (!strcmp(s, names[i])) {
			*format = (enum sgz_format)i;
			return 0;
		}
	}
	return -1;
}

/* gzip: 9 as the references (Go's gzip.BestCompression); zstd: 3, the
 * level of the reference's zstd.SpeedDefault. */
int format_default_level(enum sgz_format format)
{
	return format == SGZ_ZSTD_CHUNKED ? 3 : 9;
}

/* gzip 0..12 (10..12 are libdeflate's near-optimal parsing), zstd 1..22 */
int format_check_level(enum sgz_format format, int level)
{
	if (format == SGZ_ZSTD_CHUNKED)
		return level >= 1 && level <= ZSTD_maxCLevel() ? 0 : -1;
	return level >= 0 && level <= 12 ? 0 : -1;
}

int codec_init(struct member_codec *c, enum sgz_format format, int level)
{
	memset(c, 0, sizeof(*c));
	c->format = format;
	c->level = level;
	if (format == SGZ_ZSTD_CHUNKED) {
		c->zstd = ZSTD_createCCtx();
		if (!c->zstd ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(
			    c->zstd, ZSTD_c_compressionLevel, level)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(
			    c->zstd, ZSTD_c_checksumFlag, 1)))
			return -1;
		return 0;
	}
	c->gz = libdeflate_alloc_compressor(level);
	return c->gz ? 0 : -1;
}

void codec_free(struct member_codec *c)
{
	if (c->gz)
		libdeflate_free_compressor(c->gz);
	ZSTD_freeCCtx(c->zstd);
	memset(c, 0, sizeof(*c));
}

size_t codec_bound(const struct member_codec *c, size_t n)
{
	if (c->format == SGZ_ZSTD_CHUNKED)
		return ZSTD_compressBound(n);
	return libdeflate_gzip_compress_bound(c->gz, n);
}

size_t codec_compress(struct member_codec *c, const void *in, size_t n,
		      void *out, size_t cap)
{
	if (c->format == SGZ_ZSTD_CHUNKED) {
		size_t r = ZSTD_compress2(c->zstd, out, cap, in, n);

		return ZSTD_isError(r) ? 0 : r;
	}
	return libdeflate_gzip_compress(c->gz, in, n, out, cap);
}

int codec_walk_member(const uint8_t *gz, size_t len, struct deflate_end *end)
{
	if (len < GZIP_HEADER + GZIP_TRAILER || gz[0] != 0x1f ||
	    gz[1] != 0x8b || gz[2] != 8 || gz[3] != 0)
		return -1;
	return deflate_walk(gz + GZIP_HEADER, len - GZIP_HEADER - GZIP_TRAILER,
			    end);
}

size_t codec_compress_after(struct member_codec *c, const uint8_t *head,
			    size_t head_len, const struct deflate_end *head_end,
			    const void *in, size_t n, uint8_t *tmp,
			    size_t tmp_cap, uint8_t *out, size_t cap)
{
	size_t raw = libdeflate_deflate_compress(c->gz, in, n, tmp, tmp_cap);
	struct deflate_end end;
	size_t size;

	if (!raw || deflate_walk(tmp, raw, &end) < 0)
		return 0;
	size = GZIP_HEADER + deflate_join_size(head_end, &end) + GZIP_TRAILER;
	if (size > cap || !deflate_join(head + GZIP_HEADER, head_end, tmp, &end,
					out + GZIP_HEADER))
		return 0;
	/* the header as the head's (libdeflate's, the same for any data);
	 * the CRC and length of both parts */
	memcpy(out, head, GZIP_HEADER);
	le_put(out + size - 8,
	       libdeflate_crc32((uint32_t)le_get(head + head_len - 8, 4), in,
				n),
	       4);
	le_put(out + size - 4, le_get(head + head_len - 4, 4) + n, 4);
	return size;
}

void zstd_skippable_header(uint8_t out[8], uint32_t len)
{
	le_put(out, ZSTD_SKIPPABLE_MAGIC, 4);
	le_put(out + 4, len, 4);
}

size_t footer_bytes(enum sgz_format format, uint64_t toc_off,
		    uint64_t toc_compressed, uint64_t toc_raw,
		    uint8_t out[FOOTER_MAX])
{
	/* An empty gzip member whose FEXTRA field holds the offset: written
	 * by Go's gzip.Writer at NoCompression, so an empty stored block. */
	static const uint8_t head[10] = {
		0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff
	};
	static const uint8_t tail[13] = { 1, 0, 0, 0xff, 0xff };
	char extra[23];
	size_t n = 0;

	if (format == SGZ_ZSTD_CHUNKED) {
		zstd_skippable_header(out, ZSTD_FOOTER_SIZE);
		le_put(out + 8, toc_off, 8);
		le_put(out + 16, toc_compressed, 8);
		le_put(out + 24, toc_raw, 8);
		le_put(out + 32, 1, 8); /* manifest type: CRFS */
		memcpy(out + 40, ZSTD_CHUNKED_MAGIC, 8);
		return 8 + ZSTD_FOOTER_SIZE;
	}
	snprintf(extra, sizeof(extra), "%016llxSTARGZ",
		 (unsigned long long)toc_off);
	memcpy(out, head, sizeof(head));
	n = sizeof(head);
	if (format == SGZ_ESTARGZ) {
		/* XLEN 26: one subfield "SG" of 22 bytes */
		memcpy(out + n, "\x1a\x00SG\x16\x00", 6);
		n += 6;
	} else {
		/* crfs: XLEN 22, the bytes without a subfield header */
		memcpy(out + n, "\x16\x00", 2);
		n += 2;
	}
	memcpy(out + n, extra, 22);
	n += 22;
	memcpy(out + n, tail, sizeof(tail));
	return n + sizeof(tail);
}
