// SPDX-License-Identifier: GPL-2.0-or-later
/* keep-id-audit's pure parts: capability xattrs, escaping, mountinfo, the
 * allocation table and its state file. */
#include <stdlib.h>
#include <unistd.h>

#include "capxattr.h"
#include "escape.h"
#include "idtable.h"
#include "mounts.h"
#include "mountinfo.h"
#include "tap.h"

static const char *escaped(void (*fn)(FILE *, const char *), const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	fn(f, s);
	fclose(f);
	return buf;
}

static void test_capxattr(void)
{
	/* v2: effective, permitted CAP_NET_RAW (bit 13) */
	const unsigned char v2[20] = { 0x01, 0, 0, 0x02, 0x00, 0x20 };
	/* v3: as v2 plus rootid 200004 (0x30d44) */
	const unsigned char v3[24] = { 0x01, 0,		  0,	0x03, 0x00,
				       0x20, [20] = 0x44, 0x0d, 0x03, 0x00 };
	const unsigned char v1[12] = { 0x00, 0, 0, 0x01, 0x01 };
	unsigned char bad[24];
	struct capxattr c;

	ok(capxattr_parse(v2, sizeof(v2), &c) == 0 && c.revision == 2 &&
		   c.effective && c.permitted == (1u << 13) && !c.has_rootid,
	   "a v2 capability");
	ok(capxattr_parse(v3, sizeof(v3), &c) == 0 && c.revision == 3 &&
		   c.has_rootid && c.rootid == 200004,
	   "a v3 capability and its root id");
	ok(capxattr_parse(v1, sizeof(v1), &c) == 0 && c.revision == 1 &&
		   c.permitted == 1,
	   "a v1 capability");
	ok(capxattr_parse(v3, 20, &c) == -1, "v3 magic with v2 length");
	ok(capxattr_parse(v2, 24, &c) == -1, "v2 magic with v3 length");
	ok(capxattr_parse(v2, 3, &c) == -1, "too short for the magic");
	memcpy(bad, v3, sizeof(bad));
	bad[3] = 0x04;
	ok(capxattr_parse(bad, 24, &c) == -1, "unknown revision");
	memcpy(bad, v2, 20);
	bad[0] = 0x03;
	ok(capxattr_parse(bad, 20, &c) == -1, "unknown flag bits");
}

static void test_escape(void)
{
	is_str(escaped(escape_c, "plain/path"), "plain/path", "plain path");
	is_str(escaped(escape_c, "a\nb\tc\\d\x1b[31m"),
	       "a\\nb\\tc\\\\d\\x1b[31m", "controls and backslash escaped");
	is_str(escaped(escape_c, "caf\xc3\xa9 \xff\xc3"),
	       "caf\xc3\xa9 \\xff\\xc3", "UTF-8 kept, invalid bytes escaped");
	is_str(escaped(escape_c, "\xc0\xaf\xed\xa0\x80"),
	       "\\xc0\\xaf\\xed\\xa0\\x80",
	       "overlong forms and surrogates are invalid");
	is_str(escaped(escape_json, "a\"b\\c\nd\x01\x7f"),
	       "\"a\\\"b\\\\c\\nd\\u0001\\u007f\"", "JSON escapes");
	is_str(escaped(escape_json, "\xff\xe2\x82\xac"),
	       "\"\\udcff\xe2\x82\xac\"", "JSON: invalid byte as \\udcNN");
}

static void test_mounts(void)
{
	char text[] =
		"21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"22 21 0:5 / /dev rw shared:2 - devtmpfs udev rw,mode=755\n"
		"23 21 0:21 / /proc rw,nosuid - proc proc rw\n"
		"24 21 0:30 / /my\\040dir rw - tmpfs tmpfs rw\n"
		"25 21 0:31 / /sys/fs/cgroup/cpu rw - cgroup cgroup "
		"rw,cpu,cpuacct\n"
		"garbage line\n";
	struct mountinfo m;

	ok(mountinfo_parse(&m, strdup(text)) == 0 && m.n == 5,
	   "five mounts parsed, the garbage line skipped");
	ok(m.n == 5 && m.v[1].id == 22 &&
		   strcmp(m.v[1].fstype, "devtmpfs") == 0,
	   "id and type");
	ok(m.n == 5 && strcmp(m.v[3].point, "/my dir") == 0,
	   "an escaped mount point is unescaped");
	ok(m.n == 5 && mountinfo_has_option(m.v[4].super_opts, "cpu") &&
		   mountinfo_has_option(m.v[4].super_opts, "cpuacct") &&
		   !mountinfo_has_option(m.v[4].super_opts, "cpuset"),
	   "super options, word by word");
	ok(mounts_type_is_pseudo("devtmpfs") && mounts_type_is_pseudo("proc") &&
		   mounts_type_is_pseudo("cgroup2"),
	   "kernel filesystems are pseudo");
	ok(!mounts_type_is_pseudo("ext4") && !mounts_type_is_pseudo("tmpfs"),
	   "disk filesystems and tmpfs are not");
	mountinfo_free(&m);
}

static int problems;
static char last_problem[512];

static void count_problem(const char *file, unsigned int line,
			  const char *problem, void *ctx)
{
	(void)file;
	(void)line;
	(void)ctx;
	problems++;
	snprintf(last_problem, sizeof(last_problem), "%s", problem);
}

static void test_idtable(void)
{
	const char subuid[] = "alice:200000:65536\n"
			      "bob:300000:10\n"
			      "carol:300005:100\n"
			      "zed:0:5\n"
			      "bad line\n";
	char state[] = "# keep-id-audit state 1\n"
		       "uid alice 200000 65536\n"
		       "gid bob 200000 10\n";
	char broken[] = "# keep-id-audit state 1\nuid alice 1:2\n";
	struct idtable t = { 0 }, s;
	char owner[SUBID_OWNER_MAX + 1], why[128];

	ok(idtable_parse(&t.uid, subuid, sizeof(subuid) - 1, "subuid", NULL,
			 NULL) == 0 &&
		   t.uid.n == 4,
	   "every owner's ranges");
	is_str(idtable_owner(&t, SUBID_UID, 200000, owner), "alice",
	       "first id of a range");
	is_str(idtable_owner(&t, SUBID_UID, 265535, owner), "alice",
	       "last id of a range");
	ok(idtable_owner(&t, SUBID_UID, 265536, owner) == NULL,
	   "one past the end");
	ok(idtable_owner(&t, SUBID_UID, 300007, owner) &&
		   (strcmp(owner, "bob") == 0 || strcmp(owner, "carol") == 0),
	   "an id two overlapping ranges hold: one of their owners");
	is_str(idtable_owner(&t, SUBID_UID, 300010, owner), "carol",
	       "past the first of two overlapping ranges");
	ok(idtable_owner(&t, SUBID_GID, 200000, owner) == NULL,
	   "no gid ranges");
	problems = 0;
	t.uid.file = "subuid";
	idtable_audit(&t, count_problem, NULL);
	ok(problems >= 2, "audit: overlap and id 0 (%d problems)", problems);

	ok(idtable_parse_state(&s, state, why, sizeof(why)) == 0 &&
		   s.uid.n == 1 && s.gid.n == 1,
	   "a state file");
	is_str(idtable_owner(&s, SUBID_GID, 200005, owner), "bob",
	       "gid ranges of a state");
	idtable_free(&s);
	ok(idtable_parse_state(&s, broken, why, sizeof(why)) == -1,
	   "a malformed state line is refused (%s)", why);
	idtable_free(&s);
	free(t.uid.v);
}

int main(void)
{
	test_capxattr();
	test_escape();
	test_mounts();
	test_idtable();
	return done_testing();
}
