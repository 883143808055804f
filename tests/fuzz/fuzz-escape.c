// SPDX-License-Identifier: GPL-2.0-or-later
/* Paths escaped for terminals and JSON: no control byte may come through,
 * and a JSON string must end where its closing quote says. */
#include <string.h>

#include "escape.h"
#include "fuzz.h"

static void check_output(const char *out, size_t len, int json)
{
	size_t i;
	int in_escape = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		if (!json)
			continue;
		if (in_escape) {
			in_escape = 0;
			continue;
		}
		if (c == '\\')
			in_escape = 1;
		/* An unescaped quote only at both ends. */
		else if (c == '"')
			FUZZ_CHECK(i == 0 || i == len - 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out = NULL;
	size_t len = 0;
	FILE *f;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	f = open_memstream(&out, &len);
	escape_c(f, in);
	fclose(f);
	check_output(out, len, 0);
	free(out);
	f = open_memstream(&out, &len);
	escape_json(f, in);
	fclose(f);
	check_output(out, len, 1);
	FUZZ_CHECK(len >= 2 && out[0] == '"' && out[len - 1] == '"');
	free(out);
	free(in);
	return 0;
}
