// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "pidfile.h"

int pidfile_prepare(struct pidfile *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (slash) {
		size_t n = slash == path ? 1 : (size_t)(slash - path);

		if (n >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
		p->name = slash + 1;
	} else {
		strcpy(dir, ".");
		p->name = path;
	}
	if (!*p->name) {
		errno = EISDIR;
		return -1;
	}
	p->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return p->dirfd < 0 ? -1 : 0;
}

int pidfile_write(struct pidfile *p, pid_t pid)
{
	char tmp[4096], text[16];
	_cleanup_close_ int fd = -1;
	int len = snprintf(text, sizeof(text), "%d\n", (int)pid);

	if (snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", p->name, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = openat(p->dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, (size_t)len) < 0 ||
	    renameat(p->dirfd, tmp, p->dirfd, p->name) < 0) {
		unlinkat(p->dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

void pidfile_close(struct pidfile *p)
{
	if (p->dirfd >= 0)
		close_quietly(p->dirfd);
	p->dirfd = -1;
}
