// SPDX-License-Identifier: GPL-2.0-or-later
/* overlay-session's pure logic: which directories have mount points below
 * them, and the escaping of paths in the state files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "state.h"
#include "tap.h"

static const char *escaped(const char *path)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	path_escape(f, path);
	fclose(f);
	return buf;
}

static void test_escape(void)
{
	char out[64];
	const char *odd = "/a b/t\tab/nl\n/%/\x7f/\xc3\xa9";

	is_str(escaped("/usr/lib"), "/usr/lib", "plain path unchanged");
	is_str(escaped(odd), "/a%20b/t%09ab/nl%0A/%25/%7F/\xc3\xa9",
	       "space, tab, newline, percent, DEL escaped; UTF-8 kept");
	ok(path_unescape(escaped(odd), out, sizeof(out)) == 0 &&
		   strcmp(out, odd) == 0,
	   "round trip");
	ok(path_unescape("/a%2", out, sizeof(out)) < 0, "truncated escape");
	ok(path_unescape("/a%zz", out, sizeof(out)) < 0, "not hex");
	ok(path_unescape("/a%00b", out, sizeof(out)) < 0, "an escaped NUL");
	ok(path_unescape("/a b", out, sizeof(out)) < 0, "a raw space");
	ok(path_unescape("/a%70", out, sizeof(out)) < 0,
	   "an escape of a byte that needs none");
	ok(path_unescape("/a%0a", out, sizeof(out)) < 0,
	   "lower-case hex is not what we write");
	ok(path_unescape("/abcdefgh", out, 5) < 0, "too long for the buffer");
	ok(path_unescape("", out, sizeof(out)) < 0, "empty");
}

static void test_mounts_below(void)
{
	const char *points[] = { "/proc", "/mnt/data", "/srv/x/y" };

	ok(mounts_below(points, 3, "/"), "/ has mounts below");
	ok(mounts_below(points, 3, "/mnt"), "/mnt holds /mnt/data");
	ok(!mounts_below(points, 3, "/mnt/data"),
	   "a mount point itself: none below");
	ok(!mounts_below(points, 3, "/mn"), "a name prefix is not a parent");
	ok(mounts_below(points, 3, "/srv/x"), "two levels");
	ok(!mounts_below(points, 3, "/usr"), "/usr: none");
	ok(!mounts_below(points, 0, "/"), "no mounts at all");
}

int main(void)
{
	test_escape();
	test_mounts_below();
	return done_testing();
}
