// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "parse.h"

int parse_u64_n(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9') {
			errno = EINVAL;
			return -1;
		}
		d = (unsigned int)(s[i] - '0');
		/* d > max first: max - d must not wrap. */
		if (d > max || v > (max - d) / 10) {
			/* Finish the scan: "99999999999x" is EINVAL, not
			 * ERANGE, so callers report the real problem. */
			for (; i < len; i++) {
				if (s[i] < '0' || s[i] > '9') {
					errno = EINVAL;
					return -1;
				}
			}
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	return parse_u64_n(s, strlen(s), UINT64_MAX, out);
}

int parse_u32_n(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (parse_u64_n(s, len, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
	return parse_u32_n(s, strlen(s), out);
}

int parse_fd(const char *s, int *out)
{
	uint64_t v;

	if (parse_u64_n(s, strlen(s), INT_MAX, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}
