/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which mounts a walk that crosses filesystems must still never enter:
 * proc, sysfs, cgroup, devtmpfs and the other kernel filesystems, told by
 * their type in /proc/self/mountinfo (devtmpfs looks like tmpfs to
 * statfs()). */
#ifndef KEEP_ID_AUDIT_MOUNTS_H
#define KEEP_ID_AUDIT_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mount_type {
	uint64_t id;
	char type[32];
};

struct mounts {
	struct mount_type *v;
	size_t n;
};

int mounts_load(struct mounts *m);
/* Parse mountinfo text (exposed for the tests). */
int mounts_parse(struct mounts *m, const char *text, size_t len);
/* Is the filesystem of fd one of the kernel's pseudo filesystems? */
bool mounts_is_pseudo(const struct mounts *m, int fd);
bool mounts_type_is_pseudo(const char *type);
void mounts_free(struct mounts *m);

#endif
