// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fd.h"
#include "log.h"
#include "run.h"

int run_mount_proc(void)
{
	/* The old /proc stays mounted beneath (it is locked in a user
	 * namespace); the new one shows only the new PID namespace. */
	return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL);
}

/* Is there a file called name in a PATH directory? execvp() fails with
 * EACCES when some PATH directory cannot be searched even if the command
 * exists nowhere; shells call that "not found", and so do we. */
static bool exists_in_path(const char *name)
{
	const char *path = getenv("PATH"), *p;
	char candidate[PATH_MAX];
	struct stat st;

	if (strchr(name, '/'))
		return stat(name, &st) == 0;
	/* glibc's default search path when PATH is unset. */
	for (p = path ? path : "/bin:/usr/bin"; *p;) {
		size_t n = strcspn(p, ":");
		int w = snprintf(candidate, sizeof(candidate), "%.*s%s%s",
				 (int)n, p, n ? "/" : "", name);

		if (w > 0 && (size_t)w < sizeof(candidate) &&
		    stat(candidate, &st) == 0 && !S_ISDIR(st.st_mode))
			return true;
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

void run_command(char *const argv[], unsigned int preserve_fds)
{
	unsigned int i;

	for (i = 0; i < preserve_fds; i++)
		if (fd_set_cloexec(3 + (int)i, false) < 0)
			die_status(125, "--preserve-fds: fd %u is not open",
				   3 + i);
	execvp(argv[0], argv);
	if (errno == ENOENT || (errno == EACCES && !exists_in_path(argv[0])))
		die_status(127, "`%s`: command not found", argv[0]);
	warn_errno("execute `%s`", argv[0]);
	exit(126);
}
