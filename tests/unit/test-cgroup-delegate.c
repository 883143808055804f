// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup-delegate's pure logic: the v1 / OCI conversions, table-driven
 * against crun's formulas, sizes, and path checks. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgfs.h"
#include "settings.h"
#include "tap.h"

static const char *plan_text(const char *const *assign, size_t n, bool has_bfq)
{
	static char out[2048];
	struct cg_plan plan;
	char why[256];
	size_t i, used = 0;

	if (settings_plan((char *const *)assign, n, has_bfq, &plan, why,
			  sizeof(why)) < 0) {
		snprintf(out, sizeof(out), "error: %s", why);
		return out;
	}
	out[0] = '\0';
	for (i = 0; i < plan.n; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used,
					 "%s%s=%s", i ? ";" : "",
					 plan.w[i].file, plan.w[i].value);
	return out;
}

#define PLAN(bfq, ...)                                                         \
	plan_text((const char *const[]){ __VA_ARGS__ },                        \
		  sizeof((const char *const[]){ __VA_ARGS__ }) /               \
			  sizeof(char *),                                      \
		  bfq)

static void test_shares(void)
{
	/* crun / opencontainers/cgroups: the edge cases and the default,
	 * and values computed apart from this code, in Python, from their
	 * published formula: ceil(10 ** ((l*l + 125*l) / 612 - 7/34)),
	 * l = log2(shares). */
	static const struct {
		uint64_t shares, weight;
	} table[] = {
		{ 0, 0 },	   { 1, 1 },	      { 2, 1 },
		{ 3, 2 },	   { 512, 59 },	      { 1024, 100 },
		{ 2048, 174 },	   { 100000, 4340 },  { 262143, 10000 },
		{ 262144, 10000 }, { 500000, 10000 },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		is_int(settings_shares_to_weight(table[i].shares),
		       table[i].weight, "cpu.shares %llu -> cpu.weight",
		       (unsigned long long)table[i].shares);
}

static void test_conversions(void)
{
	is_int(settings_blkio_to_io_weight(10), 1, "blkio.weight 10 -> 1");
	is_int(settings_blkio_to_io_weight(750), 7475,
	       "blkio.weight 750 -> 7475 (as runc's test)");
	is_int(settings_blkio_to_io_weight(1000), 10000,
	       "blkio.weight 1000 -> 10000");
	is_str(PLAN(false, "memory.max=512M", "pids.max=100"),
	       "memory.max=536870912;pids.max=100", "v2 names with units");
	is_str(PLAN(false, "memory.high=max", "hugetlb.2MB.max=4m"),
	       "memory.high=max;hugetlb.2MB.max=4194304", "max, and hugetlb");
	is_str(PLAN(false, "memory.limit_in_bytes=1G",
		    "memory.memsw.limit_in_bytes=3G"),
	       "memory.max=1073741824;memory.swap.max=2147483648",
	       "memsw: swap is memory+swap minus memory");
	is_str(PLAN(false, "memory.memsw.limit_in_bytes=-1",
		    "memory.limit_in_bytes=-1"),
	       "memory.max=max;memory.swap.max=max", "-1 is unlimited");
	is_str(PLAN(false, "memory.memsw.limit_in_bytes=3G"),
	       "error: memory.memsw.limit_in_bytes needs a "
	       "memory.limit_in_bytes in the same command",
	       "memsw alone cannot be converted");
	is_str(PLAN(false, "memory.limit_in_bytes=2G",
		    "memory.memsw.limit_in_bytes=1G"),
	       "error: memory.memsw.limit_in_bytes (1073741824) is below "
	       "memory.limit_in_bytes (2147483648)",
	       "memsw below the limit");
	is_str(PLAN(false, "memory.soft_limit_in_bytes=100M"),
	       "memory.low=104857600", "soft limit -> memory.low");
	is_str(PLAN(false, "cpu.shares=1024"), "cpu.weight=100",
	       "cpu.shares -> cpu.weight");
	is_str(PLAN(false, "cpu.shares=0"), "", "cpu.shares 0 writes nothing");
	is_str(PLAN(false, "cpu.cfs_quota_us=50000",
		    "cpu.cfs_period_us=200000"),
	       "cpu.max=50000 200000", "quota and period -> cpu.max");
	is_str(PLAN(false, "cpu.cfs_quota_us=-1"), "cpu.max=max 100000",
	       "no quota, the default period");
	is_str(PLAN(false, "cpu.cfs_period_us=50000"), "cpu.max=max 50000",
	       "a period alone");
	is_str(PLAN(true, "blkio.weight=750"), "io.bfq.weight=default 750",
	       "blkio.weight with BFQ keeps its scale");
	is_str(PLAN(false, "blkio.weight=750"), "io.weight=default 7475",
	       "blkio.weight without BFQ -> io.weight");
	is_str(PLAN(false, "blkio.throttle.read_bps_device=8:0 1048576",
		    "blkio.throttle.write_iops_device=8:16 100"),
	       "io.max=8:0 rbps=1048576;io.max=8:16 wiops=100",
	       "throttles -> io.max");
	is_str(PLAN(false, "io.weight=200"), "io.weight=default 200",
	       "io.weight alone is the default weight");
	is_str(PLAN(false, "cpu.max=50000 100000", "cpuset.cpus=0-1,3"),
	       "cpu.max=50000 100000;cpuset.cpus=0-1,3", "passed through");
}

static void test_refusals(void)
{
	is_str(PLAN(false, "memory.max=12Q"),
	       "error: memory.max: `12Q` is not a size (a number with K, M, "
	       "G or T, or max)",
	       "a bad unit");
	is_str(PLAN(false, "memory.max=-1"),
	       "error: memory.max: `-1` is not a size (a number with K, M, G "
	       "or T, or max)",
	       "-1 is a v1 spelling only");
	is_str(PLAN(false, "memory.max=99999999999999T"),
	       "error: memory.max: `99999999999999T` is not a size (a number "
	       "with K, M, G or T, or max)",
	       "an overflowing size");
	is_str(PLAN(false, "cpu.weight=0"),
	       "error: cpu.weight: `0` is not a number from 1 to 10000",
	       "cpu.weight out of range");
	is_str(PLAN(false, "blkio.weight=5"),
	       "error: blkio.weight: `5` is not a number from 10 to 1000",
	       "blkio.weight out of range");
	is_str(PLAN(false, "memory.swappiness=10"),
	       "error: memory.swappiness has no cgroup v2 equivalent",
	       "no v2 equivalent");
	is_str(PLAN(false, "foo.bar=1"), "error: unknown setting `foo.bar`",
	       "unknown key");
	is_str(PLAN(false, "hugetlb./../../x.max=1M"),
	       "error: `hugetlb./../../x.max` is not a setting name",
	       "a key with a path in it (found by fuzzing)");
	is_str(PLAN(false, "hugetlb...max=1M"),
	       "error: `hugetlb...max` is not a setting name", "a key with ..");
	is_str(PLAN(false, "io.weight=8:0"),
	       "error: io.weight: `8:0` is not \"[MAJOR:MINOR ]WEIGHT\"",
	       "a device without a weight (found by fuzzing)");
	is_str(PLAN(false, "memory.max"),
	       "error: `memory.max` is not KEY=VALUE", "no =");
	is_str(PLAN(false, "cpuset.cpus=0;1"),
	       "error: cpuset.cpus: `0;1` is not a list like 0-3,5",
	       "cpuset syntax");
	is_str(PLAN(false, "cpu.max=fast"),
	       "error: cpu.max: `fast` is not \"QUOTA|max [PERIOD]\"",
	       "cpu.max syntax");
}

static void test_paths(void)
{
	ok(cgfs_check_path("a/b/c") == 0, "a plain path");
	ok(cgfs_check_path("/a//b/") == 0, "extra slashes are tolerated");
	ok(cgfs_check_path("") == 0, "the root");
	ok(cgfs_check_path("a/../b") == -1 && errno == EINVAL, ".. refused");
	ok(cgfs_check_path("..") == -1, ".. alone refused");
	ok(cgfs_check_path("a/.") == -1, ". refused");
	ok(cgfs_check_path("a/..b/c.") == 0, "dots inside names are fine");
}

/* cgfs_open on an ordinary tree: symlinks never lead anywhere, through
 * openat2 and through the fallback walk alike. */
static void test_open_beneath(void)
{
	char dir[] = "/tmp/test-cgfs.XXXXXX", path[256];
	int rootfd, fd, pass;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/a", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/out", dir);
	ok(symlink("/tmp", path) == 0, "make a symlink out");
	snprintf(path, sizeof(path), "%s/a/up", dir);
	ok(symlink("..", path) == 0, "make a symlink up");
	rootfd = open(dir, O_RDONLY | O_DIRECTORY);
	for (pass = 0; pass < 2; pass++) {
		cgfs_force_fallback = pass;
		fd = cgfs_open(rootfd, "a/b", 0);
		ok(fd >= 0, "%s: a real directory opens",
		   pass ? "fallback" : "openat2");
		close(fd);
		ok(cgfs_open(rootfd, "out", 0) < 0,
		   "%s: a symlink out is refused",
		   pass ? "fallback" : "openat2");
		ok(cgfs_open(rootfd, "a/up/a", 0) < 0,
		   "%s: a symlink up is refused",
		   pass ? "fallback" : "openat2");
		ok(cgfs_open(rootfd, "a/../a", 0) < 0 && errno == EINVAL,
		   "%s: .. is refused", pass ? "fallback" : "openat2");
	}
	cgfs_force_fallback = 0;
	fd = cgfs_open(rootfd, "new/deeper", 1);
	ok(fd >= 0, "create makes the missing components");
	close(fd);
	ok(cgfs_open(rootfd, "out/x", 1) < 0, "create never follows a symlink");
	close(rootfd);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "cleanup");
}

int main(void)
{
	test_open_beneath();
	test_shares();
	test_conversions();
	test_refusals();
	test_paths();
	return done_testing();
}
