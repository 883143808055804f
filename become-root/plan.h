/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deciding the maps: the caller's subordinate ranges, the helpers, and the
 * single-id fallback when either is missing. */
#ifndef BECOME_ROOT_PLAN_H
#define BECOME_ROOT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mapwriter.h"

struct caller {
	uid_t uid;
	gid_t gid;
	const char *name; /* NULL when the uid has no passwd entry */
};

enum plan_result {
	PLAN_FULL,     /* ranges mapped by helpers (or by root itself) */
	PLAN_FALLBACK, /* single mapping; reason says why */
	PLAN_ERROR,    /* refuse; reason says why */
};

/* Malformed lines of the subid files are reported with warn() unless
 * quiet. */
enum plan_result plan_mappings(struct map_plan *plan, const struct caller *c,
			       bool keep_id, bool quiet, char *reason,
			       size_t len);

#endif
