// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "mounts.h"

static const char *const pseudo_types[] = {
	"proc",	      "sysfs",	     "cgroup",	  "cgroup2",	"devtmpfs",
	"devpts",     "debugfs",     "tracefs",	  "securityfs", "bpf",
	"pstore",     "configfs",    "fusectl",	  "mqueue",	"hugetlbfs",
	"efivarfs",   "binfmt_misc", "selinuxfs", "autofs",	"nsfs",
	"rpc_pipefs", "nfsd",	     "ramfs",
};

bool mounts_type_is_pseudo(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(pseudo_types) / sizeof(pseudo_types[0]); i++)
		if (strcmp(type, pseudo_types[i]) == 0)
			return true;
	return false;
}

bool mounts_is_pseudo(const struct mountinfo *m, int fd)
{
	struct statx stx;
	size_t i;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	for (i = 0; i < m->n; i++)
		if (m->v[i].id == stx.stx_mnt_id)
			return mounts_type_is_pseudo(m->v[i].fstype);
	/* Mounted after we read mountinfo: do not enter the unknown. */
	return true;
}
