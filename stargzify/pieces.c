// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "member.h"
#include "pieces.h"
#include "splice.h"

struct piece {
	uint8_t *z; /* the first: a gzip member; the others: raw deflate */
	size_t len;
	struct deflate_end end;
	bool ok;
};

struct work {
	const uint8_t *in;
	size_t n, count;
	int level;
	struct piece *pieces;
	size_t next; /* the next piece to take, atomically */
};

static void compress_piece(struct libdeflate_compressor *c,
			   const struct work *w, size_t i)
{
	struct piece *p = &w->pieces[i];
	size_t off = i * PIECE_SIZE;
	size_t len = w->n - off < PIECE_SIZE ? w->n - off : PIECE_SIZE;
	size_t cap = i ? libdeflate_deflate_compress_bound(c, len)
		       : libdeflate_gzip_compress_bound(c, len);

	p->z = malloc(cap);
	if (!p->z)
		return;
	if (i) {
		p->len = libdeflate_deflate_compress(c, w->in + off, len, p->z,
						     cap);
		p->ok = p->len && deflate_walk(p->z, p->len, &p->end) == 0;
	} else {
		p->len = libdeflate_gzip_compress(c, w->in, len, p->z, cap);
		p->ok = p->len && codec_walk_member(p->z, p->len, &p->end) == 0;
	}
}

static void *compress_pieces(void *arg)
{
	struct work *w = arg;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(w->level);

	if (!c)
		return NULL;
	for (;;) {
		size_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);

		if (i >= w->count)
			break;
		compress_piece(c, w, i);
	}
	libdeflate_free_compressor(c);
	return NULL;
}

/* The first piece's member, the others' streams joined to its own. 0 when
 * one cannot be joined (a stored block after a mid-byte end). */
static size_t join_pieces(const struct work *w, uint8_t *m)
{
	const struct piece *first = &w->pieces[0];
	struct deflate_end end = first->end;
	size_t size;

	memcpy(m, first->z, first->len - GZIP_TRAILER);
	for (size_t i = 1; i < w->count; i++) {
		const struct piece *p = &w->pieces[i];

		if (!deflate_join(m + GZIP_HEADER, &end, p->z, &p->end,
				  m + GZIP_HEADER))
			return 0;
		deflate_joined_end(&end, &p->end, &end);
	}
	size = GZIP_HEADER + (size_t)((end.end_bit + 7) / 8);
	le_put(m + size, libdeflate_crc32(0, w->in, w->n), 4);
	le_put(m + size + 4, w->n, 4);
	return size + GZIP_TRAILER;
}

/* The whole input at once, when its pieces cannot be joined. */
static size_t compress_whole(const struct work *w, uint8_t **out)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(w->level);
	size_t cap = c ? libdeflate_gzip_compress_bound(c, w->n) : 0, n = 0;

	*out = c ? malloc(cap) : NULL;
	if (*out)
		n = libdeflate_gzip_compress(c, w->in, w->n, *out, cap);
	if (c)
		libdeflate_free_compressor(c);
	if (!n) {
		free(*out);
		*out = NULL;
	}
	return n;
}

size_t gzip_pieces(const uint8_t *in, size_t n, int level, unsigned threads,
		   uint8_t **out)
{
	struct work w = { .in = in, .n = n, .level = level };
	size_t want, started = 0, size = 0, cap = 0;
	pthread_t *t;

	*out = NULL;
	w.count = n ? (n + PIECE_SIZE - 1) / PIECE_SIZE : 1;
	threads = threads ? threads : 1;
	want = (threads < w.count ? threads : w.count) - 1;
	w.pieces = calloc(w.count, sizeof(*w.pieces));
	t = calloc(want ? want : 1, sizeof(*t));
	if (!w.pieces || !t)
		goto out;
	for (; started < want; started++)
		if (pthread_create(&t[started], NULL, compress_pieces, &w))
			break;
	compress_pieces(&w);
	for (size_t i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	for (size_t i = 0; i < w.count; i++) {
		if (!w.pieces[i].ok)
			goto out;
		cap += w.pieces[i].len;
	}
	*out = malloc(cap);
	if (*out && !(size = join_pieces(&w, *out))) {
		free(*out);
		size = compress_whole(&w, out);
	}
out:
	for (size_t i = 0; w.pieces && i < w.count; i++)
		free(w.pieces[i].z);
	free(w.pieces);
	free(t);
	if (!size)
		errno = ENOMEM;
	return size;
}
