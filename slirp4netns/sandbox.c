// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "sandbox.h"

/* Built on a tmpfs mounted over /tmp of the new namespace (the host's /tmp
 * is untouched: the namespace is private). */
#define NEWROOT	 "/tmp"
#define RO_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY)

static int fail(const char *what, const char *path)
{
	warn_errno("sandbox: cannot %s `%s'", what, path);
	return -1;
}

/* mkdir -p of path below NEWROOT; the last component is a file when
 * is_file. */
static int make_path(const char *path, bool is_file)
{
	char buf[PATH_MAX];
	size_t len;
	int n = snprintf(buf, sizeof(buf), NEWROOT "%s", path);

	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return fail("create", path);
	}
	len = strlen(NEWROOT) + 1;
	for (char *p = buf + len; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return fail("create", buf);
		*p = '/';
	}
	if (is_file) {
		int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return fail("create", buf);
		close_quietly(fd);
	} else if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
		return fail("create", buf);
	}
	return 0;
}

/* Bind path from the host to the same place below NEWROOT, read-only. */
static int bind_ro(const char *path, bool is_file)
{
	char dst[PATH_MAX];

	snprintf(dst, sizeof(dst), NEWROOT "%s", path);
	if (make_path(path, is_file) < 0)
		return -1;
	if (mount(path, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail("bind", path);
	/* Adding flags to a bind mount is allowed even where its original
	 * flags are locked (a mount inherited from a more privileged
	 * namespace). */
	if (mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | RO_FLAGS, NULL) < 0)
		return fail("make read-only", dst);
	return 0;
}

/* libslirp reads /etc/resolv.conf for the DNS forwarder; when it is a
 * symlink leading out of /etc and /run (to /mnt/wsl/resolv.conf, say),
 * its target must be visible too. */
static int bind_resolv_target(void)
{
	_cleanup_free_ char *target = realpath("/etc/resolv.conf", NULL);

	if (!target || strncmp(target, "/etc/", 5) == 0 ||
	    strncmp(target, "/run/", 5) == 0)
		return 0;
	return bind_ro(target, true);
}

static int pivot(void)
{
	if (chdir(NEWROOT) < 0)
		return fail("enter", NEWROOT);
	if (mkdir("old", 0700) < 0)
		return fail("create", NEWROOT "/old");
	if (syscall(SYS_pivot_root, ".", "old") < 0)
		return fail("pivot_root to", NEWROOT);
	if (chdir("/") < 0)
		return fail("enter", "/");
	if (umount2("/old", MNT_DETACH) < 0)
		return fail("unmount", "/old");
	if (rmdir("/old") < 0)
		return fail("remove", "/old");
	if (mount(NULL, "/", NULL, MS_REMOUNT | RO_FLAGS, NULL) < 0)
		return fail("make read-only", "/");
	return 0;
}

/* Keep CAP_NET_BIND_SERVICE alone, in the effective, permitted and
 * inheritable sets and the bounding set. Raw prctl and capset, as
 * bubblewrap does: a library (and its pages in every process) for a
 * handful of calls is not worth it. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };
	const unsigned long keep = CAP_NET_BIND_SERVICE;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		warn_errno("sandbox: prctl(PR_SET_NO_NEW_PRIVS)");
		return -1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL) {
		warn_errno("sandbox: prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
		return -1;
	}
	/* Every capability this kernel knows: PR_CAPBSET_READ fails with
	 * EINVAL past the last. */
	for (unsigned long c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0;
	     c++) {
		if (c != keep && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			warn_errno("sandbox: cannot drop capability %lu", c);
			return -1;
		}
	}
	data[keep / 32].effective = data[keep / 32].permitted =
		data[keep / 32].inheritable = 1u << (keep % 32);
	if (syscall(SYS_capset, &hdr, data) < 0) {
		warn_errno("sandbox: capset");
		return -1;
	}
	return 0;
}

int sandbox_enter(int userns_fd)
{
	if (geteuid() != 0) {
		if (userns_fd < 0 || setns(userns_fd, CLONE_NEWUSER) < 0) {
			warn_errno("sandbox: cannot join the user namespace");
			return -1;
		}
		/* Root of that namespace, so that the new mount namespace
		 * and the capabilities are ours. */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			warn_errno("sandbox: cannot become root in the user "
				   "namespace");
			return -1;
		}
	}
	if (unshare(CLONE_NEWNS) < 0) {
		warn_errno("sandbox: cannot unshare the mount namespace");
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail("make private", "/");
	if (mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=64k,mode=0755") < 0)
		return fail("mount a tmpfs on", NEWROOT);
	if (bind_ro("/etc", false) < 0 || bind_ro("/run", false) < 0 ||
	    bind_resolv_target() < 0 || pivot() < 0)
		return -1;
	return drop_capabilities();
}
