// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd.h"
#include "helper.h"
#include "io.h"
#include "log.h"
#include "net.h"

int net_start(struct net *n, pid_t pid)
{
	int ready[2], exitp[2];
	char bin[PATH_MAX], pidarg[16], readyarg[32], exitarg[32];
	char byte = 0;
	ssize_t got;

	n->pid = -1;
	n->exit_wr = -1;
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(exitp, O_CLOEXEC) < 0) {
		warn_errno("pipe");
		return -1;
	}
	helper_path("slirp4netns", bin, sizeof(bin));
	snprintf(pidarg, sizeof(pidarg), "%d", (int)pid);
	n->pid = fork();
	if (n->pid < 0) {
		warn_errno("fork");
		return -1;
	}
	if (n->pid == 0) {
		/* Only the pipe ends it needs, at fixed numbers. */
		if (dup2(ready[1], 3) < 0 || dup2(exitp[0], 4) < 0)
			_exit(127);
		snprintf(readyarg, sizeof(readyarg), "--ready-fd=3");
		snprintf(exitarg, sizeof(exitarg), "--exit-fd=4");
		fd_close_from(5);
		/* Its banner and progress lines would mix with the command's
		 * output (its errors are kept with -v; without, a failure
		 * is reported by us). */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			if (!log_verbose())
				dup2(null, STDERR_FILENO);
		}
		execlp(bin, bin, "--configure", "--mtu=65520", readyarg,
		       exitarg, "--enable-seccomp", pidarg, "tap0",
		       (char *)NULL);
		warn_errno("cannot run `%s' (--net needs slirp4netns)", bin);
		_exit(127);
	}
	close_quietly(ready[1]);
	close_quietly(exitp[0]);
	n->exit_wr = exitp[1];
	do
		got = read(ready[0], &byte, 1);
	while (got < 0 && errno == EINTR);
	close_quietly(ready[0]);
	if (got != 1 || byte != '1') {
		warn("slirp4netns did not bring the session's network up");
		net_stop(n);
		return -1;
	}
	return 0;
}

void net_stop(struct net *n)
{
	int status;

	if (n->exit_wr >= 0)
		close_quietly(n->exit_wr);
	n->exit_wr = -1;
	if (n->pid > 0)
		while (waitpid(n->pid, &status, 0) < 0 && errno == EINTR)
			;
	n->pid = -1;
}
