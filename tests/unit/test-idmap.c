// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "idmap.h"
#include "tap.h"

static char text[IDMAP_MAX_TEXT + 1];

static const char *build(uint32_t self, bool keep_id,
			 const struct subid_range *r, size_t n)
{
	static struct idmap m;
	struct idmap_problem p;

	if (idmap_build(&m, self, keep_id, r, n, &p) < 0)
		return "error";
	if (idmap_format(&m, text, sizeof(text)) < 0)
		return "format error";
	return text;
}

static enum idmap_status problem_of(uint32_t self, bool keep_id,
				    const struct subid_range *r, size_t n,
				    struct idmap_problem *p)
{
	static struct idmap m;

	idmap_build(&m, self, keep_id, r, n, p);
	return p->status;
}

int main(void)
{
	struct subid_range r[] = {
		{ 200000, 65536, 1 },
		{ 400000, 65536, 2 },
		{ 600000, 10, 3 },
	};
	struct subid_range bad[] = { { 100, 50, 4 }, { 120, 5, 7 } };
	struct subid_range mine[] = { { 990, 20, 3 } };
	struct subid_range *many;
	struct idmap_problem p;
	char why[256];
	size_t i;

	is_str(build(1000, false, r, 0), "0 1000 1\n", "no ranges");
	is_str(build(1000, false, r, 1), "0 1000 1\n1 200000 65536\n",
	       "one range");
	is_str(build(1000, false, r, 2),
	       "0 1000 1\n1 200000 65536\n65537 400000 65536\n",
	       "two ranges, contiguous from 1");
	is_str(build(1000, false, r, 3),
	       "0 1000 1\n1 200000 65536\n65537 400000 65536\n"
	       "131073 600000 10\n",
	       "three ranges");
	is_str(build(1000, true, r, 2),
	       "0 200000 1000\n1000 1000 1\n1001 201000 64536\n"
	       "65537 400000 65536\n",
	       "keep-id: ranges fill around the caller's own id");
	is_str(build(70000, true, r, 2),
	       "0 200000 65536\n65536 400000 4464\n70000 70000 1\n"
	       "70001 404464 61072\n",
	       "keep-id: the split falls in the second range");
	is_str(build(65536, true, r, 1), "0 200000 65536\n65536 65536 1\n",
	       "keep-id: the caller right after the last range");
	is_str(build(500000, true, r, 1), "0 200000 65536\n500000 500000 1\n",
	       "keep-id: a gap when the ranges end below the caller");
	is_str(build(0, true, r, 1), "0 0 1\n1 200000 65536\n",
	       "keep-id for root is the plain map");

	is_int(problem_of(1000, false, bad, 2, &p), IDMAP_OVERLAP,
	       "overlapping ranges are refused");
	ok(p.a == 0 && p.b == 1, "and both are named");
	idmap_describe(&p, bad, "/etc/subuid", why, sizeof(why));
	is_str(why,
	       "/etc/subuid: ranges overlap: 100-149 (line 4) and 120-124 "
	       "(line 7)",
	       "the message names both lines");
	is_int(problem_of(1000, false, mine, 1, &p), IDMAP_HOLDS_SELF,
	       "a range holding the caller's own id is refused");
	idmap_describe(&p, mine, "/etc/subgid", why, sizeof(why));
	is_str(why,
	       "/etc/subgid: range 990-1009 (line 3) contains the caller's "
	       "own id",
	       "and explained");

	many = calloc(400, sizeof(*many));
	for (i = 0; i < 400; i++)
		many[i] = (struct subid_range){ 100000 + (uint32_t)i * 10, 5,
						(unsigned int)i + 1 };
	is_int(problem_of(1000, false, many, 400, &p), IDMAP_TOO_MANY,
	       "more extents than the kernel takes");
	ok(strcmp(build(1000, false, many, 200), "error") != 0,
	   "200 short ranges fit in a page");
	for (i = 0; i < 339; i++)
		many[i] =
			(struct subid_range){ 1000000000 + (uint32_t)i * 100000,
					      99999, (unsigned int)i + 1 };
	is_int(problem_of(1000, false, many, 339, &p), IDMAP_TOO_MANY,
	       "340 long lines pass a page: refused, not cut short");
	free(many);
	return done_testing();
}
