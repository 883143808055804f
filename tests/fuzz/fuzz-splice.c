// SPDX-License-Identifier: GPL-2.0-or-later
/* stargzify's deflate walker on arbitrary bytes, checked against zlib: a
 * stream it walks, zlib inflates to its end, exactly; and joined to
 * itself, the stream inflates to its data twice. */
#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "splice.h"

#define OUT_MAX (8u << 20) /* 4096 bytes inflate to at most 4096 * 1032 */

/* Inflates in[0..n) whole: its length, or -1 if zlib finds it is not one
 * stream ending exactly at its last byte. */
static long inflate_all(const uint8_t *in, size_t n, uint8_t *out)
{
	z_stream z = { 0 };
	int r;
	long got;

	if (inflateInit2(&z, -15) != Z_OK)
		abort();
	z.next_in = (uint8_t *)in;
	z.avail_in = (unsigned)n;
	z.next_out = out;
	z.avail_out = OUT_MAX;
	r = inflate(&z, Z_FINISH);
	got = r == Z_STREAM_END && z.avail_in == 0
		      ? (long)(OUT_MAX - z.avail_out)
		      : -1;
	inflateEnd(&z);
	return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *once, *twice, *joined;
	struct deflate_end end;
	size_t bytes, jn;
	long n, n2;

	if (deflate_walk(data, size, &end) < 0)
		return 0;
	if (!once) {
		once = malloc(OUT_MAX);
		twice = malloc(OUT_MAX);
		joined = malloc(2 * 4096 + 1);
		if (!once || !twice || !joined)
			abort();
	}
	bytes = (size_t)((end.end_bit + 7) / 8);
	FUZZ_CHECK(bytes <= size && end.final_bit < end.end_bit);
	if (size > 4096)
		return 0;
	n = inflate_all(data, bytes, once);
	FUZZ_CHECK(n >= 0);
	if ((unsigned long)n * 2 > OUT_MAX)
		return 0;
	jn = deflate_join(data, &end, data, &end, joined);
	if (!jn) {
		FUZZ_CHECK(end.stored && (end.end_bit & 7));
		return 0;
	}
	FUZZ_CHECK(jn == deflate_join_size(&end, &end));
	n2 = inflate_all(joined, jn, twice);
	FUZZ_CHECK(n2 == 2 * n && !memcmp(twice, once, (size_t)n) &&
		   !memcmp(twice + n, once, (size_t)n));
	return 0;
}
