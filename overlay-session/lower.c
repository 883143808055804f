// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changes.h"
#include "cleanup.h"
#include "io.h"
#include "log.h"
#include "lower.h"
#include "parse.h"

/* One line: "P PATH -" (absent) or "P PATH MODE SIZE MTIME CTIME INO DEV",
 * times in nanoseconds; "U PATH DEV INO" for each overlaid directory. */
struct ident {
	bool exists;
	uint64_t mode, size, mtime, ctime, ino, dev;
};

static void ident_of(const char *path, struct ident *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (lstat(path, &st) < 0)
		return;
	id->exists = true;
	id->mode = st.st_mode;
	id->size = (uint64_t)st.st_size;
	id->mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000 +
		    (uint64_t)st.st_mtim.tv_nsec;
	id->ctime = (uint64_t)st.st_ctim.tv_sec * 1000000000 +
		    (uint64_t)st.st_ctim.tv_nsec;
	id->ino = st.st_ino;
	id->dev = st.st_dev;
}

static void write_ident(FILE *f, const char *path, const struct ident *id)
{
	fputs("P ", f);
	path_escape(f, path);
	if (!id->exists)
		fputs(" -\n", f);
	else
		fprintf(f,
			" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRIu64 " %" PRIu64 "\n",
			id->mode, id->size, id->mtime, id->ctime, id->ino,
			id->dev);
}

static int record_one(const struct change *c, void *ctx)
{
	struct ident id;

	ident_of(c->path, &id);
	write_ident(ctx, c->path, &id);
	return 0;
}

int lower_record(const struct state *s)
{
	FILE *f = state_file_begin(s, STATE_LOWER);
	int ret;

	if (!f)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		struct stat st;

		if (stat(s->v[i].path, &st) < 0)
			continue;
		fputs("U ", f);
		path_escape(f, s->v[i].path);
		fprintf(f, " %" PRIu64 " %" PRIu64 "\n", (uint64_t)st.st_dev,
			(uint64_t)st.st_ino);
	}
	ret = changes_walk(s, record_one, f);
	if (state_file_commit(s, STATE_LOWER, f) < 0)
		return -1;
	return ret;
}

static const char *difference(const struct ident *was, const struct ident *now)
{
	if (was->exists != now->exists)
		return was->exists ? "deleted" : "created";
	if (!was->exists)
		return NULL;
	if ((was->mode & S_IFMT) != (now->mode & S_IFMT))
		return "replaced by another type";
	if (was->ino != now->ino || was->dev != now->dev)
		return "replaced";
	if (was->size != now->size || was->mtime != now->mtime)
		return "modified";
	if (was->mode != now->mode || was->ctime != now->ctime)
		return "attributes changed";
	return NULL;
}

static int parse_fields(char *rest, uint64_t *v, size_t n)
{
	char *save = NULL, *tok = strtok_r(rest, " ", &save);

	for (size_t i = 0; i < n; i++, tok = strtok_r(NULL, " ", &save))
		if (!tok || parse_u64(tok, &v[i]) < 0)
			return -1;
	return tok ? -1 : 0;
}

int lower_check(const struct state *s)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	size_t len;
	int diffs = 0;
	unsigned int lineno = 0;

	if (read_file_at(s->dirfd, STATE_LOWER, 64 << 20, &text, &len) < 0) {
		if (errno != ENOENT) {
			warn_errno("`%s/%s'", s->dir, STATE_LOWER);
			return -1;
		}
		warn("lower changed: unknown: the last session of `%s' did "
		     "not end cleanly (no record of its lower)",
		     s->dir);
		return 1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char path[PATH_MAX], *sp;
		struct ident was = { 0 }, now;
		uint64_t v[6];
		const char *what;

		lineno++;
		sp = line[0] && line[1] == ' ' ? strchr(line + 2, ' ') : NULL;
		if (!sp)
			goto bad;
		*sp = '\0';
		if (path_unescape(line + 2, path, sizeof(path)) < 0)
			goto bad;
		if (line[0] == 'U') {
			struct stat st;

			if (parse_fields(sp + 1, v, 2) < 0)
				goto bad;
			if (stat(path, &st) < 0 || st.st_dev != v[0] ||
			    st.st_ino != v[1]) {
				warn("lower changed: %s: not the same "
				     "directory or filesystem as when kept",
				     path);
				diffs++;
			}
			continue;
		}
		if (line[0] != 'P')
			goto bad;
		if (strcmp(sp + 1, "-") != 0) {
			uint64_t f[6];

			if (parse_fields(sp + 1, f, 6) < 0)
				goto bad;
			was = (struct ident){ true, f[0], f[1], f[2],
					      f[3], f[4], f[5] };
		}
		ident_of(path, &now);
		what = difference(&was, &now);
		if (what) {
			warn("lower changed: %s: %s", path, what);
			diffs++;
		}
		continue;
	bad:
		warn("`%s/%s' line %u: malformed", s->dir, STATE_LOWER, lineno);
		return -1;
	}
	return diffs;
}
