/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who owns which subordinate ids: every range of /etc/subuid and
 * /etc/subgid with its owner (or, with an NSS source, libsubid asked per
 * id), a saved copy of that table (--record / --since), and the audit of
 * the allocation itself. */
#ifndef KEEP_ID_AUDIT_IDTABLE_H
#define KEEP_ID_AUDIT_IDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "subid.h"

struct id_range {
	uint32_t start;
	uint32_t count;
	unsigned int line;
	char owner[SUBID_OWNER_MAX + 1];
};

struct id_ranges {
	struct id_range *v; /* sorted by start */
	size_t n;
	const char *file;
};

struct idtable {
	struct id_ranges uid;
	struct id_ranges gid;
	bool nss; /* owners come from libsubid, per id */
};

/* The allocation in force. Malformed lines are reported through report. */
int idtable_load_current(struct idtable *t, subid_report_fn *report, void *ctx);
/* Parse subid-file text holding every owner's ranges (for tests too). */
int idtable_parse(struct id_ranges *r, const char *text, size_t len,
		  const char *file, subid_report_fn *report, void *ctx);
int idtable_save_state(const struct idtable *t, const char *path);
/* Returns 0, or -1 with a reason in why. */
int idtable_load_state(struct idtable *t, const char *path, char *why,
		       size_t len);
/* Parse a state file's NUL-terminated text (modified in place). */
int idtable_parse_state(struct idtable *t, char *text, char *why, size_t len);
void idtable_free(struct idtable *t);

/* The owner of id, or NULL. Writes into buf (SUBID_OWNER_MAX + 1). */
const char *idtable_owner(const struct idtable *t, enum subid_kind kind,
			  uint32_t id, char *buf);

typedef void idtable_problem_fn(const char *file, unsigned int line,
				const char *problem, void *ctx);
/* Ranges of two owners overlapping, ranges holding accounts' ids, ranges
 * holding id 0. Returns the number of problems. */
unsigned int idtable_audit(const struct idtable *t, idtable_problem_fn *fn,
			   void *ctx);

#endif
