/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a stargz / eStargz / zstd:chunked blob the seekable way: the
 * footer, then the TOC, then only the members of the files asked for.
 * Everything goes through sgz_pread(), so a lazy mount can put range
 * requests behind it without touching the rest. */
#ifndef STARGZIFY_READER_H
#define STARGZIFY_READER_H

#include <stdint.h>
#include <sys/types.h>

#include "member.h"
#include "toc.h"

struct sgz_reader {
	int fd;
	uint64_t size;
	enum sgz_format format;
	uint64_t toc_offset;
	struct toc toc;
	uint8_t toc_digest[SHA256_LEN];
	uint64_t bytes_read;   /* of the blob, for --verbose and the tests */
	struct z_stream_s *gz; /* the member decompressors, made once */
	struct ZSTD_DCtx_s *zd;
};

int sgz_open(struct sgz_reader *r, int fd, char *why, size_t why_len);
void sgz_close(struct sgz_reader *r);
/* The regular file at path, hard links followed; -1 if none. */
ssize_t sgz_lookup(const struct sgz_reader *r, const char *path);
/* The data of entry idx (a "reg" or "chunk" entry with data) into buf,
 * which holds its chunk_size bytes; checked against its chunkDigest. */
int sgz_read_chunk(struct sgz_reader *r, size_t idx, uint8_t *buf, char *why,
		   size_t why_len);
/* Every chunk and file digest; 0 when all match. */
int sgz_verify(struct sgz_reader *r, char *why, size_t why_len);
/* Writes the regular file at entry idx to fd, checking every digest. */
int sgz_extract(struct sgz_reader *r, size_t idx, int fd, char *why,
		size_t why_len);

#endif
