/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths are bytes: escape them for people (C style) and for JSON, so that
 * a newline or an escape sequence in a file name cannot forge output. */
#ifndef COMMON_ESCAPE_H
#define COMMON_ESCAPE_H

#include <stdio.h>

/* Control characters, backslash, DEL and invalid UTF-8 as \n \t \\ \xNN;
 * valid UTF-8 as is. */
void escape_c(FILE *out, const char *s);
/* A JSON string with its quotes. Invalid UTF-8 bytes become \udcNN (the
 * "surrogateescape" convention), so the original bytes can be recovered. */
void escape_json(FILE *out, const char *s);

#endif
