// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "supervise.h"
#include "syncpipe.h"

static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

int supervise_exit_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

static _Noreturn void forward_until_exit(pid_t child, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			die_errno("sigwaitinfo");
		}
		if (sig != SIGCHLD) {
			/* The child may have just exited: ESRCH is fine. */
			kill(child, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t r = waitpid(-1, &status, WNOHANG);

			if (r <= 0)
				break;
			if (r == child)
				exit(supervise_exit_status(status));
		}
	}
}

void supervise_fork(supervise_announce_fn *announce, void *ctx)
{
	struct sync_pipe go = SYNC_PIPE_INIT;
	sigset_t set, old;
	pid_t child;
	size_t i;
	char byte;

	/* Blocked before fork, so that no signal falls between fork and the
	 * wait loop; the child restores the caller's mask. */
	sigemptyset(&set);
	for (i = 0; i < sizeof(forwarded_signals) / sizeof(int); i++)
		sigaddset(&set, forwarded_signals[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		die_errno("sigprocmask");
	if (sync_pipe_open(&go) < 0)
		die_errno("pipe");
	child = fork();
	if (child < 0)
		die_errno("fork");
	if (child == 0) {
		sync_pipe_close_wr(&go);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die_errno("prctl(PR_SET_PDEATHSIG)");
		/* The parent may have died before PDEATHSIG was set, and
		 * getppid() is 0 in a new PID namespace either way: EOF on
		 * the pipe is the reliable sign. */
		if (sync_pipe_wait(&go, &byte) < 0)
			_exit(125);
		sync_pipe_close(&go);
		if (sigprocmask(SIG_SETMASK, &old, NULL) < 0)
			die_errno("sigprocmask");
		return;
	}
	sync_pipe_close_rd(&go);
	announce(child, ctx);
	if (sync_pipe_signal(&go, 'G') < 0)
		die_errno("release the child");
	sync_pipe_close(&go);
	forward_until_exit(child, &set);
}
