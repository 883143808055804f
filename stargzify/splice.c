// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "splice.h"

#define MAX_BITS	15  /* the longest Huffman code */
#define MAX_LIT_CODES	286 /* literal/length codes a block may define */
#define MAX_DIST_CODES	30
#define FIXED_LIT_CODES 288

struct bitreader {
	const uint8_t *in;
	size_t len;
	uint64_t pos; /* in bits */
};

/* Takes n (at most 16) bits, least significant first. */
static int get_bits(struct bitreader *br, unsigned n, unsigned *v)
{
	uint64_t byte = br->pos >> 3;
	uint32_t w = 0;

	if (n > (uint64_t)br->len * 8 - br->pos)
		return -1;
	for (unsigned i = 0; i < 4 && byte + i < br->len; i++)
		w |= (uint32_t)br->in[byte + i] << (8 * i);
	*v = (w >> (br->pos & 7)) & ((1u << n) - 1);
	br->pos += n;
	return 0;
}

/* A canonical Huffman code: how many codes of each length, and the
 * symbols in code order. */
struct huffman {
	uint16_t count[MAX_BITS + 1];
	uint16_t symbol[FIXED_LIT_CODES];
};

/* Returns how many codes are left unused (0: the code is complete), or
 * -1 if the lengths ask for more codes than there are. */
static int huffman_build(struct huffman *h, const uint8_t *length, unsigned n)
{
	uint16_t offset[MAX_BITS + 1];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < n; s++)
		h->count[length[s]]++;
	if (h->count[0] == n)
		return 0;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return -1;
	}
	offset[1] = 0;
	for (unsigned len = 1; len < MAX_BITS; len++)
		offset[len + 1] = offset[len] + h->count[len];
	for (unsigned s = 0; s < n; s++)
		if (length[s])
			h->symbol[offset[length[s]]++] = (uint16_t)s;
	return left;
}

/* The next symbol, a bit at a time: codes are read most significant bit
 * first, and of each length the first code is known from the counts. */
static int huffman_decode(struct bitreader *br, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;

	for (unsigned len = 1; len <= MAX_BITS; len++) {
		unsigned bit;

		if (get_bits(br, 1, &bit) < 0)
			return -1;
		code |= (int)bit;
		if (code - h->count[len] < first)
			return h->symbol[index + (code - first)];
		index += h->count[len];
		first = (first + h->count[len]) << 1;
		code <<= 1;
	}
	return -1; /* a code the table does not have */
}

static const uint16_t length_base[29] = { 3,   4,   5,	 6,   7,  8,  9,  10,
					  11,  13,  15,	 17,  19, 23, 27, 31,
					  35,  43,  51,	 59,  67, 83, 99, 115,
					  131, 163, 195, 227, 258 };
static const uint8_t length_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
					  1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
					  4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1,    2,    3,	  4,	 5,	7,
					9,    13,   17,	  25,	 33,	49,
					65,   97,   129,  193,	 257,	385,
					513,  769,  1025, 1537,	 2049,	3073,
					4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
					4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
					9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The codes of one block up to its end-of-block; *out counts the bytes
 * they stand for, so that no distance reaches before the stream. */
static int walk_codes(struct bitreader *br, const struct huffman *lit,
		      const struct huffman *dist, uint64_t *out)
{
	for (;;) {
		int sym = huffman_decode(br, lit);
		unsigned extra, length;

		if (sym < 0)
			return -1;
		if (sym < 256) {
			(*out)++;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29 || get_bits(br, length_extra[sym], &extra) < 0)
			return -1;
		length = length_base[sym] + extra;
		sym = huffman_decode(br, dist);
		if (sym < 0 || sym >= 30 ||
		    get_bits(br, dist_extra[sym], &extra) < 0 ||
		    dist_base[sym] + extra > *out)
			return -1;
		*out += length;
	}
}

static int walk_stored(struct bitreader *br, uint64_t *out)
{
	unsigned len, nlen;

	br->pos = (br->pos + 7) & ~(uint64_t)7;
	if (get_bits(br, 16, &len) < 0 || get_bits(br, 16, &nlen) < 0 ||
	    len != (~nlen & 0xffff) ||
	    (uint64_t)len * 8 > (uint64_t)br->len * 8 - br->pos)
		return -1;
	br->pos += (uint64_t)len * 8;
	*out += len;
	return 0;
}

static int walk_fixed(struct bitreader *br, uint64_t *out)
{
	uint8_t length[FIXED_LIT_CODES];
	struct huffman lit, dist;
	unsigned s = 0;

	for (; s < 144; s++)
		length[s] = 8;
	for (; s < 256; s++)
		length[s] = 9;
	for (; s < 280; s++)
		length[s] = 7;
	for (; s < FIXED_LIT_CODES; s++)
		length[s] = 8;
	huffman_build(&lit, length, FIXED_LIT_CODES);
	memset(length, 5, MAX_DIST_CODES);
	huffman_build(&dist, length, MAX_DIST_CODES);
	return walk_codes(br, &lit, &dist, out);
}

/* A literal/length or distance code may be incomplete only when it is a
 * single code of one bit (RFC 1951 3.2.7), as zlib and puff read them. */
static bool code_ok(int left, const struct huffman *h, unsigned n)
{
	return left == 0 || (left > 0 && h->count[0] + h->count[1] == n);
}

/* The code lengths of a dynamic block, themselves Huffman coded. */
static int read_lengths(struct bitreader *br, uint8_t *length, unsigned n)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
					   11, 4,  12, 3, 13, 2, 14, 1, 15 };
	uint8_t cl[19] = { 0 };
	struct huffman code;
	unsigned ncode, v;

	if (get_bits(br, 4, &ncode) < 0)
		return -1;
	for (unsigned i = 0; i < ncode + 4; i++) {
		if (get_bits(br, 3, &v) < 0)
			return -1;
		cl[order[i]] = (uint8_t)v;
	}
	if (huffman_build(&code, cl, 19) != 0)
		return -1;
	for (unsigned i = 0; i < n;) {
		int sym = huffman_decode(br, &code);
		unsigned repeat;
		uint8_t fill = 0;

		if (sym < 0)
			return -1;
		if (sym < 16) {
			length[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0 || get_bits(br, 2, &repeat) < 0)
				return -1;
			fill = length[i - 1];
			repeat += 3;
		} else if (sym == 17) {
			if (get_bits(br, 3, &repeat) < 0)
				return -1;
			repeat += 3;
		} else {
			if (get_bits(br, 7, &repeat) < 0)
				return -1;
			repeat += 11;
		}
		if (repeat > n - i)
			return -1;
		memset(length + i, fill, repeat);
		i += repeat;
	}
	return 0;
}

static int walk_dynamic(struct bitreader *br, uint64_t *out)
{
	uint8_t length[MAX_LIT_CODES + MAX_DIST_CODES];
	struct huffman lit, dist;
	unsigned nlit, ndist;
	int left;

	if (get_bits(br, 5, &nlit) < 0 || get_bits(br, 5, &ndist) < 0)
		return -1;
	nlit += 257;
	ndist += 1;
	if (nlit > MAX_LIT_CODES || ndist > MAX_DIST_CODES ||
	    read_lengths(br, length, nlit + ndist) < 0 || length[256] == 0)
		return -1;
	left = huffman_build(&lit, length, nlit);
	if (!code_ok(left, &lit, nlit))
		return -1;
	left = huffman_build(&dist, length + nlit, ndist);
	if (!code_ok(left, &dist, ndist))
		return -1;
	return walk_codes(br, &lit, &dist, out);
}

int deflate_walk(const uint8_t *in, size_t len, struct deflate_end *end)
{
	struct bitreader br = { .in = in, .len = len };
	uint64_t out = 0;
	unsigned final = 0, type;

	memset(end, 0, sizeof(*end));
	while (!final) {
		uint64_t at = br.pos;
		int r;

		if (get_bits(&br, 1, &final) < 0 || get_bits(&br, 2, &type) < 0)
			return -1;
		end->final_bit = at;
		if (type == 0) {
			end->stored = true;
			r = walk_stored(&br, &out);
		} else if (type == 1) {
			r = walk_fixed(&br, &out);
		} else if (type == 2) {
			r = walk_dynamic(&br, &out);
		} else {
			r = -1;
		}
		if (r < 0)
			return -1;
	}
	end->end_bit = br.pos;
	return 0;
}

size_t deflate_join_size(const struct deflate_end *a,
			 const struct deflate_end *b)
{
	return (size_t)((a->end_bit + b->end_bit + 7) / 8);
}

size_t deflate_join(const uint8_t *a, const struct deflate_end *ae,
		    const uint8_t *b, const struct deflate_end *be,
		    uint8_t *out)
{
	unsigned shift = ae->end_bit & 7, tail = be->end_bit & 7;
	size_t whole = ae->end_bit >> 3, b_bytes = (be->end_bit + 7) >> 3;
	size_t size = deflate_join_size(ae, be);
	uint8_t carry = shift ? a[whole] & ((1u << shift) - 1) : 0;
	uint8_t *o = out + whole;

	if (be->stored && shift)
		return 0;
	if (out != a)
		memcpy(out, a, whole);
	if (ae->final_bit >> 3 < whole)
		out[ae->final_bit >> 3] &=
			(uint8_t) ~(1u << (ae->final_bit & 7));
	else
		carry &= (uint8_t) ~(1u << (ae->final_bit & 7));
	for (size_t i = 0; i < b_bytes; i++) {
		uint8_t v = b[i];

		if (i == b_bytes - 1 && tail) /* b's padding bits */
			v &= (uint8_t)((1u << tail) - 1);
		o[i] = carry | (uint8_t)(v << shift);
		carry = shift ? (uint8_t)(v >> (8 - shift)) : 0;
	}
	if (whole + b_bytes < size)
		o[b_bytes] = carry;
	return size;
}

void deflate_joined_end(const struct deflate_end *a,
			const struct deflate_end *b, struct deflate_end *out)
{
	out->final_bit = a->end_bit + b->final_bit;
	out->end_bit = a->end_bit + b->end_bit;
	out->stored = a->stored || b->stored;
}
