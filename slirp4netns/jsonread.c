// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

/* Longest number json_integer reads (80.000... with more zeros is not
 * taken: a port or an id is never written so). */
#define NUMBER_MAX 64

struct reader {
	const char *s;
	size_t len, i;
	bool final; /* the end of the text is the end of the input */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void skip_space(struct reader *r)
{
	while (r->i < r->len && is_space(r->s[r->i]))
		r->i++;
}

/* --- strings --- */

/* Append the code point cp to out[0..size) as UTF-8; *n counts the bytes
 * even past size, so the caller sees what did not fit. */
static void put_utf8(char *out, size_t size, size_t *n, uint32_t cp)
{
	uint8_t b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 4;
	}
	for (size_t j = 0; j < k; j++, (*n)++)
		if (out && *n < size)
			out[*n] = (char)b[j];
}

/* One UTF-8 sequence of avail bytes at most: its length, 0 when it is not
 * valid (overlong, a surrogate, past U+10FFFF), -1 when cut short. */
static int utf8_len(const uint8_t *s, size_t avail)
{
	uint32_t cp, min;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, cp = s[0] & 0x1fu, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3, cp = s[0] & 0x0fu, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, cp = s[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	for (int k = 1; k < n; k++) {
		if ((size_t)k >= avail)
			return -1;
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Four hex digits at s[0..avail): 1 and *v, 0 not hex, -1 cut short. */
static int hex4(const char *s, size_t avail, uint32_t *v)
{
	*v = 0;
	for (size_t k = 0; k < 4; k++) {
		char c;
		uint32_t d;

		if (k >= avail)
			return -1;
		c = s[k];
		if (is_digit(c))
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return 0;
		*v = *v << 4 | d;
	}
	return 1;
}

/* \uXXXX at s (after the backslash and u), and its low half when it is a
 * high surrogate: the code point and the bytes read, or a result. */
static enum json_result unicode_escape(const char *s, size_t avail,
				       uint32_t *cp, size_t *used)
{
	uint32_t low;
	int h = hex4(s, avail, cp);

	if (h <= 0)
		return h < 0 ? JSON_MORE : JSON_BAD;
	*used = 4;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return JSON_BAD; /* a low half alone */
	if (*cp < 0xd800 || *cp > 0xdbff)
		return JSON_OK;
	if (avail < 6)
		return avail == 4 || (avail == 5 && s[4] == '\\') ? JSON_MORE
								  : JSON_BAD;
	if (s[4] != '\\' || s[5] != 'u')
		return JSON_BAD;
	h = hex4(s + 6, avail - 6, &low);
	if (h <= 0)
		return h < 0 ? JSON_MORE : JSON_BAD;
	if (low < 0xdc00 || low > 0xdfff)
		return JSON_BAD;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
	*used = 10;
	return JSON_OK;
}

/* The string at r->i (its opening quote), unescaped into out[0..size)
 * when out is not NULL; *n counts the bytes it takes. */
static enum json_result scan_string(struct reader *r, char *out, size_t size,
				    size_t *n)
{
	size_t count = 0;

	for (r->i++;;) {
		const char *p = r->s + r->i;
		size_t avail = r->len - r->i, used;
		uint32_t cp;
		enum json_result res;
		int k;

		if (avail == 0)
			return JSON_MORE;
		if (*p == '"') {
			r->i++;
			if (n)
				*n = count;
			return JSON_OK;
		}
		if ((uint8_t)*p < 0x20)
			return JSON_BAD;
		if (*p != '\\') {
			k = utf8_len((const uint8_t *)p, avail);
			if (k <= 0)
				return k < 0 ? JSON_MORE : JSON_BAD;
			for (int j = 0; j < k; j++, count++)
				if (out && count < size)
					out[count] = p[j];
			r->i += (size_t)k;
			continue;
		}
		if (avail < 2)
			return JSON_MORE;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			cp = (uint8_t)p[1];
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			res = unicode_escape(p + 2, avail - 2, &cp, &used);
			if (res != JSON_OK)
				return res;
			put_utf8(out, size, &count, cp);
			r->i += 2 + used;
			continue;
		default:
			return JSON_BAD;
		}
		put_utf8(out, size, &count, cp);
		r->i += 2;
	}
}

/* --- the other values --- */

/* The end of the text inside a number: whole means it may end there. */
static enum json_result number_cut(struct reader *r, size_t i, bool whole)
{
	if (i < r->len || !r->final)
		return i < r->len ? JSON_BAD : JSON_MORE;
	if (!whole)
		return JSON_BAD;
	r->i = i;
	return JSON_OK;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static enum json_result scan_number(struct reader *r)
{
	const char *s = r->s;
	size_t i = r->i, n = r->len;
	bool whole = false;

	if (s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		while (i < n && is_digit(s[i]))
			i++;
	} else {
		return number_cut(r, i, false);
	}
	whole = true;
	if (i < n && s[i] == '.') {
		whole = false;
		if (++i < n && !is_digit(s[i]))
			return JSON_BAD;
		for (; i < n && is_digit(s[i]); i++)
			whole = true;
	}
	if (i < n && whole && (s[i] == 'e' || s[i] == 'E')) {
		whole = false;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i < n && !is_digit(s[i]))
			return JSON_BAD;
		for (; i < n && is_digit(s[i]); i++)
			whole = true;
	}
	if (i == n)
		return number_cut(r, i, whole);
	r->i = i;
	return JSON_OK;
}

static enum json_result scan_word(struct reader *r, const char *word)
{
	size_t n = strlen(word), avail = r->len - r->i;

	if (memcmp(r->s + r->i, word, avail < n ? avail : n) != 0)
		return JSON_BAD;
	if (avail < n)
		return JSON_MORE;
	r->i += n;
	return JSON_OK;
}

static enum json_result scan_value(struct reader *r, int depth,
				   enum json_type *type);

/* An object or an array, from its opening bracket. */
static enum json_result scan_container(struct reader *r, int depth, char close)
{
	enum json_result res;
	enum json_type type;

	if (depth >= JSON_DEPTH_MAX)
		return JSON_BAD;
	r->i++;
	skip_space(r);
	if (r->i < r->len && r->s[r->i] == close) {
		r->i++;
		return JSON_OK;
	}
	for (;;) {
		if (close == '}') {
			skip_space(r);
			if (r->i == r->len)
				return JSON_MORE;
			if (r->s[r->i] != '"')
				return JSON_BAD;
			res = scan_string(r, NULL, 0, NULL);
			if (res != JSON_OK)
				return res;
			skip_space(r);
			if (r->i == r->len)
				return JSON_MORE;
			if (r->s[r->i++] != ':')
				return JSON_BAD;
		}
		res = scan_value(r, depth + 1, &type);
		if (res != JSON_OK)
			return res;
		skip_space(r);
		if (r->i == r->len)
			return JSON_MORE;
		if (r->s[r->i] == close) {
			r->i++;
			return JSON_OK;
		}
		if (r->s[r->i++] != ',')
			return JSON_BAD;
	}
}

static enum json_result scan_value(struct reader *r, int depth,
				   enum json_type *type)
{
	skip_space(r);
	if (r->i == r->len)
		return JSON_MORE;
	switch (r->s[r->i]) {
	case '{':
		*type = JSON_OBJECT;
		return scan_container(r, depth, '}');
	case '[':
		*type = JSON_ARRAY;
		return scan_container(r, depth, ']');
	case '"':
		*type = JSON_STRING;
		return scan_string(r, NULL, 0, NULL);
	case 't':
		*type = JSON_TRUE;
		return scan_word(r, "true");
	case 'f':
		*type = JSON_FALSE;
		return scan_word(r, "false");
	case 'n':
		*type = JSON_NULL;
		return scan_word(r, "null");
	default:
		*type = JSON_NUMBER;
		return scan_number(r);
	}
}

/* --- reading --- */

enum json_result json_parse(const char *text, size_t len, bool final,
			    struct json *v, size_t *end)
{
	struct reader r = { .s = text, .len = len, .final = final };
	enum json_result res;
	size_t start;

	skip_space(&r);
	start = r.i;
	res = scan_value(&r, 0, &v->type);
	if (res == JSON_MORE && final)
		return JSON_BAD;
	if (res == JSON_OK) {
		v->p = text + start;
		v->len = r.i - start;
		*end = r.i;
	}
	return res;
}

bool json_member(const struct json *o, const char *key, struct json *out)
{
	struct reader r = { .s = o->p, .len = o->len, .i = 1, .final = true };
	size_t key_len = strlen(key);
	bool found = false;

	if (o->type != JSON_OBJECT)
		return false;
	for (;;) {
		struct json name = { .type = JSON_STRING }, value;
		char buf[64];

		skip_space(&r);
		if (r.i >= r.len || r.s[r.i] != '"')
			return found; /* {} */
		name.p = r.s + r.i;
		if (scan_string(&r, NULL, 0, NULL) != JSON_OK)
			return false;
		name.len = (size_t)(r.s + r.i - name.p);
		skip_space(&r);
		r.i++; /* the colon */
		skip_space(&r);
		value.p = r.s + r.i;
		if (scan_value(&r, 0, &value.type) != JSON_OK)
			return false;
		value.len = (size_t)(r.s + r.i - value.p);
		if (key_len < sizeof(buf) &&
		    json_string(&name, buf, sizeof(buf)) &&
		    strcmp(buf, key) == 0) {
			*out = value;
			found = true;
		}
		skip_space(&r);
		if (r.i >= r.len || r.s[r.i++] != ',')
			return found;
	}
}

bool json_string(const struct json *v, char *buf, size_t size)
{
	struct reader r = { .s = v->p, .len = v->len, .final = true };
	size_t n;

	if (v->type != JSON_STRING || size == 0 ||
	    scan_string(&r, buf, size, &n) != JSON_OK || n >= size ||
	    memchr(buf, '\0', n))
		return false;
	buf[n] = '\0';
	return true;
}

bool json_integer(const struct json *v, long long min, long long max,
		  long long *out)
{
	char text[NUMBER_MAX + 1], *end;
	long long n;

	if (v->type != JSON_NUMBER || v->len > NUMBER_MAX)
		return false;
	memcpy(text, v->p, v->len);
	text[v->len] = '\0';
	if (strpbrk(text, ".eE")) {
		double d = strtod(text, &end);

		if (!isfinite(d) || d != floor(d) || d < (double)min ||
		    d > (double)max)
			return false;
		n = (long long)d;
	} else {
		errno = 0;
		n = strtoll(text, &end, 10);
		if (errno)
			return false;
	}
	if (*end != '\0' || n < min || n > max)
		return false;
	*out = n;
	return true;
}
