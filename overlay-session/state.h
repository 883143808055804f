/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A session's state directory (--keep, --resume, --changes,
 * --export-layer):
 *
 *   DIR/overlay-session.units   KEY PATH per overlaid directory and kept
 *                               skeleton directory
 *   DIR/overlay-session.lower   what the lower looked like at the end of
 *                               the last session, for each changed path
 *   DIR/upper/KEY, DIR/work/KEY the overlay's upper and work directories
 *   DIR/skel/KEY                what the session created in a directory
 *                               with mounts below it (layout.h), which
 *                               cannot be overlaid
 *   DIR/overlay-session.points  the host's entries in skel/KEY (points.h)
 *
 * Paths are stored escaped (%XX for bytes up to space, '%' and DEL), so
 * that a name with a newline or tab cannot forge a line. */
#ifndef OVERLAY_SESSION_STATE_H
#define OVERLAY_SESSION_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define STATE_UNITS   "overlay-session.units"
#define STATE_LOWER   "overlay-session.lower"
#define STATE_KEY_MAX 16

struct state_unit {
	char key[STATE_KEY_MAX];
	char *path;
};

struct state {
	int dirfd;
	char *dir;
	struct state_unit *v;
	size_t n;
};

/* Open DIR as a state directory: with create, an empty or missing DIR
 * becomes one; otherwise it must be one. Returns 0 or -1 with the reason
 * printed. */
int state_open(struct state *s, const char *dir, bool create);
void state_close(struct state *s);
/* The key of the overlay of path, assigned when new. */
const char *state_key(struct state *s, const char *path);
/* The key of path, or the path of key: NULL when there is none. */
const char *state_path_key(const struct state *s, const char *path);
const char *state_key_path(const struct state *s, const char *key);
/* Write the units file (atomically). */
int state_save(struct state *s);

/* Replace the state file name whole: begin gives a stream to NAME.tmp,
 * commit syncs it and renames it over NAME (and closes it either way).
 * Both print the reason of a failure. */
FILE *state_file_begin(const struct state *s, const char *name);
int state_file_commit(const struct state *s, const char *name, FILE *f);

/* Escape and unescape a path for one field of a line. unescape returns
 * -1 on a malformed escape. Pure. */
void path_escape(FILE *f, const char *path);
int path_unescape(const char *in, char *out, size_t outlen);

#endif
