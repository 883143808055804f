// SPDX-License-Identifier: GPL-2.0-or-later
/* mountinfo: mount points are names anyone in a user namespace can pick. */
#include <string.h>

#include "fuzz.h"
#include "mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mountinfo m;
	char *text = malloc(size + 1);
	size_t i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mountinfo_parse(&m, text) < 0)
		return 0;
	for (i = 0; i < m.n; i++) {
		FUZZ_CHECK(m.v[i].point && m.v[i].fstype && m.v[i].super_opts);
		FUZZ_CHECK(*m.v[i].fstype);
		mountinfo_has_option(m.v[i].super_opts, "rw");
	}
	mountinfo_free(&m);
	return 0;
}
