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

/* One line: the key of a skeleton of s and a path strictly below it.
 * Returns the unit's path, NULL when malformed. */
static const char *parse_line(const struct state *s, char *line,
			      char path[PATH_MAX])
{
	char *sep = strchr(line, ' ');
	const char *top;
	size_t n;

	if (!sep)
		return NULL;
	*sep = '\0';
	top = state_key_path(s, line);
	if (!top || path_unescape(sep + 1, path, PATH_MAX) < 0)
		return NULL;
	n = strcmp(top, "/") ? strlen(top) : 0;
	if (strncmp(path, top, n) != 0 || path[n] != '/' || !path[n + 1])
		return NULL;
	return top;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The record's lines, in order; -1 with errno ENOENT when there is none. */
static int read_lines(const struct state *s, char **text, char ***lines,
		      size_t *n)
{
	size_t len, cap = 0;
	char *save = NULL;

	*lines = NULL;
	*n = 0;
	if (read_file_at(s->dirfd, STATE_POINTS, POINTS_MAX, text, &len) < 0)
		return -1;
	for (char *l = strtok_r(*text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*lines = realloc(*lines, cap * sizeof(**lines));
			if (!*lines)
				die("out of memory");
		}
		(*lines)[(*n)++] = l;
	}
	return 0;
}

int points_load(const struct state *s, struct points *p)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char **lines = NULL;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (read_lines(s, &text, &lines, &n) < 0) {
		if (errno == ENOENT)
			return 0;
		warn_errno("`%s/%s'", s->dir, STATE_POINTS);
		return -1;
	}
	p->known = true;
	p->v = calloc(n ? n : 1, sizeof(*p->v));
	if (!p->v)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		if (!parse_line(s, lines[i], path)) {
			warn("`%s/%s' line %zu: malformed", s->dir,
			     STATE_POINTS, i + 1);
			points_free(p);
			return -1;
		}
		if (!(p->v[p->n++] = strdup(path)))
			die("out of memory");
	}
	qsort(p->v, p->n, sizeof(*p->v), cmp_str);
	return 0;
}

bool points_has(const struct points *p, const char *path)
{
	return p->n && bsearch(&path, p->v, p->n, sizeof(*p->v), cmp_str);
}

void points_free(struct points *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* The directory holding rel below storage, never through a symbolic
 * link: what the command did in the skeleton must not steer a removal
 * out of it. */
static int open_parent(int storage, char *rel, const char **base)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	char *slash = strrchr(rel, '/');
	int fd;

	*slash = '\0';
	*base = slash + 1;
	fd = (int)syscall(SYS_openat2, storage, rel, &how, sizeof(how));
	*slash = '/';
	return fd;
}

static void clear_one(int storage, const char *key, const char *top,
		      const char *path)
{
	char rel[PATH_MAX + 32];
	const char *base;
	_cleanup_close_ int dir = -1;
	struct stat st;
	int flags = 0;
	size_t n = strcmp(top, "/") ? strlen(top) : 0;

	if (snprintf(rel, sizeof(rel), "skel/%s/%s", key, path + n + 1) >=
	    (int)sizeof(rel))
		return;
	dir = open_parent(storage, rel, &base);
	if (dir < 0 || fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		flags = AT_REMOVEDIR; /* fails unless empty */
	else if (!S_ISLNK(st.st_mode) && !(S_ISREG(st.st_mode) && !st.st_size))
		return;
	if (unlinkat(dir, base, flags) < 0 && errno != ENOTEMPTY &&
	    errno != EEXIST)
		debug("cannot remove `%s' of `%s': %s", path, top,
		      strerror(errno));
}

void points_clear(const struct state *s, int storage)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char **lines = NULL;
	size_t n;

	if (read_lines(s, &text, &lines, &n) < 0)
		return;
	/* children before their parents */
	for (size_t i = n; i-- > 0;) {
		char path[PATH_MAX];
		const char *top = parse_line(s, lines[i], path);

		if (top)
			clear_one(storage, lines[i], top, path);
	}
}

int points_save(const struct state *s, const struct plan *plan,
		const struct unit *const *skeleton_of)
{
	FILE *f = state_file_begin(s, STATE_POINTS);
	/* a skeleton's entries come together: its key looked up once */
	const struct unit *skeleton = NULL;
	const char *key = NULL;

	if (!f)
		return -1;
	for (size_t i = 0; i < plan->n; i++) {
		if (skeleton_of[i] != skeleton) {
			skeleton = skeleton_of[i];
			key = skeleton ? state_path_key(s, skeleton->path)
				       : NULL;
		}
		if (!key)
			continue;
		fprintf(f, "%s ", key);
		path_escape(f, plan->v[i].path);
		fputc('\n', f);
	}
	return state_file_commit(s, STATE_POINTS, f);
}
