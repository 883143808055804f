/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Joining two raw deflate streams (RFC 1951) into one, bit for bit, so
 * that the compressed bytes of a file's data seen before can start a new
 * member, followed by the compressed headers after it: the data is not
 * compressed again, and the member is still one deflate stream. */
#ifndef STARGZIFY_SPLICE_H
#define STARGZIFY_SPLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a deflate stream ends, found by walking its blocks. */
struct deflate_end {
	uint64_t final_bit; /* the BFINAL bit of its last block */
	uint64_t end_bit;   /* just past its last end-of-block code */
	bool stored;	    /* it has a stored block: byte alignment matters */
};

/* Walks the raw deflate stream in[0..len) to its final block's end,
 * checking every code: 0 and *end, or -1 if it is not a complete, valid
 * stream. Decodes no data, so it costs a fraction of inflating it. */
int deflate_walk(const uint8_t *in, size_t len, struct deflate_end *end);

/* Bytes a joined stream of a and b takes. */
size_t deflate_join_size(const struct deflate_end *a,
			 const struct deflate_end *b);

/* Writes a's blocks, the last made not final, then b's, shifted to start
 * at the bit a ends at: one stream inflating to a's data then b's. out may
 * be a itself, with room for the result. Returns deflate_join_size()
 * bytes; or 0, writing nothing, when b has a stored block and would start
 * mid-byte (the shift would move its alignment). */
size_t deflate_join(const uint8_t *a, const struct deflate_end *ae,
		    const uint8_t *b, const struct deflate_end *be,
		    uint8_t *out);
/* Where the joined stream of a and b ends. */
void deflate_joined_end(const struct deflate_end *a,
			const struct deflate_end *b, struct deflate_end *out);

#endif
