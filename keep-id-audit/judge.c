// SPDX-License-Identifier: GPL-2.0-or-later
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "judge.h"

static bool is_account(enum subid_kind kind, uint32_t id)
{
	return kind == SUBID_UID ? getpwuid(id) != NULL : getgrgid(id) != NULL;
}

void judge_id(const struct idtable *now, const struct idtable *since,
	      enum subid_kind kind, uint32_t id, struct judgement *j)
{
	const char *owner, *previous = NULL;

	memset(j, 0, sizeof(*j));
	owner = idtable_owner(now, kind, id, j->owner);
	if (since)
		previous = idtable_owner(since, kind, id, j->previous);
	if (!owner)
		j->owner[0] = '\0';
	if (!previous)
		j->previous[0] = '\0';
	if (owner && previous && strcmp(owner, previous) != 0)
		j->verdict = VERDICT_REASSIGNED;
	else if (owner)
		j->verdict = VERDICT_SUBORDINATE;
	else if (!is_account(kind, id))
		j->verdict = VERDICT_ORPHANED;
	else if (previous)
		/* Someone's range then, a real account now: whoever holds
		 * the file acts as that account. */
		j->verdict = VERDICT_REASSIGNED;
	else
		j->verdict = VERDICT_OK;
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_SUBORDINATE:
		return "subordinate";
	case VERDICT_ORPHANED:
		return "orphaned";
	case VERDICT_REASSIGNED:
		return "reassigned";
	default:
		return "ok";
	}
}
