// SPDX-License-Identifier: GPL-2.0-or-later
#include "escape.h"
#include "report.h"

void report_header(FILE *out, enum report_format fmt)
{
	if (fmt == REPORT_TABLE)
		fprintf(out, "%-11s %-10s %10s  %-5s %-13s %-20s %s\n",
			"VERDICT", "CHECK", "ID", "MODE", "UID:GID",
			"RANGE OWNER", "PATH");
}

static void owner_text(const struct judgement *j, char *buf, size_t len)
{
	if (j->verdict == VERDICT_REASSIGNED)
		snprintf(buf, len, "%s (was %s)", j->owner[0] ? j->owner : "-",
			 j->previous);
	else
		snprintf(buf, len, "%s", j->owner[0] ? j->owner : "-");
}

static void json_row(FILE *out, const char *path, const struct statx *st,
		     const struct report_row *r, const char *action)
{
	fputs("{\"type\":\"file\",\"path\":", out);
	escape_json(out, path);
	fprintf(out,
		",\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u,\"check\":\"%s\","
		"\"id\":%u,\"verdict\":\"%s\",\"range_owner\":",
		st->stx_mode & 07777, st->stx_uid, st->stx_gid, r->check, r->id,
		verdict_name(r->j.verdict));
	if (r->j.owner[0])
		escape_json(out, r->j.owner);
	else
		fputs("null", out);
	fputs(",\"previous_owner\":", out);
	if (r->j.previous[0])
		escape_json(out, r->j.previous);
	else
		fputs("null", out);
	fputs(",\"action\":", out);
	if (action)
		escape_json(out, action);
	else
		fputs("null", out);
	fputs("}\n", out);
}

void report_file(FILE *out, enum report_format fmt, const char *path,
		 const struct statx *st, const struct report_row *rows,
		 size_t n, const char *action)
{
	char owner[2 * SUBID_OWNER_MAX + 16], ids[24];
	size_t i;

	if (fmt == REPORT_PRINT0) {
		fputs(path, out);
		fputc('\0', out);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct report_row *r = &rows[i];

		if (fmt == REPORT_JSON) {
			json_row(out, path, st, r, action);
			continue;
		}
		owner_text(&r->j, owner, sizeof(owner));
		snprintf(ids, sizeof(ids), "%u:%u", st->stx_uid, st->stx_gid);
		fprintf(out, "%-11s %-10s %10u  %04o  %-13s %-20s ",
			verdict_name(r->j.verdict), r->check, r->id,
			st->stx_mode & 07777, ids, owner);
		escape_c(out, path);
		if (action)
			fprintf(out, "  [%s]", action);
		fputc('\n', out);
	}
}

void report_problem(FILE *out, enum report_format fmt, const char *file,
		    unsigned int line, const char *problem)
{
	if (fmt == REPORT_JSON) {
		fputs("{\"type\":\"allocation\",\"file\":", out);
		escape_json(out, file);
		fprintf(out, ",\"line\":%u,\"problem\":", line);
		escape_json(out, problem);
		fputs("}\n", out);
	} else if (fmt == REPORT_TABLE) {
		fprintf(out, "%-11s %s:%u: %s\n", "allocation", file, line,
			problem);
	}
}
