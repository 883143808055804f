/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who writes the maps of the new user namespace, and how.
 *
 * A map with more than the caller's own id must be written from the parent
 * user namespace, so the writers are forked before unshare() and wait on a
 * pipe; once the caller has unshared, both are released at once and write
 * uid_map and gid_map in parallel: newuidmap/newgidmap for a normal user,
 * /proc/PID/{uid,gid}_map directly for real root. */
#ifndef BECOME_ROOT_MAPWRITER_H
#define BECOME_ROOT_MAPWRITER_H

#include <limits.h>
#include <sys/types.h>

#include "idmap.h"
#include "syncpipe.h"

enum map_method {
	MAP_SELF,   /* single mapping, written by the caller itself */
	MAP_HELPER, /* newuidmap / newgidmap */
	MAP_DIRECT, /* real root writes /proc/PID/{uid,gid}_map */
};

struct map_plan {
	enum map_method method;
	struct idmap uid;
	struct idmap gid;
	char uid_helper[PATH_MAX];
	char gid_helper[PATH_MAX];
};

struct map_writers {
	pid_t uid_pid;
	pid_t gid_pid;
	struct sync_pipe go;
};

/* Find a helper: $ENV when set (a path, or a name searched in PATH), else
 * name in PATH and then the usual system directories. Returns 0 or -1. */
int mapwriter_find_helper(const char *env, const char *name, char *out,
			  size_t len);

/* Before unshare: fork the writers, which will target pid. */
int mapwriter_start(struct map_writers *w, const struct map_plan *plan,
		    pid_t target);
/* After unshare: release the writers and wait for both. Returns 0 when
 * both maps were written; otherwise -1 (their messages are on stderr). */
int mapwriter_finish(struct map_writers *w, const struct map_plan *plan);
/* unshare() failed: let the writers exit without writing. */
void mapwriter_abort(struct map_writers *w);

/* MAP_SELF: deny setgroups, then write our own single-id maps. */
int mapwriter_write_self(const struct map_plan *plan);

#endif
