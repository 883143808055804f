// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgfs.h"
#include "cleanup.h"
#include "delegate.h"
#include "explain.h"
#include "log.h"

/* What the kernel lets a delegatee write, when it does not say itself. */
static const char default_delegate_files[] =
	"cgroup.procs\ncgroup.threads\ncgroup.subtree_control";

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

void cg_action(const struct cg_ctx *ctx, const char *verb, const char *cgroup,
	       const char *file, const char *value)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s%s%s%s", ctx->root,
		 *cgroup ? "/" : "", cgroup, file ? "/" : "", file ? file : "");
	if (ctx->json) {
		printf("{\"action\":\"%s\",\"path\":", verb);
		json_string(path);
		if (value) {
			printf(",\"value\":");
			json_string(value);
		}
		printf(",\"done\":%s}\n", ctx->dry_run ? "false" : "true");
	} else if (ctx->dry_run || ctx->verbose) {
		printf("%s %s%s%s\n", verb, path, value ? " " : "",
		       value ? value : "");
	}
}

static void explain_failure(const char *cgroup, int fd, const char *file,
			    const char *value, int err)
{
	fprintf(stderr, "%s: ", log_prog());
	explain_write_error(stderr, *cgroup ? cgroup : "/", fd, file, value,
			    err);
}

/* Write value to file of cgroup (open as fd), or explain the refusal. */
static int write_or_explain(const struct cg_ctx *ctx, const char *cgroup,
			    int fd, const char *file, const char *value)
{
	if (!ctx->dry_run && cgfs_write(fd, file, value) < 0) {
		explain_failure(cgroup, fd, file, value, errno);
		return 1;
	}
	cg_action(ctx, "write", cgroup, file, value);
	return 0;
}

/* "cpu memory" from "cpu,memory": the controllers to enable, each checked
 * against what the root offers. */
static int wanted_controllers(const struct cg_ctx *ctx, const char *requested,
			      char *out, size_t len)
{
	char available[512], list[512], *tok, *save = NULL;
	size_t used = 0;

	if (cgfs_read(ctx->rootfd, "cgroup.controllers", available,
		      sizeof(available)) < 0) {
		warn_errno("read %s/cgroup.controllers", ctx->root);
		return 1;
	}
	snprintf(list, sizeof(list), "%s", requested ? requested : available);
	out[0] = '\0';
	for (tok = strtok_r(list, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		char padded[520], name[80];

		snprintf(padded, sizeof(padded), " %s ", available);
		snprintf(name, sizeof(name), " %s ", tok);
		if (!strstr(padded, name)) {
			fprintf(stderr,
				"%s: cannot delegate `%s`: ", log_prog(), tok);
			explain_missing_controller(stderr, tok);
			return 1;
		}
		used += (size_t)snprintf(out + used, len - used, "%s+%s",
					 used ? " " : "", tok);
		if (used >= len)
			die("too many controllers");
	}
	return 0;
}

/* Enable the controllers in every cgroup from the root down to cgroup
 * itself, so that cgroup's children get them. */
static int enable_top_down(const struct cg_ctx *ctx, const char *cgroup,
			   const char *plus)
{
	char prefix[4096];
	size_t i = 0, len = strlen(cgroup);

	for (;;) {
		_cleanup_close_ int fd = -1;

		snprintf(prefix, sizeof(prefix), "%.*s", (int)i, cgroup);
		fd = cgfs_open(ctx->rootfd, prefix, 0);
		if (fd < 0 && !ctx->dry_run)
			die_errno("open %s/%s", ctx->root, prefix);
		if (write_or_explain(ctx, prefix, fd, "cgroup.subtree_control",
				     plus))
			return 1;
		if (i >= len)
			return 0;
		i += strcspn(cgroup + i + 1, "/") + 1;
	}
}

/* Move every process of cgroup into its leaf. */
static int move_into_leaf(const struct cg_ctx *ctx, int cgfd,
			  const char *leafpath, int leaffd)
{
	char procs[65536], *pid, *save = NULL;

	if (cgfd < 0 ||
	    cgfs_read(cgfd, "cgroup.procs", procs, sizeof(procs)) < 0)
		return 0;
	for (pid = strtok_r(procs, "\n", &save); pid;
	     pid = strtok_r(NULL, "\n", &save)) {
		if (!ctx->dry_run &&
		    cgfs_write(leaffd, "cgroup.procs", pid) < 0) {
			/* Exited meanwhile: nothing to move. */
			if (errno == ESRCH)
				continue;
			explain_failure(leafpath, leaffd, "cgroup.procs", pid,
					errno);
			return 1;
		}
		cg_action(ctx, "write", leafpath, "cgroup.procs", pid);
	}
	return 0;
}

/* The directory and exactly the delegation files the kernel lists. */
static int chown_delegated(const struct cg_ctx *ctx, const char *cgroup, int fd,
			   uid_t uid, gid_t gid)
{
	char files[1024], owner[32], *name, *save = NULL;

	if (cgfs_read(AT_FDCWD, "/sys/kernel/cgroup/delegate", files,
		      sizeof(files)) < 0)
		snprintf(files, sizeof(files), "%s", default_delegate_files);
	snprintf(owner, sizeof(owner), "%u:%u", (unsigned int)uid,
		 (unsigned int)gid);
	if (!ctx->dry_run && fchown(fd, uid, gid) < 0) {
		warn_errno("chown %s/%s", ctx->root, cgroup);
		return 1;
	}
	cg_action(ctx, "chown", cgroup, NULL, owner);
	for (name = strtok_r(files, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		if (fd >= 0 && !cgfs_exists(fd, name))
			continue;
		if (!ctx->dry_run &&
		    fchownat(fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
			warn_errno("chown %s/%s/%s", ctx->root, cgroup, name);
			return 1;
		}
		cg_action(ctx, "chown", cgroup, name, owner);
	}
	return 0;
}

int delegate_subtree(const struct cg_ctx *ctx, const struct delegation *d)
{
	_cleanup_close_ int cgfd = -1, leaffd = -1;
	char plus[512], leafpath[4096], pid[16];
	const char *target = d->cgroup;

	if (wanted_controllers(ctx, d->controllers, plus, sizeof(plus)))
		return 1;
	cgfd = cgfs_open(ctx->rootfd, d->cgroup, !ctx->dry_run);
	if (cgfd < 0 && !(ctx->dry_run && errno == ENOENT))
		die_errno("open %s/%s", ctx->root, d->cgroup);
	if (cgfd < 0 || ctx->verbose)
		cg_action(ctx, "mkdir", d->cgroup, NULL, NULL);
	if (d->leaf) {
		snprintf(leafpath, sizeof(leafpath), "%s/%s", d->cgroup,
			 d->leaf);
		leaffd = cgfs_open(ctx->rootfd, leafpath, !ctx->dry_run);
		if (leaffd < 0 && !ctx->dry_run)
			die_errno("create %s/%s", ctx->root, leafpath);
		cg_action(ctx, "mkdir", leafpath, NULL, NULL);
		if (move_into_leaf(ctx, cgfd, leafpath, leaffd))
			return 1;
		target = leafpath;
	}
	if (plus[0] && enable_top_down(ctx, d->cgroup, plus))
		return 1;
	if (chown_delegated(ctx, d->cgroup, cgfd, d->uid, d->gid))
		return 1;
	if (d->leaf && chown_delegated(ctx, leafpath, leaffd, d->uid, d->gid))
		return 1;
	if (d->pid) {
		snprintf(pid, sizeof(pid), "%d", (int)d->pid);
		if (write_or_explain(ctx, target, d->leaf ? leaffd : cgfd,
				     "cgroup.procs", pid))
			return 1;
	}
	return 0;
}
