/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The uid_map / gid_map to write: the caller's own id inside at 0 (or at
 * itself with keep-id) and its subordinate ranges laid out contiguously
 * around it. Pure logic, no system calls. */
#ifndef BECOME_ROOT_IDMAP_H
#define BECOME_ROOT_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "subid.h"

/* The kernel takes at most 340 extents (since 4.15) ... */
#define IDMAP_MAX_EXTENTS 340
/* ... written in one write() shorter than a page. */
#define IDMAP_MAX_TEXT 4095

struct idmap_extent {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

struct idmap {
	struct idmap_extent ext[IDMAP_MAX_EXTENTS];
	size_t n;
};

enum idmap_status {
	IDMAP_OK,
	IDMAP_OVERLAP,	  /* ranges a and b share ids */
	IDMAP_HOLDS_SELF, /* range a contains the caller's own id */
	IDMAP_TOO_MANY,	  /* more extents or text than the kernel takes */
	IDMAP_TOO_LARGE,  /* inside ids would run past 4294967294; defensive:
			     disjoint valid ranges cannot get there */
};

struct idmap_problem {
	enum idmap_status status;
	size_t a, b;
};

/* Build the map for the caller's id self and its ranges. Returns 0, or -1
 * with *problem saying why. */
int idmap_build(struct idmap *m, uint32_t self, bool keep_id,
		const struct subid_range *ranges, size_t n,
		struct idmap_problem *problem);
/* The single mapping used when no ranges can be had. */
void idmap_single(struct idmap *m, uint32_t self, bool keep_id);
/* "INSIDE OUTSIDE COUNT\n" per extent, as /proc/PID/uid_map takes it.
 * Returns the length, or -1 when it does not fit len. */
int idmap_format(const struct idmap *m, char *buf, size_t len);
/* Human-readable description of a problem, naming the ranges' lines. */
int idmap_describe(const struct idmap_problem *p,
		   const struct subid_range *ranges, const char *file,
		   char *buf, size_t len);

#endif
