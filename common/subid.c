// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "io.h"
#include "log.h"
#include "parse.h"
#include "subid.h"

#include "subid-nss.h"

/* Highest id a range may reach: 2^32 - 2 (see subid.h). */
#define SUBID_LAST_ID 4294967294ull

static int parse_field_number(const char *s, size_t len, uint32_t *out,
			      const char **why, const char *what_bad,
			      const char *what_zero)
{
	/* "010" is 8 to a parser using base 0 and 10 to one using base 10:
	 * refuse it rather than guess which one newuidmap will use. */
	if (len > 1 && s[0] == '0') {
		*why = what_zero;
		return -1;
	}
	if (parse_u32_n(s, len, out) < 0) {
		*why = errno == ERANGE ? "number larger than 4294967295"
				       : what_bad;
		return -1;
	}
	return 0;
}

static bool owner_is_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > SUBID_OWNER_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

int subid_parse_line(const char *line, size_t len, struct subid_entry *e,
		     const char **why)
{
	const char *c1, *c2, *end = line + len;
	uint64_t last;

	e->owner = NULL;
	e->owner_len = 0;
	if (len == 0 || line[0] == '#')
		return 0;
	c1 = memchr(line, ':', len);
	if (!c1) {
		*why = "expected OWNER:START:COUNT";
		return -1;
	}
	if (owner_is_valid(line, (size_t)(c1 - line))) {
		e->owner = line;
		e->owner_len = (size_t)(c1 - line);
	}
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2) {
		*why = "expected 3 fields, found 2";
		return -1;
	}
	if (memchr(c2 + 1, ':', (size_t)(end - c2 - 1))) {
		*why = "expected 3 fields, found more";
		return -1;
	}
	if (!e->owner) {
		*why = c1 == line ? "empty owner"
				  : "owner contains whitespace or control "
				    "characters, or is too long";
		return -1;
	}
	if (parse_field_number(c1 + 1, (size_t)(c2 - c1 - 1), &e->start, why,
			       "start is not a decimal number",
			       "start has a leading zero") < 0)
		return -1;
	if (parse_field_number(c2 + 1, (size_t)(end - c2 - 1), &e->count, why,
			       "count is not a decimal number",
			       "count has a leading zero") < 0)
		return -1;
	if (e->count == 0) {
		*why = "count is 0";
		return -1;
	}
	last = (uint64_t)e->start + e->count - 1;
	if (last > SUBID_LAST_ID) {
		*why = "range runs past id 4294967294";
		return -1;
	}
	return 1;
}

void subid_cursor_init(struct subid_cursor *c, const char *buf, size_t len)
{
	c->pos = buf;
	c->end = buf + len;
	c->line = 0;
}

int subid_cursor_next(struct subid_cursor *c, struct subid_entry *e,
		      const char **why)
{
	while (c->pos < c->end) {
		const char *nl =
			memchr(c->pos, '\n', (size_t)(c->end - c->pos));
		const char *line = c->pos;
		size_t len = (size_t)((nl ? nl : c->end) - line);
		int r;

		c->pos = nl ? nl + 1 : c->end;
		c->line++;
		r = subid_parse_line(line, len, e, why);
		if (r != 0)
			return r;
	}
	return 0;
}

bool subid_owner_matches(const struct subid_entry *e, const char *name,
			 uid_t uid)
{
	uint32_t num;

	if (!e->owner)
		return false;
	if (name && strlen(name) == e->owner_len &&
	    memcmp(e->owner, name, e->owner_len) == 0)
		return true;
	return parse_u32_n(e->owner, e->owner_len, &num) == 0 &&
	       (e->owner_len == 1 || e->owner[0] != '0') && num == uid;
}

int subid_list_append(struct subid_list *l, const struct subid_range *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct subid_range *v;

		if (cap > SIZE_MAX / sizeof(*v)) {
			errno = ENOMEM;
			return -1;
		}
		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

void subid_list_free(struct subid_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int subid_parse_buffer(const char *buf, size_t len, const char *file,
		       const char *name, uid_t uid, struct subid_list *out,
		       subid_report_fn *report, void *ctx)
{
	struct subid_cursor cur;
	struct subid_entry e;
	const char *why = NULL;
	int r;

	subid_cursor_init(&cur, buf, len);
	while ((r = subid_cursor_next(&cur, &e, &why)) != 0) {
		struct subid_range range;

		if (r < 0) {
			/* A line whose owner cannot be read may be ours. */
			if (report &&
			    (!e.owner || subid_owner_matches(&e, name, uid)))
				report(file, cur.line, why, ctx);
			continue;
		}
		if (!subid_owner_matches(&e, name, uid))
			continue;
		range.start = e.start;
		range.count = e.count;
		range.line = cur.line;
		if (subid_list_append(out, &range) < 0)
			return -1;
	}
	return 0;
}

int subid_parse_file(const char *file, const char *name, uid_t uid,
		     struct subid_list *out, subid_report_fn *report, void *ctx)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, file, SUBID_FILE_MAX, &buf, &len) < 0)
		return errno == ENOENT ? 0 : -1;
	return subid_parse_buffer(buf, len, file, name, uid, out, report, ctx);
}

int subid_nss_source(const char *nsswitch, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(nsswitch, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (snprintf(buf, len, "files") >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (getline(&line, &cap, f) > 0) {
		const char *p = line;
		size_t n;

		p += strspn(p, " \t");
		if (strncmp(p, "subid:", 6) != 0)
			continue;
		/* libsubid uses the first source named and no other. */
		p += 6;
		p += strspn(p, " \t");
		n = strcspn(p, " \t\n#");
		if (n == 0)
			return 0;
		if (n >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		return 0;
	}
	return 0;
}

static int lookup_nss(enum subid_kind kind, const char *name,
		      struct subid_list *out, const char *source,
		      subid_report_fn *report, void *ctx)
{
	struct subid_nss_range *got = NULL;
	int n, i;

	n = subid_nss_get(kind == SUBID_GID, log_prog(), name, &got);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct subid_range r = { .line = 0 };
		uint64_t last = (uint64_t)got[i].start + got[i].count - 1;

		if (got[i].count == 0 || got[i].count > UINT32_MAX ||
		    got[i].start > UINT32_MAX || last > SUBID_LAST_ID) {
			if (report)
				report(source, 0, "invalid range from NSS",
				       ctx);
			continue;
		}
		r.start = (uint32_t)got[i].start;
		r.count = (uint32_t)got[i].count;
		if (subid_list_append(out, &r) < 0) {
			free(got);
			return -1;
		}
	}
	free(got);
	return 0;
}

int subid_lookup(enum subid_kind kind, const char *name, uid_t uid,
		 struct subid_list *out, subid_report_fn *report, void *ctx)
{
	const char *file = kind == SUBID_UID ? SUBID_UID_FILE : SUBID_GID_FILE;
	/* Read once: a tool asks for uids and then gids. */
	static char source[64];

	if (!source[0] &&
	    subid_nss_source(SUBID_NSSWITCH, source, sizeof(source)) < 0) {
		source[0] = '\0';
		return -1;
	}
	if (strcmp(source, "files") != 0) {
		/* NSS modules know users by name only. */
		if (!name)
			return 0;
		return lookup_nss(kind, name, out, source, report, ctx);
	}
	return subid_parse_file(file, name, uid, out, report, ctx);
}

uint64_t subid_list_total(const struct subid_list *l)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		total += l->v[i].count;
	return total;
}

static int compare_start(const void *a, const void *b)
{
	const struct subid_range *const *x = a, *const *y = b;

	if ((*x)->start != (*y)->start)
		return (*x)->start < (*y)->start ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

bool subid_find_overlap(const struct subid_range *v, size_t n, size_t *a,
			size_t *b)
{
	_cleanup_free_ const struct subid_range **sorted = NULL;
	size_t i;

	if (n < 2)
		return false;
	sorted = calloc(n, sizeof(*sorted));
	if (!sorted) {
		/* Small lists can be checked without memory. */
		size_t j;

		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if ((uint64_t)v[i].start + v[i].count >
					    v[j].start &&
				    (uint64_t)v[j].start + v[j].count >
					    v[i].start) {
					*a = i;
					*b = j;
					return true;
				}
		return false;
	}
	for (i = 0; i < n; i++)
		sorted[i] = &v[i];
	qsort(sorted, n, sizeof(*sorted), compare_start);
	for (i = 1; i < n; i++) {
		const struct subid_range *p = sorted[i - 1], *q = sorted[i];

		if ((uint64_t)p->start + p->count > q->start) {
			size_t x = (size_t)(p - v), y = (size_t)(q - v);

			*a = x < y ? x : y;
			*b = x < y ? y : x;
			return true;
		}
	}
	return false;
}
