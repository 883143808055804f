// SPDX-License-Identifier: GPL-2.0-or-later
/* keep-id-audit --since reads a state file a user may hand it. */
#include <string.h>

#include "fuzz.h"
#include "idtable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), why[128], owner[SUBID_OWNER_MAX + 1];
	struct idtable t;
	size_t i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (idtable_parse_state(&t, text, why, sizeof(why)) == 0) {
		for (i = 0; i < t.uid.n; i++) {
			FUZZ_CHECK(t.uid.v[i].count > 0);
			FUZZ_CHECK(idtable_owner(&t, SUBID_UID,
						 t.uid.v[i].start, owner));
		}
	}
	idtable_free(&t);
	free(text);
	return 0;
}
