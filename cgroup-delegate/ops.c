// SPDX-License-Identifier: GPL-2.0-or-later
/* `set` and `remove`: the operations on an existing cgroup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgfs.h"
#include "cleanup.h"
#include "delegate.h"
#include "explain.h"
#include "log.h"
#include "settings.h"

/* A delegated user may nest deeply; the kernel's own limit is settable, so
 * we keep one of ours instead of recursing without bound. */
#define REMOVE_MAX_DEPTH 256

int settings_apply(const struct cg_ctx *ctx, const char *cgroup,
		   char *const *assign, size_t n)
{
	_cleanup_close_ int fd = cgfs_open(ctx->rootfd, cgroup, 0);
	struct cg_plan plan;
	char why[256];
	size_t i;

	if (fd < 0)
		die_errno("open %s/%s", ctx->root, cgroup);
	if (settings_plan(assign, n, cgfs_exists(fd, "io.bfq.weight"), &plan,
			  why, sizeof(why)) < 0) {
		warn("%s", why);
		return 2;
	}
	/* All files first: a setting the cgroup lacks must not leave the
	 * others half applied. */
	for (i = 0; i < plan.n; i++) {
		if (cgfs_exists(fd, plan.w[i].file))
			continue;
		fprintf(stderr, "%s: ", log_prog());
		explain_write_error(stderr, cgroup, fd, plan.w[i].file,
				    plan.w[i].value, ENOENT);
		if (!ctx->dry_run)
			return 1;
	}
	for (i = 0; i < plan.n; i++) {
		if (!ctx->dry_run &&
		    cgfs_write(fd, plan.w[i].file, plan.w[i].value) < 0) {
			int err = errno;

			fprintf(stderr, "%s: ", log_prog());
			explain_write_error(stderr, cgroup, fd, plan.w[i].file,
					    plan.w[i].value, err);
			return 1;
		}
		cg_action(ctx, "write", cgroup, plan.w[i].file,
			  plan.w[i].value);
	}
	return 0;
}

/* Wait until nothing is left in the cgroup (after cgroup.kill). */
static int wait_unpopulated(int fd)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	char events[256];
	int i;

	for (i = 0; i < 500; i++) {
		if (cgfs_read(fd, "cgroup.events", events, sizeof(events)) < 0)
			return -1;
		if (strstr(events, "populated 0"))
			return 0;
		nanosleep(&tick, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

/* Remove every child cgroup of fd, leaves first. */
static int remove_children(const struct cg_ctx *ctx, int fd, const char *path,
			   int depth)
{
	int dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	DIR *dir = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	struct dirent *de;
	int ret = 0;

	if (!dir) {
		warn_errno("read %s/%s", ctx->root, path);
		return 1;
	}
	if (depth > REMOVE_MAX_DEPTH) {
		warn("%s/%s: nested deeper than %d", ctx->root, path,
		     REMOVE_MAX_DEPTH);
		closedir(dir);
		return 1;
	}
	while (!ret && (de = readdir(dir))) {
		_cleanup_close_ int child = -1;
		char childpath[4096];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(childpath, sizeof(childpath), "%s/%s", path,
			 de->d_name);
		child = openat(fd, de->d_name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0)
			continue;
		ret = remove_children(ctx, child, childpath, depth + 1);
		if (!ret && !ctx->dry_run &&
		    unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0) {
			warn_errno("remove %s/%s", ctx->root, childpath);
			ret = 1;
		}
		if (!ret)
			cg_action(ctx, "rmdir", childpath, NULL, NULL);
	}
	closedir(dir);
	return ret;
}

int remove_subtree(const struct cg_ctx *ctx, const char *cgroup, bool kill)
{
	_cleanup_close_ int fd = -1, parent = -1;
	const char *slash = strrchr(cgroup, '/');
	char parentpath[4096];

	if (!*cgroup) {
		warn("refusing to remove the root cgroup");
		return 2;
	}
	snprintf(parentpath, sizeof(parentpath), "%.*s",
		 slash ? (int)(slash - cgroup) : 0, cgroup);
	fd = cgfs_open(ctx->rootfd, cgroup, 0);
	parent = cgfs_open(ctx->rootfd, parentpath, 0);
	if (fd < 0 || parent < 0)
		die_errno("open %s/%s", ctx->root, cgroup);
	if (kill) {
		if (!ctx->dry_run && (cgfs_write(fd, "cgroup.kill", "1") < 0 ||
				      wait_unpopulated(fd) < 0)) {
			warn_errno("kill the processes of %s/%s%s", ctx->root,
				   cgroup,
				   errno == ENOENT ? " (cgroup.kill needs "
						     "Linux 5.14)"
						   : "");
			return 1;
		}
		cg_action(ctx, "write", cgroup, "cgroup.kill", "1");
	}
	if (remove_children(ctx, fd, cgroup, 0))
		return 1;
	if (!ctx->dry_run &&
	    unlinkat(parent, slash ? slash + 1 : cgroup, AT_REMOVEDIR) < 0) {
		warn_errno("remove %s/%s", ctx->root, cgroup);
		if (errno == EBUSY)
			warn("it still has processes: --kill ends them first");
		return 1;
	}
	cg_action(ctx, "rmdir", cgroup, NULL, NULL);
	return 0;
}
