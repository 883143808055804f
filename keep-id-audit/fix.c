// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/xattr.h>

#include "capxattr.h"
#include "cleanup.h"
#include "fix.h"

static bool same_file(const struct statx *a, const struct statx *b)
{
	return a->stx_dev_major == b->stx_dev_major &&
	       a->stx_dev_minor == b->stx_dev_minor &&
	       a->stx_ino == b->stx_ino && a->stx_mode == b->stx_mode &&
	       a->stx_uid == b->stx_uid && a->stx_gid == b->stx_gid;
}

enum fix_result fix_file(int dirfd, const char *name,
			 const struct statx *judged, mode_t clear_mode,
			 bool drop_cap, bool dry_run)
{
	_cleanup_close_ int fd = -1;
	struct statx now;
	char proc[64];

	/* O_PATH|O_NOFOLLOW: a symlink put in the file's place is opened as
	 * the link itself, and then fails the comparison below. */
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? FIX_CHANGED : FIX_FAILED;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		  STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_INO,
		  &now) < 0)
		return FIX_FAILED;
	if (!S_ISREG(now.stx_mode) || !same_file(judged, &now))
		return FIX_CHANGED;
	if (dry_run)
		return FIX_DONE;
	/* Through /proc/self/fd, the path is the inode we hold: no name is
	 * looked up again. fchmod() and fremovexattr() refuse O_PATH fds. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (drop_cap && removexattr(proc, CAPXATTR_NAME) < 0 &&
	    errno != ENODATA)
		return FIX_FAILED;
	if (clear_mode &&
	    fchmodat(AT_FDCWD, proc, now.stx_mode & 07777 & ~clear_mode, 0) < 0)
		return FIX_FAILED;
	return FIX_DONE;
}
