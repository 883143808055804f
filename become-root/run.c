// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
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

void run_command(char *const argv[], unsigned int preserve_fds)
{
	unsigned int i;

	for (i = 0; i < preserve_fds; i++)
		if (fd_set_cloexec(3 + (int)i, false) < 0)
			die_status(125, "--preserve-fds: fd %u is not open",
				   3 + i);
	execvp(argv[0], argv);
	if (errno == ENOENT)
		die_status(127, "`%s`: command not found", argv[0]);
	warn_errno("execute `%s`", argv[0]);
	exit(126);
}
