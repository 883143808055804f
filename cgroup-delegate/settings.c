// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "settings.h"

uint64_t settings_shares_to_weight(uint64_t shares)
{
	double l, exponent;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	l = log2((double)shares);
	exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return (uint64_t)ceil(pow(10, exponent));
}

uint64_t settings_blkio_to_io_weight(uint64_t weight)
{
	return 1 + (weight - 10) * 9999 / 990;
}

int settings_parse_size(const char *s, bool v1, uint64_t *out, bool *max)
{
	size_t len = strlen(s), digits = len;
	uint64_t shift = 0, v;

	*max = false;
	if (strcmp(s, "max") == 0 || (v1 && strcmp(s, "-1") == 0)) {
		*max = true;
		*out = 0;
		return 0;
	}
	if (len > 0) {
		switch (tolower((unsigned char)s[len - 1])) {
		case 'k':
			shift = 10;
			digits--;
			break;
		case 'm':
			shift = 20;
			digits--;
			break;
		case 'g':
			shift = 30;
			digits--;
			break;
		case 't':
			shift = 40;
			digits--;
			break;
		}
	}
	if (parse_u64_n(s, digits, UINT64_MAX >> shift, &v) < 0)
		return -1;
	*out = v << shift;
	return 0;
}

struct pending {
	bool has_limit, limit_max;
	uint64_t limit;
	bool has_memsw, memsw_max;
	uint64_t memsw;
	bool has_quota, has_period;
	int64_t quota;
	uint64_t period;
};

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(why, len, __VA_ARGS__);                               \
		return -1;                                                     \
	} while (0)

static int add(struct cg_plan *p, const char *file, const char *value,
	       char *why, size_t len)
{
	if (p->n == SETTINGS_MAX_WRITES)
		FAIL("too many settings (at most %d)", SETTINGS_MAX_WRITES);
	if (snprintf(p->w[p->n].file, sizeof(p->w[p->n].file), "%s", file) >=
		    (int)sizeof(p->w[p->n].file) ||
	    snprintf(p->w[p->n].value, sizeof(p->w[p->n].value), "%s", value) >=
		    (int)sizeof(p->w[p->n].value))
		FAIL("`%s`: value too long", file);
	p->n++;
	return 0;
}

static int add_size(struct cg_plan *p, const char *file, const char *key,
		    const char *value, bool v1, char *why, size_t len)
{
	uint64_t v;
	bool max;
	char text[32];

	if (settings_parse_size(value, v1, &v, &max) < 0)
		FAIL("%s: `%s` is not a size (a number with K, M, G or T, "
		     "or max)",
		     key, value);
	snprintf(text, sizeof(text), max ? "max" : "%" PRIu64, v);
	return add(p, file, text, why, len);
}

static int parse_bounded(const char *key, const char *value, uint64_t lo,
			 uint64_t hi, uint64_t *out, char *why, size_t len)
{
	if (parse_u64(value, out) < 0 || *out < lo || *out > hi)
		FAIL("%s: `%s` is not a number from %" PRIu64 " to %" PRIu64,
		     key, value, lo, hi);
	return 0;
}

/* "0-3,8,10-11": digits, commas and dashes, non-empty. */
static bool is_cpu_list(const char *s)
{
	return *s && strspn(s, "0123456789,-") == strlen(s);
}

/* "MAJ:MIN" at the start of s; returns its length or 0. */
static size_t device_prefix(const char *s)
{
	size_t a = strspn(s, "0123456789"), b;

	if (a == 0 || s[a] != ':')
		return 0;
	b = strspn(s + a + 1, "0123456789");
	return b ? a + 1 + b : 0;
}

static int add_throttle(struct cg_plan *p, const char *key, const char *value,
			const char *what, char *why, size_t len)
{
	size_t dev = device_prefix(value);
	char text[128];
	uint64_t v;

	if (!dev || value[dev] != ' ' || parse_u64(value + dev + 1, &v) < 0)
		FAIL("%s: `%s` is not \"MAJOR:MINOR NUMBER\"", key, value);
	snprintf(text, sizeof(text), "%.*s %s=%" PRIu64, (int)dev, value, what,
		 v);
	return add(p, "io.max", text, why, len);
}

static int cpu_max_valid(const char *v)
{
	char quota[32];
	uint64_t n;
	const char *sp = strchr(v, ' ');
	size_t ql = sp ? (size_t)(sp - v) : strlen(v);

	if (ql == 0 || ql >= sizeof(quota))
		return 0;
	memcpy(quota, v, ql);
	quota[ql] = '\0';
	if (strcmp(quota, "max") != 0 && parse_u64(quota, &n) < 0)
		return 0;
	return !sp || parse_u64(sp + 1, &n) == 0;
}

static int v2_setting(struct cg_plan *p, const char *key, const char *value,
		      char *why, size_t len)
{
	static const char *const sizes[] = {
		"memory.max", "memory.high",	 "memory.low",
		"memory.min", "memory.swap.max", "memory.zswap.max"
	};
	char text[64];
	uint64_t v;
	size_t i, klen = strlen(key);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (strcmp(key, sizes[i]) == 0)
			return add_size(p, key, key, value, false, why, len);
	if (strncmp(key, "hugetlb.", 8) == 0 && klen > 12 &&
	    strcmp(key + klen - 4, ".max") == 0)
		return add_size(p, key, key, value, false, why, len);
	if (strcmp(key, "pids.max") == 0) {
		if (strcmp(value, "max") != 0 && parse_u64(value, &v) < 0)
			FAIL("pids.max: `%s` is not a number or max", value);
		return add(p, key, value, why, len);
	}
	if (strcmp(key, "cpu.max") == 0) {
		if (!cpu_max_valid(value))
			FAIL("cpu.max: `%s` is not \"QUOTA|max [PERIOD]\"",
			     value);
		return add(p, key, value, why, len);
	}
	if (strcmp(key, "cpu.weight") == 0) {
		if (parse_bounded(key, value, 1, 10000, &v, why, len) < 0)
			return -1;
		return add(p, key, value, why, len);
	}
	if (strcmp(key, "io.weight") == 0 ||
	    strcmp(key, "io.bfq.weight") == 0) {
		size_t dev = device_prefix(value);
		uint64_t hi = key[3] == 'w' ? 10000 : 1000;

		/* The separator first: "8:0" alone has nothing after it to
		 * parse (an overread found by fuzzing). */
		if ((dev && value[dev] != ' ') ||
		    parse_bounded(key, dev ? value + dev + 1 : value, 1, hi, &v,
				  why, len) < 0)
			FAIL("%s: `%s` is not \"[MAJOR:MINOR ]WEIGHT\"", key,
			     value);
		if (!dev)
			snprintf(text, sizeof(text), "default %" PRIu64, v);
		return add(p, key, dev ? value : text, why, len);
	}
	if (strcmp(key, "io.max") == 0) {
		if (!device_prefix(value))
			FAIL("io.max: `%s` does not start with MAJOR:MINOR",
			     value);
		return add(p, key, value, why, len);
	}
	if (strcmp(key, "cpuset.cpus") == 0 ||
	    strcmp(key, "cpuset.mems") == 0) {
		if (!is_cpu_list(value))
			FAIL("%s: `%s` is not a list like 0-3,5", key, value);
		return add(p, key, value, why, len);
	}
	return 1;
}

static int v1_setting(struct cg_plan *p, struct pending *pd, const char *key,
		      const char *value, bool has_bfq, char *why, size_t len)
{
	char text[64];
	uint64_t v;

	if (strcmp(key, "memory.limit_in_bytes") == 0) {
		if (settings_parse_size(value, true, &pd->limit,
					&pd->limit_max) < 0)
			FAIL("%s: `%s` is not a size", key, value);
		pd->has_limit = true;
		return add_size(p, "memory.max", key, value, true, why, len);
	}
	if (strcmp(key, "memory.memsw.limit_in_bytes") == 0) {
		if (settings_parse_size(value, true, &pd->memsw,
					&pd->memsw_max) < 0)
			FAIL("%s: `%s` is not a size", key, value);
		pd->has_memsw = true;
		return 0;
	}
	if (strcmp(key, "memory.soft_limit_in_bytes") == 0)
		return add_size(p, "memory.low", key, value, true, why, len);
	if (strcmp(key, "cpu.shares") == 0) {
		if (parse_u64(value, &v) < 0)
			FAIL("cpu.shares: `%s` is not a number", value);
		/* 0 means "unset" to crun and Docker: nothing to write. */
		if (v == 0)
			return 0;
		snprintf(text, sizeof(text), "%" PRIu64,
			 settings_shares_to_weight(v));
		return add(p, "cpu.weight", text, why, len);
	}
	if (strcmp(key, "cpu.cfs_quota_us") == 0) {
		if (strcmp(value, "-1") == 0) {
			pd->quota = -1;
		} else if (parse_u64(value, &v) < 0 || v > INT64_MAX) {
			FAIL("cpu.cfs_quota_us: `%s` is not a number or -1",
			     value);
		} else {
			pd->quota = (int64_t)v;
		}
		pd->has_quota = true;
		return 0;
	}
	if (strcmp(key, "cpu.cfs_period_us") == 0) {
		if (parse_bounded(key, value, 1, UINT32_MAX, &pd->period, why,
				  len) < 0)
			return -1;
		pd->has_period = true;
		return 0;
	}
	if (strcmp(key, "blkio.weight") == 0) {
		if (parse_bounded(key, value, 10, 1000, &v, why, len) < 0)
			return -1;
		snprintf(text, sizeof(text), "default %" PRIu64,
			 has_bfq ? v : settings_blkio_to_io_weight(v));
		return add(p, has_bfq ? "io.bfq.weight" : "io.weight", text,
			   why, len);
	}
	if (strcmp(key, "blkio.throttle.read_bps_device") == 0)
		return add_throttle(p, key, value, "rbps", why, len);
	if (strcmp(key, "blkio.throttle.write_bps_device") == 0)
		return add_throttle(p, key, value, "wbps", why, len);
	if (strcmp(key, "blkio.throttle.read_iops_device") == 0)
		return add_throttle(p, key, value, "riops", why, len);
	if (strcmp(key, "blkio.throttle.write_iops_device") == 0)
		return add_throttle(p, key, value, "wiops", why, len);
	if (strcmp(key, "memory.swappiness") == 0 ||
	    strncmp(key, "memory.kmem.", 12) == 0 ||
	    strcmp(key, "memory.oom_control") == 0)
		FAIL("%s has no cgroup v2 equivalent", key);
	return 1;
}

static int finish(struct cg_plan *p, const struct pending *pd, char *why,
		  size_t len)
{
	char text[64];

	if (pd->has_memsw) {
		/* v1 counts memory + swap; v2 swap alone, beside memory. */
		if (pd->memsw_max) {
			if (add(p, "memory.swap.max", "max", why, len) < 0)
				return -1;
		} else if (!pd->has_limit || pd->limit_max) {
			FAIL("memory.memsw.limit_in_bytes needs a "
			     "memory.limit_in_bytes in the same command");
		} else if (pd->memsw < pd->limit) {
			FAIL("memory.memsw.limit_in_bytes (%" PRIu64
			     ") is below memory.limit_in_bytes (%" PRIu64 ")",
			     pd->memsw, pd->limit);
		} else {
			snprintf(text, sizeof(text), "%" PRIu64,
				 pd->memsw - pd->limit);
			if (add(p, "memory.swap.max", text, why, len) < 0)
				return -1;
		}
	}
	if (pd->has_quota || pd->has_period) {
		uint64_t period = pd->has_period ? pd->period : 100000;

		if (pd->has_quota && pd->quota >= 0)
			snprintf(text, sizeof(text), "%" PRId64 " %" PRIu64,
				 pd->quota, period);
		else
			snprintf(text, sizeof(text), "max %" PRIu64, period);
		if (add(p, "cpu.max", text, why, len) < 0)
			return -1;
	}
	return 0;
}

int settings_plan(char *const *assign, size_t n, bool has_bfq,
		  struct cg_plan *plan, char *why, size_t len)
{
	struct pending pd = { 0 };
	size_t i;

	plan->n = 0;
	for (i = 0; i < n; i++) {
		const char *eq = strchr(assign[i], '=');
		char key[64];
		int r;

		if (!eq || eq == assign[i] || !eq[1])
			FAIL("`%s` is not KEY=VALUE", assign[i]);
		if ((size_t)(eq - assign[i]) >= sizeof(key))
			FAIL("`%.20s...`: key too long", assign[i]);
		memcpy(key, assign[i], (size_t)(eq - assign[i]));
		key[eq - assign[i]] = '\0';
		/* A key becomes a file name in the cgroup: "hugetlb./../x.max"
		 * must not reach a parent's files (found by fuzzing). */
		if (strspn(key, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._") !=
			    strlen(key) ||
		    strstr(key, ".."))
			FAIL("`%s` is not a setting name", key);
		r = v2_setting(plan, key, eq + 1, why, len);
		if (r == 1)
			r = v1_setting(plan, &pd, key, eq + 1, has_bfq, why,
				       len);
		if (r == 1)
			FAIL("unknown setting `%s`", key);
		if (r < 0)
			return -1;
	}
	return finish(plan, &pd, why, len);
}
