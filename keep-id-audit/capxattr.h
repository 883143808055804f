/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The security.capability xattr (struct vfs_ns_cap_data): revision 1, 2,
 * or 3 with the root id of the user namespace the capability is for. Parsed
 * strictly: the bytes come from a disk anyone may have written. */
#ifndef KEEP_ID_AUDIT_CAPXATTR_H
#define KEEP_ID_AUDIT_CAPXATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPXATTR_NAME	  "security.capability"
#define CAPXATTR_MAX_SIZE 24

struct capxattr {
	unsigned int revision; /* 1, 2 or 3 */
	bool effective;
	uint64_t permitted;
	uint64_t inheritable;
	bool has_rootid; /* revision 3 */
	uint32_t rootid;
};

/* Returns 0, or -1 when the bytes are not a valid capability xattr. */
int capxattr_parse(const void *buf, size_t len, struct capxattr *out);

#endif
