// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "log.h"
#include "points.h"

#define POINTS_MAX (64 << 20)
/* The record of the last session while a resume replaces the host's
 * entries, with those the resume makes: until the new record is written,
 * an entry of either may be in a skeleton, and one missing is no
 * deletion. */
#define STATE_POINTS_CLEARING STATE_POINTS ".clearing"

/* --- the records --- */

static int cmp_point(const void *a, const void *b)
{
	return strcmp(((const struct point *)a)->path,
		      ((const struct point *)b)->path);
}

int points_parse_line(const struct state *s, char *line, bool targets,
		      struct point *pt)
{
	/* fields one space apart, none empty (strsep, not strtok: "a  b"
	 * is no line of ours) */
	char *rest = line, *key = strsep(&rest, " ");
	char *path = strsep(&rest, " "), *target = strsep(&rest, " ");
	char buf[PATH_MAX];
	const char *top;

	memset(pt, 0, sizeof(*pt));
	if (!*key || !path || !*path || (target && (!*target || !targets)) ||
	    rest || strlen(key) >= sizeof(pt->key) ||
	    !(top = state_key_path(s, key)) ||
	    path_unescape(path, buf, sizeof(buf)) < 0)
		return -1;
	pt->top_len = strcmp(top, "/") ? strlen(top) : 0;
	if (strncmp(buf, top, pt->top_len) != 0 || buf[pt->top_len] != '/' ||
	    !buf[pt->top_len + 1])
		return -1;
	strcpy(pt->key, key);
	if (!(pt->path = strdup(buf)))
		die("out of memory");
	if (target) {
		if (path_unescape(target, buf, sizeof(buf)) < 0) {
			free(pt->path);
			return -1;
		}
		if (!(pt->target = strdup(buf)))
			die("out of memory");
	}
	return 0;
}

struct point_list {
	struct point *v;
	size_t n, cap;
};

/* A new slot at the end of l, zeroed. */
static struct point *push(struct point_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			die("out of memory");
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	return &l->v[l->n++];
}

static void free_array(struct point *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].target);
	}
	free(v);
}

/* Record name of s, sorted: 0, or -1 with errno ENOENT when there is none
 * and the reason printed otherwise. */
static int load_file(const struct state *s, const char *name, bool targets,
		     struct point **v, size_t *n)
{
	_cleanup_free_ char *text = NULL;
	struct point_list l = { 0 };
	char *save = NULL;
	size_t len, lineno = 0;

	*v = NULL;
	*n = 0;
	if (read_file_at(s->dirfd, name, POINTS_MAX, &text, &len) < 0) {
		if (errno != ENOENT)
			warn_errno("`%s/%s'", s->dir, name);
		return -1;
	}
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (points_parse_line(s, line, targets, push(&l)) < 0) {
			warn("`%s/%s' line %zu: malformed", s->dir, name,
			     lineno);
			free_array(l.v, l.n - 1);
			errno = EINVAL;
			return -1;
		}
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_point);
	*v = l.v;
	*n = l.n;
	return 0;
}

int points_load(const struct state *s, struct points *p)
{
	memset(p, 0, sizeof(*p));
	if (load_file(s, STATE_POINTS, true, &p->v, &p->n) < 0) {
		if (errno != ENOENT)
			return -1;
		if (load_file(s, STATE_POINTS_CLEARING, true, &p->v, &p->n) < 0)
			return errno == ENOENT ? 0 : -1;
		p->clearing = true;
	}
	p->known = true;
	if (load_file(s, STATE_DELETED, false, &p->deleted, &p->n_deleted) <
		    0 &&
	    errno != ENOENT) {
		points_free(p);
		return -1;
	}
	return 0;
}

void points_free(struct points *p)
{
	free_array(p->v, p->n);
	free_array(p->deleted, p->n_deleted);
	memset(p, 0, sizeof(*p));
}

/* The first of v (sorted) whose path is path or begins with it. */
static size_t lower_bound(const struct point *v, size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- entries in the skeletons --- */

static bool link_to(int dirfd, const char *name, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);

	return n >= 0 && (size_t)n == strlen(target) &&
	       memcmp(buf, target, (size_t)n) == 0;
}

/* An entry as the session made it for the host: a link with the target
 * it was given (a journal may name two for one path); any other entry
 * recorded (mount points cannot be removed while the session runs). */
static bool as_made(const struct point *v, size_t n, const char *path,
		    int dirfd, const char *name)
{
	for (size_t i = lower_bound(v, n, path);
	     i < n && strcmp(v[i].path, path) == 0; i++)
		if (!v[i].target || link_to(dirfd, name, v[i].target))
			return true;
	return false;
}

bool points_is_host(const struct points *p, const char *path, int dirfd,
		    const char *name)
{
	return as_made(p->v, p->n, path, dirfd, name);
}

/* Is the entry name of dirfd missing? Not when that cannot be told. */
static bool missing(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	       errno == ENOENT;
}

/* For each of v directly in dir whose entry in dirfd is missing (links
 * only: a copy's target tells it), fn; stops at a non-zero return. */
static int each_missing(const struct point *v, size_t n, bool links,
			const char *dir, int dirfd,
			int (*fn)(const char *, const char *, void *),
			void *ctx)
{
	char prefix[PATH_MAX];
	int len = snprintf(prefix, sizeof(prefix), "%s/",
			   strcmp(dir, "/") ? dir : "");
	int ret = 0;

	if (len < 0 || (size_t)len >= sizeof(prefix))
		return 0;

	for (size_t i = lower_bound(v, n, prefix);
	     ret == 0 && i < n && strncmp(v[i].path, prefix, (size_t)len) == 0;
	     i++) {
		const char *name = v[i].path + len;

		if (strchr(name, '/') || (links && !v[i].target) ||
		    (i > 0 && strcmp(v[i - 1].path, v[i].path) == 0))
			continue;
		if (missing(dirfd, name))
			ret = fn(v[i].path, name, ctx);
	}
	return ret;
}

int points_each_deleted(const struct points *p, const char *dir, int dirfd,
			int (*fn)(const char *path, const char *name,
				  void *ctx),
			void *ctx)
{
	int ret = 0;

	/* After an interrupted resume a link missing may have been
	 * removed by it: only the deletions recorded before count. */
	if (!p->clearing)
		ret = each_missing(p->v, p->n, true, dir, dirfd, fn, ctx);
	if (ret == 0)
		ret = each_missing(p->deleted, p->n_deleted, false, dir, dirfd,
				   fn, ctx);
	return ret;
}

bool points_deleted(const struct points *p, const char *path)
{
	size_t i = lower_bound(p->deleted, p->n_deleted, path);

	return i < p->n_deleted && strcmp(p->deleted[i].path, path) == 0;
}

/* --- a resume --- */

/* The directory of skeleton entry pt in storage, never through a symbolic
 * link: what the command did in the skeleton must not steer a removal out
 * of it. *name: the entry's name there. */
static int open_parent(int storage, const struct point *pt, const char **name)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	char rel[PATH_MAX + 32];
	char *slash;
	int n = snprintf(rel, sizeof(rel), "skel/%s/%s", pt->key,
			 pt->path + pt->top_len + 1);

	if (n < 0 || (size_t)n >= sizeof(rel))
		return -1;
	slash = strrchr(rel, '/');
	*slash = '\0';
	*name = strrchr(pt->path, '/') + 1;
	return (int)syscall(SYS_openat2, storage, rel, &how, sizeof(how));
}

/* Add the entries of v (links only: links) missing from the skeletons;
 * none of a skeleton directory that is gone, which cannot tell. */
static void collect_missing(struct point_list *d, int storage,
			    const struct point *v, size_t n, bool links)
{
	for (size_t i = 0; i < n; i++) {
		const char *name;
		_cleanup_close_ int dir = -1;

		if ((links && !v[i].target) ||
		    (i > 0 && strcmp(v[i - 1].path, v[i].path) == 0))
			continue;
		dir = open_parent(storage, &v[i], &name);
		if (dir >= 0 && missing(dir, name)) {
			struct point *copy = push(d);

			memcpy(copy->key, v[i].key, sizeof(copy->key));
			copy->top_len = v[i].top_len;
			if (!(copy->path = strdup(v[i].path)))
				die("out of memory");
		}
	}
}

/* "KEY PATH [TARGET]", as points_parse_line() reads it. */
static void write_line(FILE *f, const char *key, const char *path,
		       const char *target)
{
	fprintf(f, "%s ", key);
	path_escape(f, path);
	if (target) {
		fputc(' ', f);
		path_escape(f, target);
	}
	fputc('\n', f);
}

static void write_points(FILE *f, const struct point *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		write_line(f, v[i].key, v[i].path, v[i].target);
}

/* The units of plan in a kept skeleton (skeleton_of[i]), as records. */
static void write_plan(FILE *f, const struct state *s, const struct plan *plan,
		       const struct unit *const *skeleton_of)
{
	/* a skeleton's entries come together: its key looked up once */
	const struct unit *skeleton = NULL;
	const char *key = NULL;

	for (size_t i = 0; i < plan->n; i++) {
		const struct unit *u = &plan->v[i];

		if (skeleton_of[i] != skeleton) {
			skeleton = skeleton_of[i];
			key = skeleton ? state_path_key(s, skeleton->path)
				       : NULL;
		}
		if (key)
			write_line(f, key, u->path,
				   u->kind == UNIT_LINK ? u->source : NULL);
	}
}

int points_note_deletions(const struct state *s, int storage, struct points *p)
{
	struct point_list d = { 0 };
	FILE *f;

	if (!p->known)
		return 0;
	collect_missing(&d, storage, p->deleted, p->n_deleted, false);
	if (!p->clearing)
		collect_missing(&d, storage, p->v, p->n, true);
	free_array(p->deleted, p->n_deleted);
	if (d.n)
		qsort(d.v, d.n, sizeof(*d.v), cmp_point);
	p->deleted = d.v;
	p->n_deleted = d.n;
	if (!(f = state_file_begin(s, STATE_DELETED)))
		return -1;
	write_points(f, p->deleted, p->n_deleted);
	return state_file_commit(s, STATE_DELETED, f);
}

bool points_taken(const struct points *p, int storage, const char *key,
		  const char *top, const char *path)
{
	struct point pt = { .top_len = strcmp(top, "/") ? strlen(top) : 0,
			    .path = (char *)path };
	const char *name;
	_cleanup_close_ int dir = -1;

	if (!p->known || strlen(key) >= sizeof(pt.key))
		return false;
	strcpy(pt.key, key);
	dir = open_parent(storage, &pt, &name);
	return dir >= 0 && !missing(dir, name) &&
	       !as_made(p->v, p->n, path, dir, name);
}

/* Remove entry pt from its skeleton if the session made it (as_made):
 * a link, or a directory or regular file only when empty. */
static void clear_one(const struct points *p, int storage,
		      const struct point *pt)
{
	const char *name;
	_cleanup_close_ int dir = open_parent(storage, pt, &name);
	struct stat st;
	int flags = 0;

	if (dir < 0 || fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !as_made(p->v, p->n, pt->path, dir, name))
		return;
	if (S_ISDIR(st.st_mode))
		flags = AT_REMOVEDIR; /* fails unless empty */
	else if (!S_ISLNK(st.st_mode) && !(S_ISREG(st.st_mode) && !st.st_size))
		return;
	if (unlinkat(dir, name, flags) < 0 && errno != ENOTEMPTY &&
	    errno != EEXIST)
		debug("cannot remove `%s': %s", pt->path, strerror(errno));
}

int points_clear(const struct state *s, int storage, const struct points *p,
		 const struct plan *plan, const struct unit *const *skeleton_of)
{
	FILE *f;

	if (!p->known)
		return 0;
	/* the journal first: until the new record, what is in the
	 * skeletons is of the old record or the new */
	if (!(f = state_file_begin(s, STATE_POINTS_CLEARING)))
		return -1;
	write_points(f, p->v, p->n);
	write_plan(f, s, plan, skeleton_of);
	if (state_file_commit(s, STATE_POINTS_CLEARING, f) < 0)
		return -1;
	if (unlinkat(s->dirfd, STATE_POINTS, 0) < 0 && errno != ENOENT) {
		warn_errno("cannot remove `%s/%s'", s->dir, STATE_POINTS);
		return -1;
	}
	/* children before their parents */
	for (size_t i = p->n; i-- > 0;)
		clear_one(p, storage, &p->v[i]);
	return 0;
}

int points_save(const struct state *s, const struct plan *plan,
		const struct unit *const *skeleton_of)
{
	FILE *f = state_file_begin(s, STATE_POINTS);

	if (!f)
		return -1;
	write_plan(f, s, plan, skeleton_of);
	if (state_file_commit(s, STATE_POINTS, f) < 0)
		return -1;
	if (unlinkat(s->dirfd, STATE_POINTS_CLEARING, 0) < 0 &&
	    errno != ENOENT) {
		warn_errno("cannot remove `%s/%s'", s->dir,
			   STATE_POINTS_CLEARING);
		return -1;
	}
	return 0;
}
