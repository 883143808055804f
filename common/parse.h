/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict decimal number parsing: no empty input, no whitespace, no sign, no
 * base prefix, no trailing garbage, no overflow. strtoul accepts all of
 * those, which is how " -1" becomes 18446744073709551615. */
#ifndef COMMON_PARSE_H
#define COMMON_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parse exactly len bytes of s (no NUL needed) as a decimal number <= max.
 * Returns 0, or -1 with errno EINVAL (not a number) or ERANGE (> max). */
int parse_u64_n(const char *s, size_t len, uint64_t max, uint64_t *out);
int parse_u64(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);
int parse_u32_n(const char *s, size_t len, uint32_t *out);
/* A file descriptor number: 0 .. INT_MAX. */
int parse_fd(const char *s, int *out);

#endif
