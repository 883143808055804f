// SPDX-License-Identifier: GPL-2.0-or-later
/* become-root's small pieces that need no namespace: helper lookup, the
 * pid file, exit statuses, error explanations. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mapwriter.h"
#include "pidfile.h"
#include "supervise.h"
#include "tap.h"
#include "userns.h"

static void make_exe(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	close(fd);
}

static void test_find_helper(const char *dir)
{
	char out[PATH_MAX], exe[PATH_MAX], path[PATH_MAX * 2];

	snprintf(exe, sizeof(exe), "%s/mymap", dir);
	make_exe(exe);
	setenv("TEST_HELPER", exe, 1);
	ok(mapwriter_find_helper("TEST_HELPER", "newuidmap", out,
				 sizeof(out)) == 0 &&
		   strcmp(out, exe) == 0,
	   "the environment names the helper by path");
	setenv("TEST_HELPER", "/nonexistent/helper", 1);
	ok(mapwriter_find_helper("TEST_HELPER", "newuidmap", out,
				 sizeof(out)) == -1,
	   "a named helper that is missing is an error, not a fallback");
	snprintf(path, sizeof(path), "::%s", dir);
	setenv("PATH", path, 1);
	setenv("TEST_HELPER", "mymap", 1);
	ok(mapwriter_find_helper("TEST_HELPER", "newuidmap", out,
				 sizeof(out)) == 0 &&
		   strcmp(out, exe) == 0,
	   "a name is searched in PATH");
	unsetenv("TEST_HELPER");
	ok(mapwriter_find_helper("TEST_HELPER", "mymap", out, sizeof(out)) ==
			   0 &&
		   strcmp(out, exe) == 0,
	   "unset: the default name in PATH");
	if (chdir(dir) == 0) {
		setenv("PATH", ":", 1);
		ok(mapwriter_find_helper("TEST_HELPER", "mymap", out,
					 sizeof(out)) == -1,
		   "empty PATH elements never mean the current directory");
	}
	unlink(exe);
}

static void test_pidfile(const char *dir)
{
	struct pidfile p = PIDFILE_INIT;
	char path[PATH_MAX], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/x.pid", dir);
	ok(pidfile_prepare(&p, path) == 0 && pidfile_write(&p, 4242) == 0,
	   "write a pid file");
	fd = open(path, O_RDONLY);
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	is_str(buf, "4242\n", "it holds the pid and a newline");
	pidfile_close(&p);
	unlink(path);
	ok(pidfile_prepare(&p, "/nonexistent/dir/x.pid") == -1 &&
		   errno == ENOENT,
	   "a missing directory fails before anything runs");
	snprintf(path, sizeof(path), "%s/", dir);
	ok(pidfile_prepare(&p, path) == -1 && errno == EISDIR,
	   "a path naming a directory is refused");
}

static void test_exit_status(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(42);
	waitpid(pid, &status, 0);
	is_int(supervise_exit_status(status), 42, "exit code passed on");
	pid = fork();
	if (pid == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	is_int(supervise_exit_status(status), 128 + SIGKILL,
	       "killed by signal N is 128+N");
}

static void test_explain(void)
{
	char why[256];

	userns_explain(EINVAL, CLONE_NEWTIME, why, sizeof(why));
	ok(strstr(why, "does not support") != NULL, "EINVAL explained");
	userns_explain(ENOMEM, 0, why, sizeof(why));
	is_str(why, "Cannot allocate memory", "others: strerror");
}

int main(void)
{
	char dir[] = "/tmp/test-become-root.XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	test_find_helper(dir);
	test_pidfile(dir);
	test_exit_status();
	test_explain();
	rmdir(dir);
	return done_testing();
}
