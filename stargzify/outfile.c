// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd.h"
#include "outfile.h"

int outfile_open(struct outfile *o, const char *path)
{
	char *slash, *dir;

	memset(o, 0, sizeof(*o));
	o->fd = o->dirfd = -1;
	o->path = path;
	if (!strcmp(path, "-")) {
		o->fd = 1;
		return 0;
	}
	dir = strdup(path);
	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	o->base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	o->dirfd = open(slash ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (o->dirfd < 0 || !*o->base) {
		if (!*o->base)
			errno = EISDIR;
		return -1;
	}
	o->fd = openat(o->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (o->fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return o->fd < 0 ? -1 : 0;
	/* a filesystem without O_TMPFILE: a visible temporary name */
	for (int i = 0; i < 100 && o->fd < 0; i++) {
		free(o->tmp_name);
		if (asprintf(&o->tmp_name, ".%s.%d.%d", o->base, getpid(), i) <
		    0) {
			o->tmp_name = NULL;
			return -1;
		}
		o->fd = openat(o->dirfd, o->tmp_name,
			       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (o->fd < 0 && errno != EEXIST)
			return -1;
	}
	return o->fd < 0 ? -1 : 0;
}

int outfile_commit(struct outfile *o)
{
	char proc[64], tmp[64];
	int r = -1;

	if (o->fd == 1)
		return 0;
	if (fsync(o->fd) < 0 && errno != EINVAL)
		goto out;
	if (o->tmp_name) {
		r = renameat(o->dirfd, o->tmp_name, o->dirfd, o->base);
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	for (int i = 0; i < 100; i++) {
		snprintf(tmp, sizeof(tmp), ".stargzify.%d.%d", getpid(), i);
		if (linkat(AT_FDCWD, proc, o->dirfd, tmp, AT_SYMLINK_FOLLOW) ==
		    0) {
			r = renameat(o->dirfd, tmp, o->dirfd, o->base);
			if (r < 0)
				unlinkat(o->dirfd, tmp, 0);
			break;
		}
		if (errno != EEXIST)
			break;
	}
out:
	if (r == 0) {
		free(o->tmp_name);
		o->tmp_name = NULL;
	}
	outfile_abort(o);
	return r;
}

void outfile_abort(struct outfile *o)
{
	int saved = errno;

	if (o->fd > 2)
		close_quietly(o->fd);
	if (o->tmp_name)
		unlinkat(o->dirfd, o->tmp_name, 0);
	if (o->dirfd >= 0)
		close_quietly(o->dirfd);
	free(o->tmp_name);
	o->tmp_name = NULL;
	o->fd = o->dirfd = -1;
	errno = saved;
}
