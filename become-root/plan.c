// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "plan.h"

static void report_bad_line(const char *file, unsigned int line,
			    const char *why, void *ctx)
{
	const bool *quiet = ctx;

	if (!*quiet)
		warn("%s:%u: ignored: %s", file, line, why);
}

static int lookup(enum subid_kind kind, const struct caller *c, bool quiet,
		  struct subid_list *out, char *reason, size_t len)
{
	const char *file = kind == SUBID_UID ? SUBID_UID_FILE : SUBID_GID_FILE;

	if (subid_lookup(kind, c->name, c->uid, out, report_bad_line, &quiet) ==
	    0)
		return 0;
	if (errno == ENOTSUP)
		snprintf(reason, len,
			 "%s names an NSS source for subordinate ids, but "
			 "this build has no libsubid",
			 SUBID_NSSWITCH);
	else
		snprintf(reason, len, "cannot read subordinate ids from %s: %s",
			 file, strerror(errno));
	return -1;
}

static int build(struct idmap *m, uint32_t self, bool keep_id,
		 const struct subid_list *l, const char *file, char *reason,
		 size_t len)
{
	struct idmap_problem problem;

	if (idmap_build(m, self, keep_id, l->v, l->n, &problem) == 0)
		return 0;
	idmap_describe(&problem, l->v, file, reason, len);
	return -1;
}

static enum plan_result fallback(struct map_plan *plan, const struct caller *c,
				 bool keep_id)
{
	plan->method = MAP_SELF;
	idmap_single(&plan->uid, c->uid, keep_id);
	idmap_single(&plan->gid, c->gid, keep_id);
	return PLAN_FALLBACK;
}

enum plan_result plan_mappings(struct map_plan *plan, const struct caller *c,
			       bool keep_id, bool quiet, char *reason,
			       size_t len)
{
	struct subid_list uids = { 0 }, gids = { 0 };
	enum plan_result result = PLAN_FULL;

	/* Real root needs no helper: it may write any map itself. */
	plan->method = c->uid == 0 ? MAP_DIRECT : MAP_HELPER;
	if (!c->name && c->uid != 0) {
		snprintf(reason, len,
			 "uid %u has no entry in the user database",
			 (unsigned int)c->uid);
		return fallback(plan, c, keep_id);
	}
	if (lookup(SUBID_UID, c, quiet, &uids, reason, len) < 0 ||
	    lookup(SUBID_GID, c, quiet, &gids, reason, len) < 0) {
		result = fallback(plan, c, keep_id);
		goto out;
	}
	if (uids.n == 0 && gids.n == 0) {
		snprintf(reason, len,
			 "no subordinate ids for `%s` in %s and %s",
			 c->name ? c->name : "root", SUBID_UID_FILE,
			 SUBID_GID_FILE);
		result = fallback(plan, c, keep_id);
		/* Root still writes its single map from outside, which keeps
		 * setgroups() allowed. */
		if (c->uid == 0)
			plan->method = MAP_DIRECT;
		goto out;
	}
	if (plan->method == MAP_HELPER &&
	    (mapwriter_find_helper("NEWUIDMAP", "newuidmap", plan->uid_helper,
				   sizeof(plan->uid_helper)) < 0 ||
	     mapwriter_find_helper("NEWGIDMAP", "newgidmap", plan->gid_helper,
				   sizeof(plan->gid_helper)) < 0)) {
		snprintf(reason, len,
			 "newuidmap or newgidmap not found (package uidmap)");
		result = fallback(plan, c, keep_id);
		goto out;
	}
	if (build(&plan->uid, c->uid, keep_id, &uids, SUBID_UID_FILE, reason,
		  len) < 0 ||
	    build(&plan->gid, c->gid, keep_id, &gids, SUBID_GID_FILE, reason,
		  len) < 0)
		result = PLAN_ERROR;
out:
	subid_list_free(&uids);
	subid_list_free(&gids);
	return result;
}
