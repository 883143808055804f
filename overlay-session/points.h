/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's entries in a kept skeleton. A skeleton directory the caller
 * may write in lives in the state (skel/KEY, layout.h), and the session
 * makes there, next to what the command creates, a mount point for each
 * entry planned on its own and a copy of each symbolic link. Those are
 * the host's, not changes, and the host may remove them once the session
 * has ended. DIR/overlay-session.points names them ("KEY PATH" a line,
 * KEY the skeleton's, parents first), so that --changes and --export-layer
 * leave them out, and a resume removes them before it builds the tree
 * again: an entry gone from the host must not stay behind in the session
 * as an empty directory or file. */
#ifndef OVERLAY_SESSION_POINTS_H
#define OVERLAY_SESSION_POINTS_H

#include <stdbool.h>

#include "layout.h"
#include "state.h"

#define STATE_POINTS "overlay-session.points"

struct points {
	char **v; /* sorted */
	size_t n;
	bool known; /* the state has a record (older versions wrote none) */
};

/* Read the record of s. Returns 0 (known false without one) or -1 with
 * the reason printed. */
int points_load(const struct state *s, struct points *p);
bool points_has(const struct points *p, const char *path);
void points_free(struct points *p);

/* Remove the recorded entries from the skeletons in storage (the state
 * directory): symbolic links, and directories and regular files only when
 * empty, so that nothing the command put there is lost. */
void points_clear(const struct state *s, int storage);

/* Record the units of plan that are in a kept skeleton: skeleton_of[i],
 * NULL for a unit in none or left out. */
int points_save(const struct state *s, const struct plan *plan,
		const struct unit *const *skeleton_of);

#endif
