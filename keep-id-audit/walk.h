/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A parallel directory walk that stats only regular files. Directories are
 * opened relative to their parent's fd (no path length limit, no recursion),
 * read with getdents64 into a large buffer, and shared between threads
 * through one LIFO stack, which keeps the walk depth-first and its memory
 * small. */
#ifndef KEEP_ID_AUDIT_WALK_H
#define KEEP_ID_AUDIT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

struct walk_dir;

/* Called, from any walker thread, for each regular file that is setuid,
 * setgid, or executable (a capability can only matter then). dirfd is the
 * open directory holding name. */
typedef void walk_file_fn(const struct walk_dir *dir, int dirfd,
			  const char *name, const struct statx *stx, void *ctx);

struct walk_options {
	bool cross_mounts;
	unsigned int threads;
	const dev_t *exclude_dev; /* (dev, inode) pairs not to enter */
	const ino_t *exclude_ino;
	size_t n_exclude;
};

struct walk_stats {
	unsigned long long dirs;
	unsigned long long files;
	unsigned long long errors;
};

/* Walk root. Returns 0 when the root could be opened (errors below it are
 * reported with warn() and counted), or -1 with errno. */
int walk_tree(const char *root, const struct walk_options *opts,
	      walk_file_fn *fn, void *ctx, struct walk_stats *stats);

/* The path of name in dir, as the walk reached it. */
void walk_path(const struct walk_dir *dir, const char *name, char **out);

#endif
