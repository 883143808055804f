/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operations: delegate a subtree, write settings, remove a subtree.
 * Every change is reported (or, with --dry-run, only reported) as one
 * action: "VERB PATH [VALUE]", or a JSON object per line with --json. */
#ifndef CGROUP_DELEGATE_DELEGATE_H
#define CGROUP_DELEGATE_DELEGATE_H

#include <stdbool.h>
#include <sys/types.h>

struct cg_ctx {
	int rootfd;
	const char *root; /* the mount point, for messages */
	bool dry_run;
	bool json;
	bool verbose;
};

struct delegation {
	const char *cgroup;
	uid_t uid;
	gid_t gid;
	const char *controllers; /* "cpu,memory", or NULL for all */
	const char *leaf;	 /* NULL: none */
	pid_t pid;		 /* 0: none */
};

/* Each returns 0, or 1 after printing why the kernel refused. */
int delegate_subtree(const struct cg_ctx *ctx, const struct delegation *d);
int settings_apply(const struct cg_ctx *ctx, const char *cgroup,
		   char *const *assign, size_t n);
int remove_subtree(const struct cg_ctx *ctx, const char *cgroup, bool kill);

/* Report one action. */
void cg_action(const struct cg_ctx *ctx, const char *verb, const char *cgroup,
	       const char *file, const char *value);

#endif
