// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "layout.h"

const char *const plan_passthrough[] = { "/proc", "/sys", "/dev", "/run",
					 NULL };

static void add(struct plan *p, enum unit_kind kind, const char *path,
		const char *source, mode_t mode)
{
	struct unit *u;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct unit *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			die("out of memory");
		p->v = v;
		p->cap = cap;
	}
	u = &p->v[p->n++];
	u->kind = kind;
	u->path = strdup(path);
	u->source = source ? strdup(source) : NULL;
	u->mode = mode;
	u->writable = false;
	if (!u->path || (source && !u->source))
		die("out of memory");
}

bool is_below(const char *path, const char *dir, bool or_equal)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return or_equal || strcmp(path, "/") != 0;
	if (strncmp(path, dir, n) != 0)
		return false;
	return path[n] == '/' || (or_equal && path[n] == '\0');
}

bool mounts_below(const char *const *points, size_t n, const char *dir)
{
	for (size_t i = 0; i < n; i++)
		if (is_below(points[i], dir, false))
			return true;
	return false;
}

static bool is_passthrough(const char *path)
{
	for (size_t i = 0; plan_passthrough[i]; i++)
		if (strcmp(path, plan_passthrough[i]) == 0)
			return true;
	return false;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct walk {
	struct plan *p;
	const char **points;
	size_t npoints;
	const char *const *anchors;
	uid_t uid;
	bool overlay_all;
};

/* Copy-up makes an upper directory for every directory between the
 * overlay's root and the file written, owned as in the lower; in a user
 * namespace an owner that is not mapped (root, other users) cannot be
 * given, and the write fails with EOVERFLOW. So a directory the caller
 * writes in (an anchor: its home, its working directory, /var/tmp) must
 * have only the caller's directories between it and its overlay's root,
 * or be that root itself. */
static bool anchor_needs_split(const struct walk *w, const char *root)
{
	for (size_t i = 0; w->anchors[i]; i++) {
		char path[PATH_MAX];
		size_t rootlen = strlen(root);

		if (!is_below(w->anchors[i], root, false))
			continue;
		snprintf(path, sizeof(path), "%s", w->anchors[i]);
		while (strlen(path) > rootlen) {
			struct stat st;
			char *slash;

			if (lstat(path, &st) == 0 && st.st_uid != w->uid)
				return true;
			slash = strrchr(path, '/');
			if (!slash || slash == path)
				break;
			*slash = '\0';
		}
	}
	return false;
}

static int visit(struct walk *w, const char *path, mode_t mode);

/* A skeleton directory: each entry planned on its own, in name order so
 * that the plan (and the unit keys of a kept session) are stable. */
static int visit_entries(struct walk *w, const char *path)
{
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int ret = 0;

	if (!d) {
		warn_errno("cannot read `%s'", path);
		return -1;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				die("out of memory");
		}
		if (!(names[n++] = strdup(e->d_name)))
			die("out of memory");
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n && ret == 0; i++) {
		char child[PATH_MAX], target[PATH_MAX];
		struct stat st;
		ssize_t len;
		int k = snprintf(child, sizeof(child), "%s/%s",
				 strcmp(path, "/") ? path : "", names[i]);

		if (k < 0 || (size_t)k >= sizeof(child) ||
		    lstat(child, &st) < 0)
			continue; /* gone, or too long to matter */
		if (S_ISDIR(st.st_mode)) {
			ret = visit(w, child, st.st_mode & 07777);
		} else if (S_ISLNK(st.st_mode)) {
			len = readlink(child, target, sizeof(target) - 1);
			if (len < 0)
				continue;
			target[len] = '\0';
			add(w->p, UNIT_LINK, child, target, 0777);
		} else if (S_ISREG(st.st_mode)) {
			add(w->p, UNIT_FILE, child, NULL, st.st_mode & 07777);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static bool anchor_below(const struct walk *w, const char *dir)
{
	for (size_t i = 0; w->anchors[i]; i++)
		if (is_below(w->anchors[i], dir, true))
			return true;
	return false;
}

/* May the caller write in dir or in one of its subdirectories? An
 * overlay costs a superblock (about 0.2 ms to set up, as much to tear
 * down); a directory tree nobody lets the caller write in (/usr, /etc,
 * /boot ...) is as well bound read-only, where a write fails as it would
 * have anyway (EROFS for EACCES). One level is looked at: a directory of
 * the caller's deeper in a tree of other owners is rare, and /tmp, /var/tmp,
 * home and the working directory are anchors already. */
static bool caller_may_write_below(const struct walk *w, const char *dir)
{
	DIR *d;
	struct dirent *e;
	bool may = false;

	if (access(dir, W_OK) == 0)
		return true;
	d = opendir(dir);
	if (!d)
		return false;
	while (!may && (e = readdir(d))) {
		char child[PATH_MAX];
		struct stat st;

		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(child))
			continue;
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_uid == w->uid || access(child, W_OK) == 0))
			may = true;
	}
	closedir(d);
	return may;
}

static int visit(struct walk *w, const char *path, mode_t mode)
{
	if (is_passthrough(path)) {
		add(w->p, UNIT_PASS, path, NULL, mode);
		return 0;
	}
	if (strcmp(path, "/") != 0 &&
	    !mounts_below(w->points, w->npoints, path) &&
	    !anchor_needs_split(w, path)) {
		add(w->p,
		    w->overlay_all || caller_may_write_below(w, path)
			    ? UNIT_OVERLAY
			    : UNIT_RO,
		    path, NULL, mode);
		return 0;
	}
	/* Mounts below, but nothing the caller may write and no place it
	 * writes in: the whole subtree read-only, mounts and all (/etc with
	 * files bound over it in a container, say), rather than a skeleton
	 * of one mount per entry. */
	if (strcmp(path, "/") != 0 && !w->overlay_all &&
	    !anchor_below(w, path) && !caller_may_write_below(w, path)) {
		add(w->p, UNIT_RO, path, NULL, mode);
		return 0;
	}
	add(w->p, UNIT_DIR, path, NULL, mode);
	w->p->v[w->p->n - 1].writable = access(path, W_OK) == 0;
	return visit_entries(w, path);
}

int plan_build(struct plan *p, const struct mountinfo *m,
	       const char *const *anchors, uid_t uid)
{
	struct walk w = { .p = p, .anchors = anchors, .uid = uid };
	int ret;

	memset(p, 0, sizeof(*p));
	w.points = calloc(m->n ? m->n : 1, sizeof(*w.points));
	if (!w.points)
		die("out of memory");
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].point, "/") != 0)
			w.points[w.npoints++] = m->v[i].point;
	ret = visit(&w, "/", 0755);
	free(w.points);
	return ret;
}

int plan_add(struct plan *p, enum unit_kind kind, const char *path,
	     const char *source)
{
	if (path[0] != '/' || strstr(path, "/../") || strstr(path, "/./")) {
		warn("not an absolute, normalized path: `%s'", path);
		return -1;
	}
	add(p, kind, path, source, 0755);
	return 0;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].source);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

const struct unit *plan_overlay_of(const struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == UNIT_OVERLAY &&
		    is_below(path, p->v[i].path, true))
			return &p->v[i];
	return NULL;
}
