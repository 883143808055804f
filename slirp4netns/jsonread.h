/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A strict JSON (RFC 8259) reader for the API's small requests, without a
 * tree: a value is its span of the text, checked whole once, then read
 * member by member. Strings must be valid UTF-8 without raw control
 * characters, \u escapes must pair their surrogates, numbers follow the
 * grammar exactly, and nesting stops at JSON_DEPTH_MAX (as json-c's
 * default). Nothing is allocated.
 */
#ifndef SLIRP4NETNS_JSONREAD_H
#define SLIRP4NETNS_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_DEPTH_MAX 32

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* A checked value: its text, p[0..len). */
struct json {
	const char *p;
	size_t len;
	enum json_type type;
};

enum json_result {
	JSON_OK,
	JSON_MORE, /* not final, and the text ends inside the value */
	JSON_BAD,
};

/* The value at the start of text[0..len), after white space. On JSON_OK,
 * *v is the value and *end the offset just after it. When final, the end
 * of the text is the end of the input: it ends a number ("12"), and a
 * value cut short is JSON_BAD. Otherwise both are JSON_MORE. */
enum json_result json_parse(const char *text, size_t len, bool final,
			    struct json *v, size_t *end);

/* The member named key of the object o (the last, when it repeats, as
 * json-c does). False when o is not an object or has none. */
bool json_member(const struct json *o, const char *key, struct json *out);

/* The string v, unescaped, into buf[0..size) with a NUL after it. False
 * when v is not a string, holds a NUL, or does not fit. */
bool json_string(const struct json *v, char *buf, size_t size);

/* The number v when it is a whole number in [min, max]: 80, 80.0 and
 * 8e1 are 80; 80.5, 1e400 and "80" are not. */
bool json_integer(const struct json *v, long long min, long long max,
		  long long *out);

#endif
