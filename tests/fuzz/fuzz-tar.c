// SPDX-License-Identifier: GPL-2.0-or-later
/* stargzify reads layers from anyone: every header of a hostile tar, then
 * the entry order with a --prioritize list. */
#include <string.h>

#include "fuzz.h"
#include "order.h"
#include "tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_src src = { .mem = data, .size = size };
	struct tar_header h;
	struct order p;
	uint64_t off = 0, last = 0;
	char why[256];
	int r;

	while ((r = tar_next(&src, &off, &h, why, sizeof(why))) > 0) {
		FUZZ_CHECK(off > last && off <= size);
		FUZZ_CHECK(h.data_off + h.data_len <= size);
		FUZZ_CHECK(!tar_name_is_unsafe(h.name));
		char *clean = tar_clean_name(h.name);

		FUZZ_CHECK(clean && !strstr(clean, "//"));
		free(clean);
		last = off;
		tar_header_free(&h);
	}
	if (order_index(&p, &src, size & 1, why, sizeof(why)) == 0) {
		char *prio[] = { "a", "./b/c", "" };

		FUZZ_CHECK(order_entries(&p, prio, 3, true) == 0);
		FUZZ_CHECK(p.n_order <= p.n_entries + 1);
	}
	order_free(&p);
	return 0;
}
