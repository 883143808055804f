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
#include "lowerfs.h"
#include "rootfs.h"

int rootfs_mount(int fuse_fd)
{
	_cleanup_close_ int fs = fsopen("fuse", FSOPEN_CLOEXEC);
	char fdarg[16];
	int mnt;

	snprintf(fdarg, sizeof(fdarg), "%d", fuse_fd);
	/* Only the session's overlayfs reaches it, with the mounter's
	 * credentials or ones derived from them (allow_other: FUSE refuses
	 * any uid but the mounter's); the kernel checks permissions on the
	 * modes it shows (default_permissions); read-only, as a lower. */
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "fd", fdarg, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "rootmode", "40000", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "user_id", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "group_id", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "allow_other", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "default_permissions", NULL, 0) <
		    0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		warn_errno("cannot mount a fuse filesystem for --root");
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	if (mnt < 0)
		warn_errno("cannot mount a fuse filesystem for --root");
	return mnt;
}

pid_t rootfs_daemon_start(int fuse_fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0) {
		warn_errno("fork");
		return -1;
	}
	if (pid > 0)
		return pid;
	/* Ends with the session (its mount gone, the connection ends), not
	 * by a signal meant for overlay-session's session. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	if (dup2(fuse_fd, 3) < 0)
		_exit(127);
	fd_close_from(4);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	_exit(lowerfs_serve(3) == 0 ? 0 : 1);
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
		warn("the session's view of / failed");
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

/* Fill the seed (dir fd seed); returns the number of files made, or -1. */
static int seed_locks(int seed)
{
	int made = 0;

	for (size_t i = 0; lock_dirs[i]; i++) {
		char lower[PATH_MAX];
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
				if (mkdir_p_at(seed, lock_dirs[i], 0755) < 0 ||
				    (ufd = openat(seed, lock_dirs[i],
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

int rootfs_prepare(int storage, const char *key)
{
	char path[96];
	_cleanup_close_ int seed = -1;
	int seeded;

	snprintf(path, sizeof(path), "seed/%s", key);
	if (mkdir_p_at(storage, path, 0755) < 0 ||
	    (seed = openat(storage, path, O_PATH | O_DIRECTORY | O_CLOEXEC)) <
		    0) {
		warn_errno("cannot create the session's `%s'", path);
		return -1;
	}
	seeded = seed_locks(seed);
	if (seeded < 0) {
		warn_errno("cannot prepare the lock files' layer");
		return -1;
	}
	debug("%d lock files only the real root can read: made again in a "
	      "layer above /",
	      seeded);
	return 0;
}
