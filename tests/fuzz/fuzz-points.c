// SPDX-License-Identifier: GPL-2.0-or-later
/* overlay-session's records of a kept skeleton's host entries: lines of a
 * session directory, which a session's command can write. What is
 * accepted names a known skeleton and a path strictly below it, and
 * escapes back to the same fields. */
#include <string.h>

#include "fuzz.h"
#include "points.h"

static void check_escapes_to(const char *path, const char *text)
{
	char again[8192] = "";
	FILE *f = fmemopen(again, sizeof(again), "w");

	FUZZ_CHECK(f);
	path_escape(f, path);
	fclose(f);
	FUZZ_CHECK(strcmp(again, text) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_unit units[] = { { "u0", "/" },
				      { "u1", "/tmp" },
				      { "u12", "/home/a b" } };
	struct state s = { .dirfd = -1, .dir = "st", .v = units, .n = 3 };
	char line[4096], copy[4096];
	struct point pt;

	if (size >= sizeof(line) || memchr(data, '\n', size))
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memcpy(copy, line, size + 1);
	if (points_parse_line(&s, line, size % 2 == 0, &pt) < 0)
		return 0;
	{
		const char *top = state_key_path(&s, pt.key);
		size_t n = strcmp(top, "/") ? strlen(top) : 0;
		char *path = strchr(copy, ' ') + 1, *target = strchr(path, ' ');

		FUZZ_CHECK(top && pt.top_len == n);
		FUZZ_CHECK(!strncmp(pt.path, top, n) && pt.path[n] == '/' &&
			   pt.path[n + 1]);
		if (target)
			*target++ = '\0';
		FUZZ_CHECK(!target == !pt.target);
		check_escapes_to(pt.path, path);
		if (target)
			check_escapes_to(pt.target, target);
	}
	free(pt.path);
	free(pt.target);
	return 0;
}
