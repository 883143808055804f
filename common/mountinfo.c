// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "mountinfo.h"
#include "parse.h"

/* Mount points escape space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPER" */
static int parse_line(char *line, struct mount_entry *e)
{
	char *field[6], *dash, *p = line, *after[3];
	int i;

	dash = strstr(line, " - ");
	if (!dash)
		return -1;
	*dash = '\0';
	for (i = 0; i < 6; i++) {
		field[i] = p;
		p = strchr(p, ' ');
		if (!p && i < 5)
			return -1;
		if (p)
			*p++ = '\0';
	}
	p = dash + 3;
	for (i = 0; i < 3; i++) {
		after[i] = p;
		p = strchr(p, ' ');
		if (!p && i < 2)
			return -1;
		if (p)
			*p++ = '\0';
	}
	if (parse_u64(field[0], &e->id) < 0 || !*after[0])
		return -1;
	unescape_octal(field[4]);
	e->point = field[4];
	e->fstype = after[0];
	e->super_opts = after[2];
	return 0;
}

int mountinfo_parse(struct mountinfo *m, char *text)
{
	char *line, *save = NULL;

	m->v = NULL;
	m->n = 0;
	m->text = text;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct mount_entry e, *v;

		if (parse_line(line, &e) < 0)
			continue;
		v = realloc(m->v, (m->n + 1) * sizeof(*v));
		if (!v) {
			mountinfo_free(m);
			return -1;
		}
		m->v = v;
		m->v[m->n++] = e;
	}
	return 0;
}

int mountinfo_load(struct mountinfo *m)
{
	char *text;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64u << 20, &text,
			 &len) < 0)
		return -1;
	return mountinfo_parse(m, text);
}

void mountinfo_free(struct mountinfo *m)
{
	free(m->v);
	free(m->text);
	m->v = NULL;
	m->text = NULL;
	m->n = 0;
}

int mountinfo_has_option(const char *opts, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = opts; (p = strstr(p, word)); p += n)
		if ((p == opts || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

int mountinfo_find_point(const char *fstype, const char *option, char *out,
			 size_t len)
{
	struct mountinfo m;
	size_t i;
	int ret = -1;

	if (mountinfo_load(&m) < 0)
		return -1;
	for (i = 0; i < m.n && ret < 0; i++)
		if (strcmp(m.v[i].fstype, fstype) == 0 &&
		    (!option ||
		     mountinfo_has_option(m.v[i].super_opts, option)) &&
		    snprintf(out, len, "%s", m.v[i].point) < (int)len)
			ret = 0;
	mountinfo_free(&m);
	if (ret < 0)
		errno = ENOENT;
	return ret;
}
