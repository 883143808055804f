/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which mounts a walk that crosses filesystems must still never enter:
 * proc, sysfs, cgroup, devtmpfs and the other kernel filesystems, told by
 * their type in /proc/self/mountinfo (devtmpfs looks like tmpfs to
 * statfs()). */
#ifndef KEEP_ID_AUDIT_MOUNTS_H
#define KEEP_ID_AUDIT_MOUNTS_H

#include <stdbool.h>

#include "mountinfo.h"

/* Is the filesystem of fd one of the kernel's pseudo filesystems? */
bool mounts_is_pseudo(const struct mountinfo *m, int fd);
bool mounts_type_is_pseudo(const char *type);

#endif
