// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "fd.h"
#include "io.h"
#include "parse.h"
#include "userns.h"

/* The value of a numeric sysctl, or -1 when it cannot be read. */
static long long read_sysctl(const char *path)
{
	char buf[32];
	ssize_t n = read_text_at(AT_FDCWD, path, buf, sizeof(buf));
	uint64_t v;

	if (n <= 0 || parse_u64_n(buf, (size_t)n, INT64_MAX, &v) < 0)
		return -1;
	return (long long)v;
}

/* Per-type limits; 0 disables that type for everyone in this namespace. */
static const struct {
	int flag;
	const char *type;
} ns_limits[] = {
	{ CLONE_NEWUSER, "user" },     { CLONE_NEWNS, "mnt" },
	{ CLONE_NEWNET, "net" },       { CLONE_NEWPID, "pid" },
	{ CLONE_NEWIPC, "ipc" },       { CLONE_NEWUTS, "uts" },
	{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
};

static void explain_enospc(int flags, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(ns_limits) / sizeof(ns_limits[0]); i++) {
		char path[64];

		if (!(flags & ns_limits[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
			 ns_limits[i].type);
		if (read_sysctl(path) == 0) {
			snprintf(buf, len,
				 "%s namespaces are disabled: %s is 0",
				 ns_limits[i].type, path);
			return;
		}
	}
	snprintf(buf, len,
		 "a namespace limit is reached: see "
		 "/proc/sys/user/max_*_namespaces (or user namespaces are "
		 "nested 32 deep)");
}

void userns_explain(int err, int flags, char *buf, size_t len)
{
	switch (err) {
	case ENOSPC:
	case EUSERS:
		explain_enospc(flags | CLONE_NEWUSER, buf, len);
		return;
	case EPERM:
		if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") ==
		    0) {
			snprintf(buf, len,
				 "unprivileged user namespaces are disabled: "
				 "/proc/sys/kernel/unprivileged_userns_clone "
				 "is 0");
			return;
		}
		if (read_sysctl("/proc/sys/kernel/"
				"apparmor_restrict_unprivileged_userns") > 0) {
			snprintf(buf, len,
				 "AppArmor restricts unprivileged user "
				 "namespaces (kernel.apparmor_restrict_"
				 "unprivileged_userns is 1): a profile for "
				 "this program must allow `userns`");
			return;
		}
		snprintf(buf, len,
			 "not permitted: the caller is in a chroot, or a "
			 "seccomp filter or security module denies user "
			 "namespaces");
		return;
	case EINVAL:
		snprintf(buf, len,
			 "this kernel does not support one of the namespace "
			 "types asked for");
		return;
	default:
		snprintf(buf, len, "%s", strerror(err));
		return;
	}
}
