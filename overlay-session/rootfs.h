/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --root: the session's root is the kernel's overlayfs over two lowers, a
 * layer of seeded lock files and a FUSE view of / in which the session's
 * root owns every file (lowerfs.h says why); the upper is the session's,
 * as in a default session.
 *
 * Who holds what: overlay-session opens /dev/fuse; the session mounts it
 * (detached) in its own mount namespace; a child of overlay-session, in
 * overlay-session's namespace, where the fuse mount never appears, serves
 * that fd. When the session's namespace is gone the mount is gone, the
 * connection ends and the server exits: nothing keeps it alive. */
#ifndef OVERLAY_SESSION_ROOTFS_H
#define OVERLAY_SESSION_ROOTFS_H

#include <sys/types.h>

/* A detached, read-only fuse mount on the /dev/fuse fd (in the session). */
int rootfs_mount(int fuse_fd);
/* Start serving fuse_fd with / of this mount namespace. Returns its pid. */
pid_t rootfs_daemon_start(int fuse_fd);
/* Stop it (after the session) and wait for it. */
void rootfs_daemon_stop(pid_t pid);
/* seed/key in storage, filled (overlay_mount() makes the upper): a file
 * is copied up by reading it, and the caller cannot read what only the
 * real root may (lock files of dpkg and apt: 0640 root). Such files that
 * are empty are made again, readable, in the seed, a lower above /, so
 * that `dpkg -i` and `apt-get install` can take their locks; the upper
 * holds only real changes. Returns 0 or -1 (reported). */
int rootfs_prepare(int storage, const char *key);

#endif
