// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "idtable.h"
#include "io.h"
#include "log.h"
#include "parse.h"
#include "subid-nss.h"

#define STATE_HEADER "# keep-id-audit state 1\n"

static int compare_start(const void *a, const void *b)
{
	const struct id_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void sort_ranges(struct id_ranges *r)
{
	/* qsort(NULL, 0, ...) is undefined behaviour. */
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), compare_start);
}

static int add_range(struct id_ranges *r, const char *owner, size_t len,
		     uint32_t start, uint32_t count, unsigned int line)
{
	struct id_range *v = realloc(r->v, (r->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	r->v = v;
	v += r->n++;
	v->start = start;
	v->count = count;
	v->line = line;
	memcpy(v->owner, owner, len);
	v->owner[len] = '\0';
	return 0;
}

/* A numeric owner names a uid: show (and compare) it by name when the
 * account exists, so "1000" and "alice" are one owner. */
static void normalize_owner(struct id_range *r)
{
	uint32_t uid;
	struct passwd *pw;

	if (parse_u32(r->owner, &uid) < 0 ||
	    (r->owner[0] == '0' && r->owner[1]))
		return;
	pw = getpwuid(uid);
	if (pw && strlen(pw->pw_name) <= SUBID_OWNER_MAX)
		strcpy(r->owner, pw->pw_name);
}

int idtable_parse(struct id_ranges *r, const char *text, size_t len,
		  const char *file, subid_report_fn *report, void *ctx)
{
	struct subid_cursor cur;
	struct subid_entry e;
	const char *why = NULL;
	size_t i;
	int ret;

	r->file = file;
	subid_cursor_init(&cur, text, len);
	while ((ret = subid_cursor_next(&cur, &e, &why)) != 0) {
		if (ret < 0) {
			if (report)
				report(file, cur.line, why, ctx);
			continue;
		}
		if (add_range(r, e.owner, e.owner_len, e.start, e.count,
			      cur.line) < 0)
			return -1;
	}
	for (i = 0; i < r->n; i++)
		normalize_owner(&r->v[i]);
	sort_ranges(r);
	return 0;
}

static int load_file(struct id_ranges *r, const char *file,
		     subid_report_fn *report, void *ctx)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	r->file = file;
	if (read_file_at(AT_FDCWD, file, SUBID_FILE_MAX, &text, &len) < 0)
		return errno == ENOENT ? 0 : -1;
	return idtable_parse(r, text, len, file, report, ctx);
}

int idtable_load_current(struct idtable *t, subid_report_fn *report, void *ctx)
{
	char source[64];

	memset(t, 0, sizeof(*t));
	if (subid_nss_source(SUBID_NSSWITCH, source, sizeof(source)) < 0)
		return -1;
	t->nss = strcmp(source, "files") != 0;
	/* With an NSS source the files are still read: they are what
	 * --record saves and what the allocation audit checks. */
	if (load_file(&t->uid, SUBID_UID_FILE, report, ctx) < 0 ||
	    load_file(&t->gid, SUBID_GID_FILE, report, ctx) < 0)
		return -1;
	return 0;
}

void idtable_free(struct idtable *t)
{
	free(t->uid.v);
	free(t->gid.v);
	memset(t, 0, sizeof(*t));
}

static const char *owner_from_nss(enum subid_kind kind, uint32_t id, char *buf)
{
	uid_t *owners = NULL;
	struct passwd *pw;
	int n = subid_nss_owners(kind == SUBID_GID, log_prog(), id, &owners);

	if (n <= 0) {
		free(owners);
		return NULL;
	}
	pw = getpwuid(owners[0]);
	if (pw && strlen(pw->pw_name) <= SUBID_OWNER_MAX)
		strcpy(buf, pw->pw_name);
	else
		snprintf(buf, SUBID_OWNER_MAX + 1, "%u",
			 (unsigned int)owners[0]);
	free(owners);
	return buf;
}

/* The range holding id: the last one starting at or below it, or, since
 * overlapping ranges (a misconfiguration the audit reports) may hold it
 * too, an earlier one. */
static const struct id_range *find_range(const struct id_ranges *r, uint32_t id)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->v[mid].start <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0)
		if ((uint64_t)id < (uint64_t)r->v[lo].start + r->v[lo].count)
			return &r->v[lo];
	return NULL;
}

const char *idtable_owner(const struct idtable *t, enum subid_kind kind,
			  uint32_t id, char *buf)
{
	const struct id_range *x;

	if (t->nss)
		return owner_from_nss(kind, id, buf);
	x = find_range(kind == SUBID_UID ? &t->uid : &t->gid, id);
	if (!x)
		return NULL;
	strcpy(buf, x->owner);
	return buf;
}

static int save_ranges(FILE *f, const char *kind, const struct id_ranges *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (fprintf(f, "%s %s %u %u\n", kind, r->v[i].owner,
			    r->v[i].start, r->v[i].count) < 0)
			return -1;
	return 0;
}

int idtable_save_state(const struct idtable *t, const char *path)
{
	char tmp[4096];
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close_quietly(fd);
		unlink(tmp);
		return -1;
	}
	if (fputs(STATE_HEADER, f) < 0 || save_ranges(f, "uid", &t->uid) < 0 ||
	    save_ranges(f, "gid", &t->gid) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) < 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* "uid OWNER START COUNT" -> the subid line "OWNER:START:COUNT", so that
 * one strict parser checks both. */
static int state_line(struct idtable *t, char *line, unsigned int lineno,
		      char *why, size_t len)
{
	char *kind = strtok(line, " "), *owner = strtok(NULL, " "),
	     *start = strtok(NULL, " "), *count = strtok(NULL, " ");
	struct id_ranges *r;
	struct subid_entry e;
	const char *bad;
	char text[SUBID_OWNER_MAX + 32];

	if (!kind || !owner || !start || !count || strtok(NULL, " ") ||
	    (strcmp(kind, "uid") != 0 && strcmp(kind, "gid") != 0)) {
		snprintf(why, len,
			 "line %u: expected uid|gid OWNER START COUNT", lineno);
		return -1;
	}
	r = kind[0] == 'u' ? &t->uid : &t->gid;
	if (snprintf(text, sizeof(text), "%s:%s:%s", owner, start, count) >=
		    (int)sizeof(text) ||
	    subid_parse_line(text, strlen(text), &e, &bad) != 1) {
		snprintf(why, len, "line %u: bad range", lineno);
		return -1;
	}
	return add_range(r, e.owner, e.owner_len, e.start, e.count, lineno);
}

int idtable_parse_state(struct idtable *t, char *text, char *why, size_t len)
{
	char *line, *save = NULL;
	unsigned int lineno = 1;

	memset(t, 0, sizeof(*t));
	if (strncmp(text, STATE_HEADER, strlen(STATE_HEADER)) != 0) {
		snprintf(why, len, "not a keep-id-audit state file");
		return -1;
	}
	for (line = strtok_r(text + strlen(STATE_HEADER), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (state_line(t, line, lineno, why, len) < 0)
			return -1;
	}
	sort_ranges(&t->uid);
	sort_ranges(&t->gid);
	return 0;
}

int idtable_load_state(struct idtable *t, const char *path, char *why,
		       size_t len)
{
	_cleanup_free_ char *text = NULL;
	size_t size;

	memset(t, 0, sizeof(*t));
	if (read_file_at(AT_FDCWD, path, SUBID_FILE_MAX, &text, &size) < 0) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	if (strlen(text) != size) {
		snprintf(why, len, "not a keep-id-audit state file");
		return -1;
	}
	if (idtable_parse_state(t, text, why, len) < 0)
		return -1;
	t->uid.file = t->gid.file = path;
	return 0;
}

static unsigned int audit_ranges(const struct id_ranges *r,
				 idtable_problem_fn *fn, void *ctx)
{
	unsigned int problems = 0;
	char msg[1024];
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		const struct id_range *a = &r->v[i];
		uint64_t end = (uint64_t)a->start + a->count;

		if (a->start == 0) {
			snprintf(msg, sizeof(msg),
				 "range %u-%u of %s contains id 0 (root)",
				 a->start, (unsigned int)(end - 1), a->owner);
			fn(r->file, a->line, msg, ctx);
			problems++;
		}
		for (j = i + 1; j < r->n && r->v[j].start < end; j++) {
			const struct id_range *b = &r->v[j];

			if (strcmp(a->owner, b->owner) == 0)
				continue;
			snprintf(msg, sizeof(msg),
				 "ranges of %s (line %u) and %s (line %u) "
				 "overlap",
				 a->owner, a->line, b->owner, b->line);
			fn(r->file, b->line, msg, ctx);
			problems++;
		}
	}
	return problems;
}

static unsigned int audit_accounts(const struct idtable *t,
				   idtable_problem_fn *fn, void *ctx)
{
	unsigned int problems = 0;
	const struct id_range *x;
	struct passwd *pw;
	struct group *gr;
	char msg[1024];

	setpwent();
	while ((pw = getpwent())) {
		if (!(x = find_range(&t->uid, pw->pw_uid)))
			continue;
		snprintf(msg, sizeof(msg),
			 "uid %u of account %s lies in the range of %s",
			 (unsigned int)pw->pw_uid, pw->pw_name, x->owner);
		fn(t->uid.file, x->line, msg, ctx);
		problems++;
	}
	endpwent();
	setgrent();
	while ((gr = getgrent())) {
		if (!(x = find_range(&t->gid, gr->gr_gid)))
			continue;
		snprintf(msg, sizeof(msg),
			 "gid %u of group %s lies in the range of %s",
			 (unsigned int)gr->gr_gid, gr->gr_name, x->owner);
		fn(t->gid.file, x->line, msg, ctx);
		problems++;
	}
	endgrent();
	return problems;
}

unsigned int idtable_audit(const struct idtable *t, idtable_problem_fn *fn,
			   void *ctx)
{
	return audit_ranges(&t->uid, fn, ctx) + audit_ranges(&t->gid, fn, ctx) +
	       audit_accounts(t, fn, ctx);
}
