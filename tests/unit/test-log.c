// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "tap.h"

/* Run fn in a child with stderr on a pipe; return its exit status and what
 * it printed. */
static int capture(void (*fn)(void), char *out, size_t len)
{
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		fn();
		_exit(0);
	}
	close(fds[1]);
	n = read_all(fds[0], out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void do_die_errno(void)
{
	log_init("tool");
	log_set_die_status(125);
	errno = ENOENT;
	die_errno("open `%s`", "x");
}

static void do_warn_debug(void)
{
	log_init("tool");
	warn("plain %d", 1);
	debug("hidden");
	log_set_verbose(true);
	debug("shown");
	errno = EACCES;
	warn_errno("with errno");
	exit(errno == EACCES ? 0 : 9);
}

static void do_die_status(void)
{
	log_init("tool");
	die_status(2, "usage");
}

int main(void)
{
	char out[512];

	is_int(capture(do_die_errno, out, sizeof(out)), 125,
	       "die_errno exits with the tool's die status");
	is_str(out, "tool: open `x`: No such file or directory\n",
	       "and names the tool, the object and the error");
	is_int(capture(do_warn_debug, out, sizeof(out)), 0,
	       "warn_errno keeps errno");
	is_str(out,
	       "tool: plain 1\ntool: shown\ntool: with errno: Permission "
	       "denied\n",
	       "debug prints only when verbose");
	is_int(capture(do_die_status, out, sizeof(out)), 2,
	       "die_status exits with its status");
	return done_testing();
}
