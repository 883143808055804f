// SPDX-License-Identifier: GPL-2.0-or-later
/* overlay-session state files: a path field as read back from a session
 * directory, which its owner (or a session) may have edited. Unescaping
 * never overruns, never yields an empty name or a NUL, and what it accepts
 * escapes back to the same text. */
#include <string.h>

#include "fuzz.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[512], out[512], again[2048] = "";
	FILE *f;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (path_unescape(in, out, sizeof(out)) < 0)
		return 0;
	FUZZ_CHECK(out[0] && strlen(out) <= strlen(in));
	f = fmemopen(again, sizeof(again), "w");
	FUZZ_CHECK(f);
	path_escape(f, out);
	fclose(f);
	FUZZ_CHECK(strcmp(again, in) == 0);
	return 0;
}
