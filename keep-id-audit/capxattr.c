// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "capxattr.h"

/* From linux/capability.h, spelled out: the layout is the on-disk ABI. */
#define VFS_CAP_REVISION_MASK	0xFF000000u
#define VFS_CAP_FLAGS_MASK	0x00FFFFFFu
#define VFS_CAP_FLAGS_EFFECTIVE 0x000001u
#define VFS_CAP_REVISION_1	0x01000000u
#define VFS_CAP_REVISION_2	0x02000000u
#define VFS_CAP_REVISION_3	0x03000000u

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int capxattr_parse(const void *buf, size_t len, struct capxattr *out)
{
	const unsigned char *p = buf;
	uint32_t magic;
	size_t want, words;

	memset(out, 0, sizeof(*out));
	if (len < 4)
		return -1;
	magic = le32(p);
	switch (magic & VFS_CAP_REVISION_MASK) {
	case VFS_CAP_REVISION_1:
		out->revision = 1, want = 12, words = 1;
		break;
	case VFS_CAP_REVISION_2:
		out->revision = 2, want = 20, words = 2;
		break;
	case VFS_CAP_REVISION_3:
		out->revision = 3, want = 24, words = 2;
		break;
	default:
		return -1;
	}
	/* The kernel refuses other lengths, and so do we; unknown flag bits
	 * are refused too rather than guessed at. */
	if (len != want ||
	    (magic & VFS_CAP_FLAGS_MASK & ~VFS_CAP_FLAGS_EFFECTIVE))
		return -1;
	out->effective = magic & VFS_CAP_FLAGS_EFFECTIVE;
	out->permitted = le32(p + 4);
	out->inheritable = le32(p + 8);
	if (words == 2) {
		out->permitted |= (uint64_t)le32(p + 12) << 32;
		out->inheritable |= (uint64_t)le32(p + 16) << 32;
	}
	if (out->revision == 3) {
		out->has_rootid = true;
		out->rootid = le32(p + 20);
	}
	return 0;
}
