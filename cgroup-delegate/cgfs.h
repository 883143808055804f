/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup v2 filesystem, reached only through fds: the root is opened
 * once, every cgroup beneath it with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS) (or, before Linux 5.6, one component at a time with
 * O_NOFOLLOW), so no path can leave the hierarchy. */
#ifndef CGROUP_DELEGATE_CGFS_H
#define CGROUP_DELEGATE_CGFS_H

#include <stddef.h>

/* The cgroup2 mount point: override when given, else /sys/fs/cgroup if it
 * is cgroup2, else the hybrid /sys/fs/cgroup/unified, else the first
 * cgroup2 mount in mountinfo. Returns 0, or -1 with errno ENOENT. */
int cgfs_find_root(const char *override, char *out, size_t len);
/* Open the root directory; EINVAL when it is not a cgroup2 filesystem. */
int cgfs_open_root(const char *path);
/* A cgroup path relative to the root: components separated by '/', none
 * empty (a leading or doubled '/' is tolerated), "." or "..". */
int cgfs_check_path(const char *rel);
/* Open rel beneath rootfd as a directory; with create, make missing
 * components (mode 0755). "" is the root itself. */
int cgfs_open(int rootfd, const char *rel, int create);
/* Write value to file in dirfd, in one write(). */
int cgfs_write(int dirfd, const char *file, const char *value);
/* Read file in dirfd (NUL-terminated, trailing newline removed). */
int cgfs_read(int dirfd, const char *file, char *buf, size_t len);
/* Does the file exist in dirfd? */
int cgfs_exists(int dirfd, const char *file);

/* Test hook: make cgfs_open() use the component walk even where openat2
 * exists, so that make check runs the fallback too. */
extern int cgfs_force_fallback;

#endif
