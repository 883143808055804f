/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --pid-file: the directory is opened before the namespaces exist (so a
 * bad path fails early), the file is written at once by rename (so a reader
 * polling it never sees it half written). */
#ifndef BECOME_ROOT_PIDFILE_H
#define BECOME_ROOT_PIDFILE_H

#include <sys/types.h>

struct pidfile {
	int dirfd;
	const char *name;
};

#define PIDFILE_INIT                                                           \
	{                                                                      \
		.dirfd = -1, .name = NULL                                      \
	}

int pidfile_prepare(struct pidfile *p, const char *path);
int pidfile_write(struct pidfile *p, pid_t pid);
void pidfile_close(struct pidfile *p);

#endif
