// SPDX-License-Identifier: GPL-2.0-or-later
/* parse_u64_n against a plain reference: accepted exactly when the input is
 * all digits and the value fits; the value printed back is the input without
 * its leading zeros. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	uint64_t max = UINT64_MAX, v;
	bool digits = size > 0;
	size_t i, lead = 0;
	char back[32];
	int r;

	/* The first byte, when it is not a digit, picks a smaller max. */
	if (size > 0 && (s[0] < '0' || s[0] > '9')) {
		max = (uint64_t)(unsigned char)s[0] * 1000003u;
		s++;
		size--;
		digits = size > 0;
	}
	for (i = 0; i < size; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = false;
	r = parse_u64_n(s, size, max, &v);
	if (!digits) {
		FUZZ_CHECK(r == -1 && errno == EINVAL);
		return 0;
	}
	while (lead + 1 < size && s[lead] == '0')
		lead++;
	if (r == 0) {
		FUZZ_CHECK(v <= max);
		snprintf(back, sizeof(back), "%llu", (unsigned long long)v);
		FUZZ_CHECK(strlen(back) == size - lead);
		FUZZ_CHECK(memcmp(back, s + lead, size - lead) == 0);
	} else {
		FUZZ_CHECK(errno == ERANGE);
		/* Too large: longer than max, or as long and greater. */
		snprintf(back, sizeof(back), "%llu", (unsigned long long)max);
		FUZZ_CHECK(size - lead > strlen(back) ||
			   (size - lead == strlen(back) &&
			    memcmp(s + lead, back, strlen(back)) > 0));
	}
	return 0;
}
