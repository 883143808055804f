/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entering a session: a user and mount namespace of the caller's own, the
 * new root built from detached mounts (nothing covers a lower before every
 * overlay holds it), pivot_root, and the command. */
#ifndef OVERLAY_SESSION_SESSION_H
#define OVERLAY_SESSION_SESSION_H

#include <stdbool.h>

#include "layout.h"
#include "state.h"

struct session {
	const struct plan *plan;
	struct state *state; /* --keep / --resume, else NULL: a tmpfs */
	char *const *argv;
	const char *cwd;
	bool net; /* a network namespace of its own, with slirp4netns */
	/* --root: we are root in a user namespace with subordinate ids
	 * (become-root's); the root is an overlay of / (rootfs.h), and plan
	 * holds the pass-through units, kernel overlays of the caller's own
	 * trees, and --bind/--tmpfs. */
	bool root;
};

/* Fork the session, wait for it and return its exit status (128+N for a
 * signal); setup failures are 125. */
int session_run(const struct session *s);

/* Does the unit keep what the session writes in a kept session's state
 * (an overlay, or a skeleton directory the caller may write in)? */
bool session_unit_kept(const struct unit *u);

#endif
