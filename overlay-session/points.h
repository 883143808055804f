/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's entries in a kept skeleton. A skeleton directory the caller
 * may write in lives in the state (skel/KEY, layout.h), and the session
 * makes there, next to what the command creates, a mount point for each
 * entry planned on its own and a copy of each symbolic link. Those are
 * the host's, not changes, and the host may remove them once the session
 * has ended. Two records tell them apart:
 *
 *   DIR/overlay-session.points   "KEY PATH" a mount point, "KEY PATH
 *                                TARGET" a copy of a link, parents first
 *   DIR/overlay-session.deleted  "KEY PATH" a link of the host's the
 *                                session deleted
 *
 * A copy of a link is the host's while it is a link to the target the
 * session gave it: the command may delete it (then it is a deletion, as a
 * whiteout of an overlay) or put its own entry there (then that is a
 * change). A mount point cannot be removed while the session runs (EBUSY).
 * --changes and --export-layer list deletions and leave the host's entries
 * out; a resume removes the host's entries before it builds the tree again
 * (an entry gone from the host must not stay behind as an empty directory
 * or file), and leaves deleted links out. */
#ifndef OVERLAY_SESSION_POINTS_H
#define OVERLAY_SESSION_POINTS_H

#include <stdbool.h>

#include "layout.h"
#include "state.h"

#define STATE_POINTS  "overlay-session.points"
#define STATE_DELETED "overlay-session.deleted"

struct point {
	char key[STATE_KEY_MAX]; /* of its skeleton */
	size_t top_len;		 /* of its skeleton's path, 0 for "/" */
	char *path;
	char *target; /* a copy of a link: its target; NULL: a mount point,
			 or any entry of a record without targets */
};

struct points {
	struct point *v; /* the host's entries, sorted by path */
	size_t n;
	struct point *deleted; /* sorted by path */
	size_t n_deleted;
	bool known;    /* the state has a record (older versions wrote none) */
	bool clearing; /* a resume stopped between removing the host's entries
			  and recording them anew: one missing was removed,
			  not deleted by the command */
};

/* One line of a record, "KEY PATH [TARGET]" (TARGET where targets):
 * PATH strictly below the path of skeleton KEY of s. Returns 0 with pt's
 * path and target allocated, or -1 when malformed. */
int points_parse_line(const struct state *s, char *line, bool targets,
		      struct point *pt);

/* Read the records of s. Returns 0 (known false without one) or -1 with
 * the reason printed. */
int points_load(const struct state *s, struct points *p);
void points_free(struct points *p);

/* Is the entry name of dirfd, path in the session, one the session made
 * for the host, as it made it? */
bool points_is_host(const struct points *p, const char *path, int dirfd,
		    const char *name);

/* fn(path, name) for each of the host's links directly in directory dir
 * of a skeleton (dirfd there) that the session deleted; a non-zero return
 * stops and is returned. */
int points_each_deleted(const struct points *p, const char *dir, int dirfd,
			int (*fn)(const char *path, const char *name,
				  void *ctx),
			void *ctx);

/* A resume, before it builds the tree, in this order: */
/* 1. Record the deletions as they are now (points_deleted() tells them
 *    afterwards). */
int points_note_deletions(const struct state *s, int storage, struct points *p);
bool points_deleted(const struct points *p, const char *path);
/* 2. Is path, in the skeleton of key (at top), taken by an entry of the
 *    command's (the session's entries win over the host's)? */
bool points_taken(const struct points *p, int storage, const char *key,
		  const char *top, const char *path);
/* 3. Remove the host's entries from the skeletons in storage (the state
 *    directory): only a link as the session made it, and directories and
 *    regular files when empty, so that nothing of the command's is lost.
 *    The units of plan to be made (skeleton_of[i] their skeleton, NULL
 *    for none or left out) are journaled first. */
int points_clear(const struct state *s, int storage, const struct points *p,
		 const struct plan *plan,
		 const struct unit *const *skeleton_of);
/* 4. Once built, record the units made (as for points_clear()). Also
 *    the end of a new session's build. */
int points_save(const struct state *s, const struct plan *plan,
		const struct unit *const *skeleton_of);

#endif
