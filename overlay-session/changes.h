/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a session changed, read from its upper directories: overlayfs
 * records a deletion as a whiteout (a character device 0:0) and a
 * directory that replaced a lower one as opaque (the user.overlay.opaque
 * xattr, the userxattr flavour of trusted.overlay.opaque). The upper is
 * the session's doing, so it is walked through fds, never following a
 * symbolic link. */
#ifndef OVERLAY_SESSION_CHANGES_H
#define OVERLAY_SESSION_CHANGES_H

#include <sys/stat.h>

#include "state.h"

enum change_kind {
	CHANGE_ADDED,	 /* not in the lower */
	CHANGE_CHANGED,	 /* in the lower, copied up and changed */
	CHANGE_DELETED,	 /* a whiteout */
	CHANGE_REPLACED, /* an opaque directory over a lower one */
};

struct change {
	enum change_kind kind;
	const char *path; /* as seen in the session, from "/" */
	int dirfd;	  /* the upper directory holding it */
	const char *name; /* its name there */
	struct stat st;	  /* of the upper entry */
};

typedef int (*change_fn)(const struct change *c, void *ctx);

/* Call fn for every change, parents before children, units in key
 * order. A non-zero return from fn stops the walk and is returned. */
int changes_walk(const struct state *s, change_fn fn, void *ctx);

const char *change_name(enum change_kind k);

/* --changes: one line per change ("A /path"), or JSON lines. */
int changes_print(const struct state *s, bool json);
/* --export-layer: the changes as an OCI layer tar on fd. */
int changes_export(const struct state *s, int fd);

#endif
