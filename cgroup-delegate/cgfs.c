// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgfs.h"
#include "cleanup.h"
#include "io.h"
#include "mountinfo.h"

int cgfs_force_fallback;

static int is_cgroup2(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgfs_find_root(const char *override, char *out, size_t len)
{
	static const char *const candidates[] = { "/sys/fs/cgroup",
						  "/sys/fs/cgroup/unified" };
	size_t i;

	if (override) {
		if (snprintf(out, len, "%s", override) >= (int)len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return 0;
	}
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (is_cgroup2(candidates[i])) {
			snprintf(out, len, "%s", candidates[i]);
			return 0;
		}
	return mountinfo_find_point("cgroup2", NULL, out, len);
}

int cgfs_open_root(const char *path)
{
	struct statfs sfs;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		close_quietly(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int cgfs_check_path(const char *rel)
{
	const char *p = rel;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			errno = EINVAL;
			return -1;
		}
		p += n;
	}
	return 0;
}

static int open_walk(int rootfd, const char *rel, int create)
{
	_cleanup_close_ int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	const char *p = rel;
	char name[256];

	if (fd < 0)
		return -1;
	while (*p) {
		size_t n;
		int next;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n >= sizeof(name)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		if (create && mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
			return -1;
		next = openat(fd, name,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -1;
		close_quietly(fd);
		fd = next;
	}
	return steal_fd(&fd);
}

int cgfs_open(int rootfd, const char *rel, int create)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd;

	if (cgfs_check_path(rel) < 0)
		return -1;
	/* Creating needs the walk: openat2 does not make directories. */
	if (create || cgfs_force_fallback)
		return open_walk(rootfd, rel, create);
	while (*rel == '/')
		rel++;
	fd = (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how,
			  sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		return open_walk(rootfd, rel, 0);
	return fd;
}

/* A file of the cgroup itself: one component, never a path. */
static int is_file_name(const char *file)
{
	if (strchr(file, '/') || !strcmp(file, ".") || !strcmp(file, "..")) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int cgfs_write(int dirfd, const char *file, const char *value)
{
	_cleanup_close_ int fd = -1;
	ssize_t len = (ssize_t)strlen(value);

	if (!is_file_name(file))
		return -1;
	fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	/* A cgroup file takes a value in one write(); a short write is an
	 * error, not something to retry. */
	if (write(fd, value, (size_t)len) != len)
		return -1;
	return 0;
}

int cgfs_read(int dirfd, const char *file, char *buf, size_t len)
{
	/* AT_FDCWD: an absolute path outside the hierarchy, chosen by us. */
	if (dirfd != AT_FDCWD && !is_file_name(file))
		return -1;
	return read_text_at(dirfd, file, buf, len) < 0 ? -1 : 0;
}

int cgfs_exists(int dirfd, const char *file)
{
	struct stat st;

	return is_file_name(file) &&
	       fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
}
