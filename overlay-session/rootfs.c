// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "helper.h"
#include "io.h"
#include "log.h"
#include "rootfs.h"

int rootfs_mount(int fuse_fd)
{
	_cleanup_close_ int fs = fsopen("fuse", FSOPEN_CLOEXEC);
	char fdarg[16];
	int mnt;

	snprintf(fdarg, sizeof(fdarg), "%d", fuse_fd);
	/* allow_other: inside, root hands files to other ids (apt's _apt,
	 * package users), and FUSE serves only the mounter without it. */
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "fd", fdarg, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "rootmode", "40000", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "user_id", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "group_id", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "allow_other", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		warn_errno("cannot mount a fuse filesystem for --root");
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		warn_errno("cannot mount a fuse filesystem for --root");
	return mnt;
}

pid_t rootfs_daemon_start(int fuse_fd, int tmpfs, const char *base,
			  const char *key)
{
	char bin[PATH_MAX], opts[3 * PATH_MAX + 64];
	pid_t parent = getpid(), pid;

	helper_path(ROOTFS_DAEMON, bin, sizeof(bin));
	snprintf(opts, sizeof(opts),
		 "lowerdir=%s/seed/%s:/,upperdir=%s/upper/%s,"
		 "workdir=%s/work/%s,squash_to_root",
		 base, key, base, key, base, key);
	pid = fork();
	if (pid < 0) {
		warn_errno("fork");
		return -1;
	}
	if (pid > 0)
		return pid;
	/* A discarded session's upper is a tmpfs of no namespace yet; the
	 * daemon needs a path to it (it resolves its options with
	 * realpath): in a mount namespace of its own, over base, which the
	 * session never sees through the daemon (its /dev passes through). */
	if (tmpfs >= 0 &&
	    (unshare(CLONE_NEWNS) < 0 ||
	     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	     move_mount(tmpfs, "", AT_FDCWD, base, MOVE_MOUNT_F_EMPTY_PATH) <
		     0)) {
		warn_errno("cannot mount the session's upper for %s",
			   ROOTFS_DAEMON);
		_exit(127);
	}
	/* The fuse fd at 3, without close-on-exec; nothing else. */
	if (dup2(fuse_fd, 3) < 0)
		_exit(127);
	fd_close_from(4);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	/* Its chatter ("unknown argument ignored: lazytime") would mix with
	 * the command's output: kept with -v, else a failure is reported by
	 * rootfs_daemon_stop(). */
	if (!log_verbose()) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
	}
	execlp(bin, bin, "-f", "-o", opts, "/dev/fd/3", (char *)NULL);
	warn_errno("cannot run `%s' (--root needs fuse-overlayfs)", bin);
	_exit(127);
}

void rootfs_daemon_stop(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	/* It ends by itself when the session's mount goes; this is for a
	 * session that left processes holding it. */
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGTERM);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return;
	}
	/* gone before the session: it failed, or the session's mount went
	 * away first (then it exits 0) */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		warn("%s failed (overlay-session -v shows its messages)",
		     ROOTFS_DAEMON);
}

/* Where package managers keep the locks they open read-write. */
static const char *const lock_dirs[] = {
	"etc",
	"var/lib/dpkg",
	"var/lib/dpkg/triggers",
	"var/lib/apt/lists",
	"var/cache/apt/archives",
	"var/cache/debconf",
	"var/lib/rpm",
	NULL,
};

int rootfs_seed_locks(int storage, const char *key)
{
	int made = 0;

	for (size_t i = 0; lock_dirs[i]; i++) {
		char up[PATH_MAX], lower[PATH_MAX];
		_cleanup_close_ int ufd = -1;
		DIR *d;
		struct dirent *de;

		snprintf(lower, sizeof(lower), "/%s", lock_dirs[i]);
		d = opendir(lower);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			struct stat st;

			if (fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISREG(st.st_mode) || st.st_size != 0 ||
			    faccessat(dirfd(d), de->d_name, R_OK, 0) == 0)
				continue;
			if (ufd < 0) {
				snprintf(up, sizeof(up), "seed/%s/%s", key,
					 lock_dirs[i]);
				if (mkdir_p_at(storage, up, 0755) < 0 ||
				    (ufd = openat(storage, up,
						  O_PATH | O_DIRECTORY |
							  O_CLOEXEC)) < 0) {
					closedir(d);
					return -1;
				}
			}
			int fd = openat(ufd, de->d_name,
					O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
					st.st_mode & 07777);

			if (fd >= 0) {
				close_quietly(fd);
				made++;
			} else if (errno != EEXIST) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
	}
	return made;
}
