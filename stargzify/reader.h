/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a stargz / eStargz / zstd:chunked blob the seekable way: the
 * footer, then the TOC, then only the members of the files asked for.
 * Every read of the blob goes through one pread() helper, so a lazy mount
 * can put range requests behind it without touching the rest. The reader
 * does not change once open: threads share it, each with a decoder of its
 * own. */
#ifndef STARGZIFY_READER_H
#define STARGZIFY_READER_H

#include <stdint.h>
#include <sys/types.h>

#include "member.h"
#include "toc.h"

/* A member decompressor, made once and reset for each member (a verify
 * reads tens of thousands), and what it read of the blob. */
struct sgz_decoder {
	struct z_stream_s *gz;
	struct ZSTD_DCtx_s *zd;
	struct libdeflate_decompressor *ld;
	uint8_t *member, *out; /* a whole gzip member and its output */
	size_t member_cap, out_cap;
	uint64_t bytes_read;
};

struct sgz_reader {
	int fd;
	uint64_t size;
	enum sgz_format format;
	uint64_t toc_offset;
	struct toc toc;
	uint8_t toc_digest[SHA256_LEN];
	uint64_t toc_bytes_read; /* the footer and TOC, of the blob */
	struct sgz_decoder dec;	 /* the calling thread's */
};

int sgz_open(struct sgz_reader *r, int fd, char *why, size_t why_len);
void sgz_close(struct sgz_reader *r);
/* The regular file at path, hard links followed; -1 if none. */
ssize_t sgz_lookup(const struct sgz_reader *r, const char *path);
/* Bytes of the blob read so far (for --verbose and the tests). */
uint64_t sgz_bytes_read(const struct sgz_reader *r);
/* The file whose data starts at entry idx, every chunk and its whole
 * digest checked, written to fd if fd >= 0; *buf (of *cap bytes) grows to
 * the largest chunk. Returns the index after its last chunk, or -1. */
ssize_t sgz_read_file(const struct sgz_reader *r, struct sgz_decoder *dec,
		      size_t idx, int fd, uint8_t **buf, size_t *cap, char *why,
		      size_t why_len);
void sgz_decoder_free(struct sgz_decoder *d);
/* Every chunk and file digest, files on up to threads threads; 0 when all
 * match, else why names the first bad file in TOC order (verify.c). */
int sgz_verify(struct sgz_reader *r, unsigned threads, char *why,
	       size_t why_len);
/* Writes the regular file at entry idx to fd, checking every digest. */
int sgz_extract(struct sgz_reader *r, size_t idx, int fd, char *why,
		size_t why_len);

#endif
