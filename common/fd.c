// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fd.h"
#include "parse.h"

void close_quietly(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

int fd_set_cloexec(int fd, bool cloexec)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		return -1;
	if (!!(flags & FD_CLOEXEC) == cloexec)
		return 0;
	flags = cloexec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, flags);
}

bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* Fallback for kernels before 5.11 (no CLOSE_RANGE_CLOEXEC) and for
 * seccomp filters that deny close_range: walk /proc/self/fd. */
static int fd_walk_from(unsigned int first, bool close_them)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int dfd;

	if (!dir)
		return -1;
	dfd = dirfd(dir);
	while ((de = readdir(dir))) {
		uint32_t fd;

		if (parse_u32(de->d_name, &fd) < 0 || fd > INT_MAX)
			continue;
		if (fd < first || (int)fd == dfd)
			continue;
		if (close_them)
			close_quietly((int)fd);
		else if (fd_set_cloexec((int)fd, true) < 0 && errno != EBADF) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return 0;
}

int fd_cloexec_from(unsigned int first)
{
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return fd_walk_from(first, false);
}

int fd_close_from(unsigned int first)
{
	if (syscall(SYS_close_range, first, ~0U, 0) == 0)
		return 0;
	return fd_walk_from(first, true);
}

int openc_read(const char *path)
{
	return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

int fd_ensure_stdio(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		int null;

		if (fd_is_open(fd))
			continue;
		null = open("/dev/null", O_RDWR | O_NOCTTY);
		if (null < 0)
			return -1;
		if (null != fd) {
			/* A lower closed fd took the number: it is now open,
			 * and fd is still to be filled. */
			if (dup2(null, fd) < 0) {
				close_quietly(null);
				return -1;
			}
			close_quietly(null);
		}
	}
	return 0;
}
