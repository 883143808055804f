/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the session's root is made of: the visible tree cut into pieces the
 * kernel lets an unprivileged user overlay. overlayfs refuses a lower
 * directory with locked mounts below it (the submounts of / in a user
 * namespace), so a directory with a mount point below becomes a plain
 * directory of the new root ("skeleton") and each of its entries is planned
 * on its own: a subtree free of mount points is one overlay. */
#ifndef OVERLAY_SESSION_LAYOUT_H
#define OVERLAY_SESSION_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mountinfo.h"

enum unit_kind {
	UNIT_OVERLAY, /* lower = path, upper and work in the session */
	UNIT_PASS,    /* the host's subtree, recursively bound: /proc ... */
	UNIT_RO,      /* a subtree the caller cannot write: bound read-only */
	UNIT_BIND,    /* --bind SRC:DST, writable */
	UNIT_TMPFS,   /* --tmpfs DIR */
	UNIT_DIR,     /* a skeleton directory */
	UNIT_LINK,    /* a symbolic link of a skeleton directory */
	UNIT_FILE,    /* a file of a skeleton directory, bound read-only */
};

struct unit {
	enum unit_kind kind;
	char *path;   /* where in the session's tree */
	char *source; /* UNIT_BIND: the host path; UNIT_LINK: the target */
	mode_t mode;
	bool writable; /* UNIT_DIR: the caller may write in it on the host */
};

struct plan {
	struct unit *v;
	size_t n, cap;
};

/* Directories passed through from the host whole. */
extern const char *const plan_passthrough[];

/* Plan the tree below root ("/") given the mount points of m, so that the
 * caller (uid) can write in each of anchors (absolute, resolved paths; a
 * NULL-terminated list). The units come parents first. Returns 0 or -1
 * with the reason printed. */
int plan_build(struct plan *p, const struct mountinfo *m,
	       const char *const *anchors, uid_t uid);
/* Add --bind and --tmpfs units (after plan_build). */
int plan_add(struct plan *p, enum unit_kind kind, const char *path,
	     const char *source);
void plan_free(struct plan *p);

/* Is path inside (or equal to) an overlay unit? Returns that unit. */
const struct unit *plan_overlay_of(const struct plan *p, const char *path);

/* Is path below dir (or dir itself when or_equal)? "/" is above all.
 * Pure. */
bool is_below(const char *path, const char *dir, bool or_equal);
/* Does a mount point lie strictly below dir? (points: sorted.) Pure. */
bool mounts_below(const char *const *points, size_t n, const char *dir);

#endif
