// SPDX-License-Identifier: GPL-2.0-or-later
/* The security.capability parser on arbitrary bytes: accepted only with
 * the exact length of its revision. */
#include "capxattr.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capxattr c;

	if (capxattr_parse(data, size, &c) == 0) {
		FUZZ_CHECK(c.revision >= 1 && c.revision <= 3);
		FUZZ_CHECK(size == (c.revision == 1   ? 12u
				    : c.revision == 2 ? 20u
						      : 24u));
		FUZZ_CHECK(c.has_rootid == (c.revision == 3));
	}
	return 0;
}
