/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Findings as a table for people, JSON lines, or NUL-separated paths. */
#ifndef KEEP_ID_AUDIT_REPORT_H
#define KEEP_ID_AUDIT_REPORT_H

#include <stdio.h>
#include <sys/stat.h>

#include "judge.h"

enum report_format { REPORT_TABLE, REPORT_JSON, REPORT_PRINT0 };

/* One judged id of a file: "setuid" (owner uid), "setgid" (group gid),
 * "capability" (owner uid of a file with capabilities), "cap-rootid" (the
 * root id of a v3 capability). */
struct report_row {
	const char *check;
	uint32_t id;
	struct judgement j;
};

void report_header(FILE *out, enum report_format fmt);
/* The rows of one file. action: NULL, or what --fix did or would do. */
void report_file(FILE *out, enum report_format fmt, const char *path,
		 const struct statx *st, const struct report_row *rows,
		 size_t n, const char *action);
void report_problem(FILE *out, enum report_format fmt, const char *file,
		    unsigned int line, const char *problem);

#endif
