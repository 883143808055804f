/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The verdict on one id of one file: does it still give someone a
 * subordinate id's power? */
#ifndef KEEP_ID_AUDIT_JUDGE_H
#define KEEP_ID_AUDIT_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "idtable.h"

enum verdict {
	VERDICT_OK,	     /* an account's id, no subordinate range */
	VERDICT_SUBORDINATE, /* inside someone's subordinate range */
	VERDICT_ORPHANED,    /* no account, no range (any more) */
	VERDICT_REASSIGNED,  /* the range moved from one owner to another */
};

struct judgement {
	enum verdict verdict;
	char owner[SUBID_OWNER_MAX + 1];    /* range owner now, or "" */
	char previous[SUBID_OWNER_MAX + 1]; /* range owner then, or "" */
};

/* since may be NULL. Not thread-safe (it asks NSS): callers serialise. */
void judge_id(const struct idtable *now, const struct idtable *since,
	      enum subid_kind kind, uint32_t id, struct judgement *j);
const char *verdict_name(enum verdict v);

#endif
