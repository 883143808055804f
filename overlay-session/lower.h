/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lower under a kept session. A kept upper is only meaningful over the
 * lower it was made on: when a path the session changed has since changed
 * in the lower (a package upgrade rewrote a file the session had edited),
 * or a directory is now a different filesystem, the merged view would mix
 * the two silently. At the end of a kept session the lower's identity of
 * each changed path is recorded; a resume compares. */
#ifndef OVERLAY_SESSION_LOWER_H
#define OVERLAY_SESSION_LOWER_H

#include <stdbool.h>

#include "state.h"

/* Write STATE_LOWER for the session's current changes. */
int lower_record(const struct state *s);
/* Compare with the lower now: each difference printed as
 * "overlay-session: lower changed: PATH: WHAT". Returns the number of
 * differences, or -1 on error. A session that never ended cleanly (no
 * record) is reported and counts as one difference. */
int lower_check(const struct state *s);

#endif
