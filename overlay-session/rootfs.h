/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --root: the session's root is one fuse-overlayfs over / with
 * squash_to_root, so that root in the session (the caller, its subordinate
 * ids mapped by become-root) can change files the real root owns; the
 * kernel's overlayfs would have to chown copies to an unmapped owner.
 *
 * Who holds what: overlay-session opens /dev/fuse; the session mounts it
 * (detached) in its own mount namespace; the daemon, started by
 * overlay-session in its namespace, where the fuse mount never appears,
 * serves that fd. When the session's namespace is gone the mount is gone,
 * the connection ends and the daemon exits: nothing keeps it alive. */
#ifndef OVERLAY_SESSION_ROOTFS_H
#define OVERLAY_SESSION_ROOTFS_H

#include <sys/types.h>

#define ROOTFS_DAEMON "fuse-overlayfs"
/* Where a discarded session's upper appears to the daemon. */
#define ROOTFS_TMP_BASE "/dev/shm"

/* A detached fuse mount on the /dev/fuse fd (in the session). */
int rootfs_mount(int fuse_fd);
/* Start fuse-overlayfs serving fuse_fd with the lowers base/seed/key and /,
 * the upper and work directories base/upper/key and base/work/key; with
 * tmpfs >= 0 (a
 * detached mount) that mount is put at base first, for the daemon only.
 * Returns its pid. */
pid_t rootfs_daemon_start(int fuse_fd, int tmpfs, const char *base,
			  const char *key);
/* The daemon copies a file up by reading it, and the caller cannot read
 * what only the real root may (lock files of dpkg and apt: 0640 root):
 * such files that are empty are made again, readable, in a layer of their
 * own (seed/key of storage) above /, so that `dpkg -i` and `apt-get
 * install` can take their locks; the upper holds only real changes.
 * Returns the number made, or -1. */
int rootfs_seed_locks(int storage, const char *key);
/* Stop it (after the session) and wait for it. */
void rootfs_daemon_stop(pid_t pid);

#endif
