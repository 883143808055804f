// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "subid.h"
#include "tap.h"

static int parse(const char *line, struct subid_entry *e, const char **why)
{
	*why = NULL;
	return subid_parse_line(line, strlen(line), e, why);
}

static void bad(const char *line, const char *want_why)
{
	struct subid_entry e;
	const char *why;
	int r = parse(line, &e, &why);

	ok(r == -1 && why && strcmp(why, want_why) == 0,
	   "rejects \"%s\": %s (got: %s)", line, want_why, why ? why : "-");
}

static int reports;
static unsigned int last_line;

static void count_report(const char *file, unsigned int line, const char *why,
			 void *ctx)
{
	(void)file;
	(void)why;
	(void)ctx;
	reports++;
	last_line = line;
}

static void test_lines(void)
{
	struct subid_entry e;
	const char *why;

	ok(parse("alice:100000:65536", &e, &why) == 1 && e.owner_len == 5 &&
		   memcmp(e.owner, "alice", 5) == 0 && e.start == 100000 &&
		   e.count == 65536,
	   "a good line");
	ok(parse("1000:0:1", &e, &why) == 1 && e.start == 0,
	   "numeric owner, start 0");
	ok(parse("", &e, &why) == 0, "blank line is skipped");
	ok(parse("# comment", &e, &why) == 0, "comment is skipped");
	ok(parse("bob:4294967294:1", &e, &why) == 1, "range ending at -2");
	bad("bob:4294967295:1", "range runs past id 4294967294");
	bad("bob:4294967200:96", "range runs past id 4294967294");
	bad("bob:1:4294967295", "range runs past id 4294967294");
	bad("bob:4294967296:1", "number larger than 4294967295");
	bad("bob:100000", "expected 3 fields, found 2");
	bad("bob", "expected OWNER:START:COUNT");
	bad("bob:1:2:3", "expected 3 fields, found more");
	bad(":1:2", "empty owner");
	bad("b ob:1:2",
	    "owner contains whitespace or control characters, or is too long");
	bad("bob:1:0", "count is 0");
	bad("bob:010:1", "start has a leading zero");
	bad("bob:1:010", "count has a leading zero");
	bad("bob:-1:1", "start is not a decimal number");
	bad("bob: 1:1", "start is not a decimal number");
	bad("bob:1:1 ", "count is not a decimal number");
	bad("bob:1:1\x01", "count is not a decimal number");
	bad("bob:0x10:1", "start has a leading zero");
	bad("bob::1", "start is not a decimal number");
	ok(parse("bob:1", &e, &why) == -1 && e.owner_len == 3,
	   "owner is known even on a malformed line");
}

static void test_buffer(void)
{
	const char buf[] = "alice:100000:65536\n"
			   "bob:200000:65536\n"
			   "alice:300000:10\n"
			   "1000:400000:5\n"
			   "alice:bad:1\n"
			   "bob:bad:1\n"
			   "garbage\n"
			   "alice:500000:1"; /* no final newline */
	struct subid_list l = { 0 };

	reports = 0;
	ok(subid_parse_buffer(buf, strlen(buf), "f", "alice", 1000, &l,
			      count_report, NULL) == 0,
	   "parse a buffer");
	is_int(l.n, 4, "alice gets her ranges by name and by uid");
	ok(l.n == 4 && l.v[0].start == 100000 && l.v[0].line == 1 &&
		   l.v[1].start == 300000 && l.v[1].line == 3 &&
		   l.v[2].start == 400000 && l.v[2].line == 4 &&
		   l.v[3].start == 500000 && l.v[3].count == 1,
	   "ranges in file order with their line numbers");
	is_int(reports, 2,
	       "her bad line and the ownerless one are reported, "
	       "bob's is not");
	is_int(subid_list_total(&l), 65536 + 10 + 5 + 1, "total ids");
	subid_list_free(&l);

	ok(subid_parse_buffer(buf, strlen(buf), "f", NULL, 999, &l, NULL,
			      NULL) == 0 &&
		   l.n == 0,
	   "nothing for an unknown uid without a name");
	subid_list_free(&l);
	ok(subid_parse_buffer("01000:1:1\n", 10, "f", NULL, 1000, &l, NULL,
			      NULL) == 0 &&
		   l.n == 0,
	   "a numeric owner with a leading zero is not uid 1000");
	subid_list_free(&l);
}

/* The source subid_nss_source() reads from an nsswitch.conf holding
 * content (none: no file). */
static const char *nss_source_of(const char *path, const char *content)
{
	static char src[32];
	FILE *f;

	if (content) {
		f = fopen(path, "w");
		fputs(content, f);
		fclose(f);
	}
	if (subid_nss_source(path, src, sizeof(src)) < 0)
		return "error";
	return src;
}

static void test_files(void)
{
	char dir[] = "/tmp/test-subid.XXXXXX", path[128], ns[128];
	struct subid_list l = { 0 };
	FILE *f;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/subuid", dir);
	ok(subid_parse_file(path, "alice", 1000, &l, NULL, NULL) == 0 &&
		   l.n == 0,
	   "a missing file means no ranges");
	f = fopen(path, "w");
	fputs("alice:100000:65536\n", f);
	fclose(f);
	ok(subid_parse_file(path, "alice", 1000, &l, NULL, NULL) == 0 &&
		   l.n == 1,
	   "ranges from a file");
	subid_list_free(&l);

	snprintf(ns, sizeof(ns), "%s/nsswitch.conf", dir);
	is_str(nss_source_of(ns, NULL), "files", "no nsswitch.conf: files");
	is_str(nss_source_of(ns, "passwd: files\n  subid:   sss  files # x\n"),
	       "sss", "the first subid source is the one libsubid uses");
	is_str(nss_source_of(ns, "subid:\n"), "files",
	       "an empty subid line means files");
	unlink(ns);
	unlink(path);
	rmdir(dir);
}

static void test_overlap(void)
{
	struct subid_range v[] = {
		{ 500, 100, 1 },
		{ 100, 100, 2 },
		{ 200, 300, 3 },
		{ 599, 1, 4 },
	};
	size_t a, b;

	ok(!subid_find_overlap(v, 3, &a, &b), "adjacent ranges do not overlap");
	ok(subid_find_overlap(v, 4, &a, &b) && a == 0 && b == 3,
	   "the last id of a range shared with another");
	ok(!subid_find_overlap(v, 1, &a, &b), "one range");
	v[2].start = 4294967194u;
	v[2].count = 100;
	v[3].start = 4294967293u;
	ok(subid_find_overlap(v, 4, &a, &b) && a == 2 && b == 3,
	   "overlap near the top of the id space");
}

int main(void)
{
	test_lines();
	test_buffer();
	test_files();
	test_overlap();
	return done_testing();
}
