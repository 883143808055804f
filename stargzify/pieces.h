/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One gzip member made on several threads: its input cut into pieces,
 * compressed apart, their deflate streams joined (splice.h). For the TOC,
 * the last member of a blob, which would otherwise keep one thread busy
 * while the others wait. The cuts depend only on the input's length, so
 * the bytes never depend on the number of threads. */
#ifndef STARGZIFY_PIECES_H
#define STARGZIFY_PIECES_H

#include <stddef.h>
#include <stdint.h>

/* Input up to this size is one piece: the member libdeflate makes. */
#define PIECE_SIZE (2u << 20)

/* Compresses in[0..n) at level into one gzip member on up to threads
 * threads: *out (malloc'd) and its length, or 0 (errno set). */
size_t gzip_pieces(const uint8_t *in, size_t n, int level, unsigned threads,
		   uint8_t **out);

#endif
