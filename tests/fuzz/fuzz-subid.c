// SPDX-License-Identifier: GPL-2.0-or-later
/* The subid file parser, and the maps become-root builds from what it
 * accepts: hostile /etc/subuid content must never yield a range the kernel
 * would reject, nor crash. */
#include <string.h>

#include "fuzz.h"
#include "idmap.h"
#include "subid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct subid_list l = { 0 };
	static struct idmap m;
	struct idmap_problem p;
	size_t i, a, b;

	if (subid_parse_buffer((const char *)data, size, "fuzz", "alice", 1000,
			       &l, NULL, NULL) < 0)
		return 0;
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(l.v[i].count > 0);
		FUZZ_CHECK((uint64_t)l.v[i].start + l.v[i].count - 1 <=
			   4294967294u);
		FUZZ_CHECK(l.v[i].line > 0);
	}
	if (!subid_find_overlap(l.v, l.n, &a, &b)) {
		/* Disjoint ranges: a map must come out, or a clean refusal. */
		if (idmap_build(&m, 1000, size & 1, l.v, l.n, &p) == 0) {
			char text[IDMAP_MAX_TEXT + 1];

			FUZZ_CHECK(m.n >= 1 && m.n <= IDMAP_MAX_EXTENTS);
			FUZZ_CHECK(idmap_format(&m, text, sizeof(text)) > 0);
		} else {
			FUZZ_CHECK(p.status != IDMAP_OK);
		}
	} else {
		FUZZ_CHECK(a < b && b < l.n);
	}
	subid_list_free(&l);
	return 0;
}
