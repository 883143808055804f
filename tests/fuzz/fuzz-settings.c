// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup-delegate set: KEY=VALUE words from the command line, split on
 * newlines. Every write planned must name a file and carry a value that a
 * cgroup file takes in one write (no newline). */
#include <string.h>

#include "fuzz.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *words[16], why[256];
	struct cg_plan plan;
	size_t n = 0, i;
	char *p, *save = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = strtok_r(text, "\n", &save); p && n < 16;
	     p = strtok_r(NULL, "\n", &save))
		words[n++] = p;
	if (settings_plan(words, n, size & 1, &plan, why, sizeof(why)) == 0) {
		FUZZ_CHECK(plan.n <= SETTINGS_MAX_WRITES);
		for (i = 0; i < plan.n; i++) {
			FUZZ_CHECK(plan.w[i].file[0] && plan.w[i].value[0]);
			FUZZ_CHECK(!strchr(plan.w[i].value, '\n'));
			FUZZ_CHECK(!strchr(plan.w[i].file, '/'));
		}
	} else {
		FUZZ_CHECK(why[0]);
	}
	free(text);
	return 0;
}
