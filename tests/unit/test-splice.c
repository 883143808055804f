// SPDX-License-Identifier: GPL-2.0-or-later
/* stargzify's deflate splicing: streams libdeflate writes at every level,
 * of text, of random bytes (stored blocks) and of a few bytes (fixed
 * blocks), are walked to their exact end, and every pair joined at every
 * bit alignment inflates with zlib to both inputs in turn. Broken streams
 * are refused. A member made in pieces on threads is one gzip member of
 * its input, the same bytes on any number of threads. */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pieces.h"
#include "splice.h"
#include "tap.h"

struct sample {
	const char *what;
	uint8_t *data, *z;
	size_t len, zlen;
	struct deflate_end end;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint8_t next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

/* Text-like bytes: words from a small vocabulary, compressible. */
static void fill_text(uint8_t *p, size_t n)
{
	static const char *const words[] = { "struct ", "return ", "int ",
					     "\n\t",	"if (",	   "); ",
					     "0x1f",	"buffer",  "member ",
					     "{\n" };

	for (size_t i = 0; i < n;) {
		const char *w = words[next_byte() % 10];

		for (size_t k = 0; w[k] && i < n; k++)
			p[i++] = (uint8_t)w[k];
	}
}

static size_t deflate_raw(int level, const uint8_t *in, size_t n, uint8_t **out)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	size_t cap = libdeflate_deflate_compress_bound(c, n), r;

	*out = malloc(cap);
	r = libdeflate_deflate_compress(c, in, n, *out, cap);
	libdeflate_free_compressor(c);
	return r;
}

static size_t inflate_raw(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
			  int *status)
{
	z_stream z = { 0 };

	inflateInit2(&z, -15);
	z.next_in = (uint8_t *)in;
	z.avail_in = (unsigned)n;
	z.next_out = out;
	z.avail_out = (unsigned)cap;
	*status = inflate(&z, Z_FINISH);
	/* the joined stream must end exactly where its bytes do */
	if (*status == Z_STREAM_END && z.avail_in)
		*status = Z_DATA_ERROR;
	inflateEnd(&z);
	return cap - z.avail_out;
}

static void make_sample(struct sample *s, const char *what, size_t len,
			int level, int kind)
{
	s->what = what;
	s->len = len;
	s->data = malloc(len ? len : 1);
	if (kind == 0)
		fill_text(s->data, len);
	else
		for (size_t i = 0; i < len; i++)
			s->data[i] = next_byte();
	s->zlen = deflate_raw(level, s->data, len, &s->z);
}

static void test_walk(struct sample *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sample *s = &v[i];
		int r = deflate_walk(s->z, s->zlen, &s->end);

		ok(r == 0 && (s->end.end_bit + 7) / 8 == s->zlen &&
			   s->end.final_bit < s->end.end_bit,
		   "walk of %s ends in its last byte (%zu bytes, bit %llu)",
		   s->what, s->zlen, (unsigned long long)s->end.end_bit);
	}
}

static void test_join(struct sample *v, size_t n)
{
	unsigned shifts = 0, failed = 0, refused = 0, wrong_refusal = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < n; k++) {
			struct sample *a = &v[i], *b = &v[k];
			size_t size = deflate_join_size(&a->end, &b->end);
			uint8_t *j = malloc(size), *out;
			size_t want = a->len + b->len, got;
			unsigned shift = a->end.end_bit & 7;
			int status;

			if (deflate_join(a->z, &a->end, b->z, &b->end, j) !=
			    size) {
				refused++;
				wrong_refusal += !(b->end.stored && shift);
				free(j);
				continue;
			}
			shifts |= 1u << shift;
			out = malloc(want + 1);
			got = inflate_raw(j, size, out, want + 1, &status);
			if (status != Z_STREAM_END || got != want ||
			    memcmp(out, a->data, a->len) ||
			    memcmp(out + a->len, b->data, b->len)) {
				failed++;
				printf("# %s + %s: status %d, %zu of %zu "
				       "bytes\n",
				       a->what, b->what, status, got, want);
			}
			free(out);
			free(j);
		}
	}
	ok(failed == 0, "every joined pair inflates to both inputs in turn");
	ok(shifts == 0xff, "joins at all 8 bit alignments (seen: %#x)", shifts);
	ok(refused > 0 && wrong_refusal == 0,
	   "only a stored block after a mid-byte end is refused (%u)", refused);
}

static void test_broken(struct sample *s)
{
	struct deflate_end end;
	unsigned accepted = 0;
	uint8_t *copy = malloc(s->zlen);

	for (size_t len = 0; len < s->zlen; len++)
		accepted += deflate_walk(s->z, len, &end) == 0;
	ok(accepted == 0, "every truncation of %s is refused", s->what);
	/* a distance reaching before the stream: what a preset dictionary
	 * leaves, never a standalone stream */
	{
		static const uint8_t dict[] = "member member member member";
		uint8_t z[64];
		z_stream zs = { 0 };

		deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
		deflateSetDictionary(&zs, dict, sizeof(dict) - 1);
		zs.next_in = (uint8_t *)"member member";
		zs.avail_in = 13;
		zs.next_out = z;
		zs.avail_out = sizeof(z);
		deflate(&zs, Z_FINISH);
		ok(deflate_walk(z, sizeof(z) - zs.avail_out, &end) < 0,
		   "a distance before the start of the stream is refused");
		deflateEnd(&zs);
	}
	/* flipped bits: refused or walked, never read out of bounds (the
	 * sanitizer rounds of make check watch this) */
	for (size_t i = 0; i < s->zlen * 8; i += 7) {
		memcpy(copy, s->z, s->zlen);
		copy[i / 8] ^= (uint8_t)(1u << (i % 8));
		(void)deflate_walk(copy, s->zlen, &end);
	}
	{
		static const uint8_t reserved[] = { 0x07, 0x00 }; /* BTYPE 3 */
		static const uint8_t bad_nlen[] = { 0x01, 0x01, 0x00,
						    0x00, 0x00, 'x' };

		ok(deflate_walk(reserved, sizeof(reserved), &end) < 0 &&
			   deflate_walk(bad_nlen, sizeof(bad_nlen), &end) < 0,
		   "a reserved block type, a stored length not matching its "
		   "complement are refused");
	}
	free(copy);
}

/* Inflates one gzip member: its data's length, or -1 if it is not one
 * member that ends exactly where its bytes do. */
static long gunzip(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z = { 0 };
	int r;

	inflateInit2(&z, 16 + 15);
	z.next_in = (uint8_t *)in;
	z.avail_in = (unsigned)n;
	z.next_out = out;
	z.avail_out = (unsigned)cap;
	r = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return r == Z_STREAM_END && !z.avail_in ? (long)(cap - z.avail_out)
						: -1;
}

static void test_pieces_of(const char *what, const uint8_t *in, size_t n)
{
	uint8_t *one = NULL, *two = NULL, *eight = NULL, *back = malloc(n + 1);
	size_t n1 = gzip_pieces(in, n, 1, 1, &one);
	size_t n2 = gzip_pieces(in, n, 1, 2, &two);
	size_t n8 = gzip_pieces(in, n, 1, 8, &eight);

	ok(n1 && gunzip(one, n1, back, n + 1) == (long)n &&
		   !memcmp(back, in, n),
	   "%s in pieces: one gzip member of it", what);
	ok(n1 == n2 && n1 == n8 && !memcmp(one, two, n1) &&
		   !memcmp(one, eight, n1),
	   "%s: the same bytes on 1, 2 and 8 threads", what);
	free(one);
	free(two);
	free(eight);
	free(back);
}

static void test_pieces(void)
{
	size_t n = 2 * PIECE_SIZE + 12345;
	uint8_t *text = malloc(n), *noise = malloc(n), *whole, *pieces;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
	size_t cap = libdeflate_gzip_compress_bound(c, 1000), wn, pn;

	fill_text(text, n);
	for (size_t i = 0; i < n; i++)
		noise[i] = next_byte();
	test_pieces_of("text of 3 pieces", text, n);
	/* deflate stores random bytes: pieces start mid-byte or whole */
	test_pieces_of("random bytes of 3 pieces", noise, n);
	test_pieces_of("nothing", text, 0);
	/* a piece of text ends mid-byte, a stored one cannot follow it: the
	 * whole is compressed at once */
	memcpy(noise, text, PIECE_SIZE);
	test_pieces_of("text, then random bytes", noise, n);
	whole = malloc(cap);
	wn = libdeflate_gzip_compress(c, text, 1000, whole, cap);
	pn = gzip_pieces(text, 1000, 1, 2, &pieces);
	ok(pn == wn && !memcmp(pieces, whole, wn),
	   "one piece is the member libdeflate makes of it");
	libdeflate_free_compressor(c);
	free(whole);
	free(pieces);
	free(text);
	free(noise);
}

int main(void)
{
	static const int levels[] = { 1, 6, 9, 12 };
	static const size_t sizes[] = { 1,  2,	 3,    5,    11,
					31, 300, 1001, 4096, 70000 };
	struct sample v[2 * 4 * 10];
	char names[2 * 4 * 10][48];
	size_t n = 0;

	for (int kind = 0; kind < 2; kind++)
		for (size_t l = 0; l < 4; l++)
			for (size_t z = 0; z < 10; z++) {
				snprintf(names[n], sizeof(names[n]),
					 "%s of %zu at level %d",
					 kind ? "random bytes" : "text",
					 sizes[z], levels[l]);
				make_sample(&v[n], names[n], sizes[z],
					    levels[l], kind);
				n++;
			}
	test_walk(v, n);
	test_join(v, n);
	test_broken(&v[18]); /* text of 4096 at level 6 */
	test_broken(&v[49]); /* random bytes of 70000 at level 1: stored */
	test_pieces();
	for (size_t i = 0; i < n; i++) {
		free(v[i].data);
		free(v[i].z);
	}
	return done_testing();
}
