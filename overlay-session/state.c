// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "log.h"
#include "state.h"

void path_escape(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p <= ' ' || *p == '%' || *p == 0x7f)
			fprintf(f, "%%%02X", *p);
		else
			fputc(*p, f);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int path_unescape(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;

		if (c <= ' ' || c == 0x7f)
			return -1;
		if (c == '%') {
			int hi = hexval(in[1]),
			    lo = hi < 0 ? -1 : hexval(in[2]);

			if (lo < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			/* Only what path_escape escapes: one spelling per
			 * path. */
			if (c == 0 || (c > ' ' && c != '%' && c != 0x7f))
				return -1;
			in += 2;
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

static int load_units(struct state *s)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	char *line, *save = NULL;
	unsigned int lineno = 0;

	if (read_file_at(s->dirfd, STATE_UNITS, 1 << 20, &text, &len) < 0) {
		warn_errno("`%s/%s'", s->dir, STATE_UNITS);
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sep = strchr(line, ' ');
		char path[PATH_MAX];
		struct state_unit *v;

		lineno++;
		if (!sep || sep - line == 0 || sep - line >= STATE_KEY_MAX ||
		    strspn(line, "u0123456789") != (size_t)(sep - line) ||
		    path_unescape(sep + 1, path, sizeof(path)) < 0 ||
		    path[0] != '/') {
			warn("`%s/%s' line %u: malformed", s->dir, STATE_UNITS,
			     lineno);
			return -1;
		}
		v = realloc(s->v, (s->n + 1) * sizeof(*v));
		if (!v)
			die("out of memory");
		s->v = v;
		memcpy(v[s->n].key, line, (size_t)(sep - line));
		v[s->n].key[sep - line] = '\0';
		if (!(v[s->n].path = strdup(path)))
			die("out of memory");
		s->n++;
	}
	return 0;
}

static bool dir_is_empty(int fd)
{
	int dup_fd = dup(fd);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

int state_open(struct state *s, const char *dir, bool create)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		warn_errno("cannot create `%s'", dir);
		return -1;
	}
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		warn_errno("cannot open the session directory `%s'", dir);
		return -1;
	}
	if (!(s->dir = strdup(dir)))
		die("out of memory");
	if (fstatat(s->dirfd, STATE_UNITS, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return load_units(s);
	if (!create) {
		warn("`%s' is not a session directory (no %s)", dir,
		     STATE_UNITS);
		return -1;
	}
	if (!dir_is_empty(s->dirfd)) {
		warn("`%s' is neither empty nor a session directory", dir);
		return -1;
	}
	if (mkdirat(s->dirfd, "upper", 0700) < 0 ||
	    mkdirat(s->dirfd, "work", 0700) < 0) {
		warn_errno("cannot create the overlay directories in `%s'",
			   dir);
		return -1;
	}
	return state_save(s);
}

void state_close(struct state *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	free(s->dir);
	if (s->dirfd >= 0)
		close_quietly(s->dirfd);
	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
}

const char *state_path_key(const struct state *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].path, path) == 0)
			return s->v[i].key;
	return NULL;
}

const char *state_key_path(const struct state *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0)
			return s->v[i].path;
	return NULL;
}

const char *state_key(struct state *s, const char *path)
{
	const char *key = state_path_key(s, path);
	struct state_unit *v;

	if (key)
		return key;
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		die("out of memory");
	s->v = v;
	snprintf(v[s->n].key, sizeof(v[s->n].key), "u%zu", s->n);
	if (!(v[s->n].path = strdup(path)))
		die("out of memory");
	return s->v[s->n++].key;
}

/* The state files are replaced whole: written to NAME.tmp, synced, then
 * renamed over NAME, so that a crash leaves the old file or the new. */
FILE *state_file_begin(const struct state *s, const char *name)
{
	char tmp[64];
	int fd;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(s->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		warn_errno("cannot write `%s/%s'", s->dir, tmp);
		if (fd >= 0)
			close_quietly(fd);
	}
	return f;
}

int state_file_commit(const struct state *s, const char *name, FILE *f)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		warn_errno("cannot write `%s/%s'", s->dir, tmp);
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0 || renameat(s->dirfd, tmp, s->dirfd, name) < 0) {
		warn_errno("cannot write `%s/%s'", s->dir, name);
		return -1;
	}
	return 0;
}

int state_save(struct state *s)
{
	FILE *f = state_file_begin(s, STATE_UNITS);

	if (!f)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "%s ", s->v[i].key);
		path_escape(f, s->v[i].path);
		fputc('\n', f);
	}
	return state_file_commit(s, STATE_UNITS, f);
}
