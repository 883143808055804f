/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lowest layer of a --root session: / of this mount namespace served
 * read-only over FUSE, every file owned by 0:0.
 *
 * In the session's user namespace the real root and the other host users
 * are unmapped: the kernel's overlayfs could neither let root in the
 * session write to their directories nor chown a copy-up to them. Seen
 * through this file system / belongs to the session's root (the caller),
 * so the kernel's overlayfs stacked on it does every write at its own
 * speed, and FUSE serves only reads of what has not been changed. */
#ifndef OVERLAY_SESSION_LOWERFS_H
#define OVERLAY_SESSION_LOWERFS_H

/* Serve the FUSE connection on fuse_fd (mounted elsewhere) until it ends.
 * Returns 0 when the mount is gone, -1 (reported) on an error. */
int lowerfs_serve(int fuse_fd);

#endif
