/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --fix: clear setuid/setgid bits and drop a capability, on the very inode
 * that was judged and on nothing else. */
#ifndef KEEP_ID_AUDIT_FIX_H
#define KEEP_ID_AUDIT_FIX_H

#include <stdbool.h>
#include <sys/stat.h>

enum fix_result {
	FIX_DONE,
	FIX_CHANGED, /* not the file that was judged any more: left alone */
	FIX_FAILED,  /* errno says why */
};

/* name in dirfd is opened with O_PATH|O_NOFOLLOW; its device, inode, type,
 * owner, group and mode must still be judged's, then the change is made
 * through that fd. clear_mode: the S_ISUID/S_ISGID bits to clear. */
enum fix_result fix_file(int dirfd, const char *name,
			 const struct statx *judged, mode_t clear_mode,
			 bool drop_cap, bool dry_run);

#endif
