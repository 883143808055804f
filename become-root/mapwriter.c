// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "log.h"
#include "mapwriter.h"

/* Where helpers live when PATH does not say (a login shell's PATH may lack
 * the sbin directories some distributions use). */
static const char *const helper_dirs = "/usr/bin:/bin:/usr/sbin:/sbin";

static int search_dirs(const char *dirs, const char *name, char *out,
		       size_t len)
{
	const char *p = dirs;

	while (*p) {
		size_t n = strcspn(p, ":");
		int w;

		/* An empty PATH element means the current directory: never
		 * look for a setuid helper there. */
		if (n > 0) {
			w = snprintf(out, len, "%.*s/%s", (int)n, p, name);
			if (w > 0 && (size_t)w < len && access(out, X_OK) == 0)
				return 0;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	errno = ENOENT;
	return -1;
}

int mapwriter_find_helper(const char *env, const char *name, char *out,
			  size_t len)
{
	const char *chosen = getenv(env), *path = getenv("PATH");

	if (chosen && *chosen) {
		if (strchr(chosen, '/')) {
			if (snprintf(out, len, "%s", chosen) >= (int)len) {
				errno = ENAMETOOLONG;
				return -1;
			}
			return access(out, X_OK);
		}
		name = chosen;
	}
	if (path && search_dirs(path, name, out, len) == 0)
		return 0;
	return search_dirs(helper_dirs, name, out, len);
}

/* argv for newuidmap: PID then INSIDE OUTSIDE COUNT per extent. */
static char **helper_argv(const char *helper, pid_t target,
			  const struct idmap *m)
{
	/* 10 digits and a NUL per number. */
	size_t nargs = 2 + 3 * m->n + 1, i;
	char **argv = calloc(nargs, sizeof(char *) + 11);
	char *text;

	if (!argv)
		return NULL;
	text = (char *)(argv + nargs);
	argv[0] = (char *)helper;
	argv[1] = text;
	text += sprintf(text, "%d", (int)target) + 1;
	for (i = 0; i < m->n; i++) {
		uint32_t v[3] = { m->ext[i].inside, m->ext[i].outside,
				  m->ext[i].count };
		size_t k;

		for (k = 0; k < 3; k++) {
			argv[2 + 3 * i + k] = text;
			text += sprintf(text, "%u", v[k]) + 1;
		}
	}
	argv[nargs - 1] = NULL;
	return argv;
}

static int write_proc_map(pid_t target, const char *file, const struct idmap *m)
{
	char path[64], text[IDMAP_MAX_TEXT + 1];
	_cleanup_close_ int fd = -1;
	int len = idmap_format(m, text, sizeof(text));

	if (len < 0) {
		errno = E2BIG;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)target, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The kernel takes a map in one write() only. */
	if (write(fd, text, (size_t)len) != len)
		return -1;
	return 0;
}

/* In the forked writer: wait to be released, then write one map. Exits
 * quietly when released by EOF: the caller's unshare() failed. */
static _Noreturn void writer_main(struct sync_pipe *go, char **argv,
				  pid_t target, const char *file,
				  const struct idmap *m)
{
	char byte;

	sync_pipe_close_wr(go);
	if (sync_pipe_wait(go, &byte) < 0)
		_exit(125);
	if (argv) {
		execv(argv[0], argv);
		warn_errno("execute `%s`", argv[0]);
		_exit(127);
	}
	if (write_proc_map(target, file, m) < 0) {
		warn_errno("write /proc/%d/%s", (int)target, file);
		_exit(125);
	}
	_exit(0);
}

static pid_t spawn_writer(struct sync_pipe *go, const struct map_plan *plan,
			  const char *helper, const char *file,
			  const struct idmap *m, pid_t target)
{
	_cleanup_free_ char **argv = NULL;
	pid_t pid;

	if (plan->method == MAP_HELPER) {
		argv = helper_argv(helper, target, m);
		if (!argv)
			return -1;
	}
	pid = fork();
	if (pid == 0)
		writer_main(go, argv, target, file, m);
	return pid;
}

int mapwriter_start(struct map_writers *w, const struct map_plan *plan,
		    pid_t target)
{
	w->uid_pid = w->gid_pid = -1;
	if (sync_pipe_open(&w->go) < 0)
		return -1;
	w->uid_pid = spawn_writer(&w->go, plan, plan->uid_helper, "uid_map",
				  &plan->uid, target);
	if (w->uid_pid < 0)
		goto fail;
	w->gid_pid = spawn_writer(&w->go, plan, plan->gid_helper, "gid_map",
				  &plan->gid, target);
	if (w->gid_pid < 0)
		goto fail;
	sync_pipe_close_rd(&w->go);
	return 0;
fail:
	mapwriter_abort(w);
	return -1;
}

static int reap_writer(pid_t pid, const char *what)
{
	int status;

	if (pid < 0)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		warn("%s was killed by signal %d", what, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 125)
		warn("%s failed with exit status %d", what,
		     WEXITSTATUS(status));
	errno = EPERM;
	return -1;
}

int mapwriter_finish(struct map_writers *w, const struct map_plan *plan)
{
	const char *uwhat = plan->method == MAP_HELPER ? plan->uid_helper
						       : "writing uid_map";
	const char *gwhat = plan->method == MAP_HELPER ? plan->gid_helper
						       : "writing gid_map";
	int ret = 0;

	/* One byte per writer: both start now and run side by side. */
	if (write_all(w->go.wr, "GG", 2) < 0)
		ret = -1;
	sync_pipe_close(&w->go);
	if (reap_writer(w->uid_pid, uwhat) < 0)
		ret = -1;
	if (reap_writer(w->gid_pid, gwhat) < 0)
		ret = -1;
	return ret;
}

void mapwriter_abort(struct map_writers *w)
{
	sync_pipe_close(&w->go);
	if (w->uid_pid > 0)
		waitpid(w->uid_pid, NULL, 0);
	if (w->gid_pid > 0)
		waitpid(w->gid_pid, NULL, 0);
	w->uid_pid = w->gid_pid = -1;
}

static int write_self_file(const char *file, const char *text)
{
	if (write_text_file(file, text) < 0) {
		warn_errno("write `%s`", file);
		return -1;
	}
	return 0;
}

int mapwriter_write_self(const struct map_plan *plan)
{
	char text[64];

	/* An unprivileged process may map its own gid only after giving up
	 * setgroups(): otherwise it could drop a group that denies it access
	 * (CVE-2014-8989). */
	if (write_self_file("/proc/self/setgroups", "deny") < 0)
		return -1;
	if (idmap_format(&plan->uid, text, sizeof(text)) < 0 ||
	    write_self_file("/proc/self/uid_map", text) < 0)
		return -1;
	if (idmap_format(&plan->gid, text, sizeof(text)) < 0 ||
	    write_self_file("/proc/self/gid_map", text) < 0)
		return -1;
	return 0;
}
