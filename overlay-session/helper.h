/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The programs a session starts (slirp4netns for --net, become-root for
 * --root): ours when installed side by side with this binary, else the
 * ones in PATH. */
#ifndef OVERLAY_SESSION_HELPER_H
#define OVERLAY_SESSION_HELPER_H

#include <stdbool.h>
#include <stddef.h>

/* Our sibling NAME if there is one, else NAME (for execvp). */
void helper_path(const char *name, char *out, size_t len);
/* Is NAME a sibling or in PATH? */
bool helper_exists(const char *name);

#endif
