// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "toc.h"

static const char *const type_names[] = {
	[TOC_DIR] = "dir",	   [TOC_REG] = "reg",
	[TOC_SYMLINK] = "symlink", [TOC_HARDLINK] = "hardlink",
	[TOC_CHAR] = "char",	   [TOC_BLOCK] = "block",
	[TOC_FIFO] = "fifo",	   [TOC_CHUNK] = "chunk",
};

const char *toc_type_name(enum toc_type type)
{
	return type_names[type];
}

struct toc_entry *toc_add(struct toc *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct toc_entry *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

bool toc_entry_has_data(const struct toc_entry *e)
{
	return (e->type == TOC_REG && e->size > 0) || e->type == TOC_CHUNK;
}

void toc_free(struct toc *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct toc_entry *e = &t->v[i];

		free(e->name);
		free(e->modtime);
		free(e->linkname);
		free(e->uname);
		free(e->gname);
		tar_xattrs_free(e->xattrs, e->n_xattrs);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

char *toc_format_modtime(int64_t sec, int32_t nsec)
{
	struct tm tm;
	time_t t;
	char *s;

	if (nsec >= 500000000) /* Go's Round(time.Second): half up */
		sec++;
	if (sec == 0)
		return NULL;
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm))
		return NULL;
	long year = (long)tm.tm_year + 1900;

	if (asprintf(&s, "%s%04ld-%02d-%02dT%02d:%02d:%02dZ",
		     year < 0 ? "-" : "", year < 0 ? -year : year,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec) < 0)
		return NULL;
	return s;
}

void sha256_hex(const uint8_t d[SHA256_LEN], char out[72])
{
	static const char hex[] = "0123456789abcdef";

	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < SHA256_LEN; i++) {
		out[7 + 2 * i] = hex[d[i] >> 4];
		out[8 + 2 * i] = hex[d[i] & 15];
	}
	out[71] = '\0';
}

EVP_MD_CTX *sha256_ctx(void)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();

	if (h && !EVP_DigestInit_ex(h, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(h);
		h = NULL;
	}
	return h;
}

int parse_sha256(const char *s, uint8_t d[SHA256_LEN])
{
	if (strncmp(s, "sha256:", 7) || strlen(s) != 71)
		return -1;
	for (size_t i = 0; i < SHA256_LEN; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[7 + 2 * i + k];

			if (c >= '0' && c <= '9')
				v = v * 16 + c - '0';
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + c - 'a' + 10;
			else
				return -1;
		}
		d[i] = (uint8_t)v;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at s (Go's utf8.DecodeRune rules:
 * shortest form, no surrogates, at most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	if (len > n)
		return 0;
	c = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void toc_write_go_string(FILE *out, const char *str, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;

	putc('"', out);
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			if (c == '"' || c == '\\')
				fprintf(out, "\\%c", c);
			else if (c == '\n')
				fputs("\\n", out);
			else if (c == '\r')
				fputs("\\r", out);
			else if (c == '\t')
				fputs("\\t", out);
			else if (c < 0x20 || c == '<' || c == '>' || c == '&')
				fprintf(out, "\\u00%c%c", hex[c >> 4],
					hex[c & 15]);
			else
				putc(c, out);
			i++;
		} else if (!(n = utf8_len(s + i, len - i, &cp))) {
			fputs("\\ufffd", out);
			i++;
		} else {
			if (cp == 0x2028 || cp == 0x2029)
				fprintf(out, "\\u%04x", cp);
			else
				fwrite(s + i, 1, n, out);
			i += n;
		}
	}
	putc('"', out);
}

static void base64(FILE *out, const uint8_t *v, size_t len)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		"vwxyz0123456789+/";

	putc('"', out);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t x = (uint32_t)v[i] << 16;

		if (i + 1 < len)
			x |= (uint32_t)v[i + 1] << 8;
		if (i + 2 < len)
			x |= v[i + 2];
		putc(a[x >> 18], out);
		putc(a[(x >> 12) & 63], out);
		putc(i + 1 < len ? a[(x >> 6) & 63] : '=', out);
		putc(i + 2 < len ? a[x & 63] : '=', out);
	}
	putc('"', out);
}

static int unbase64(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
	uint8_t *o;
	size_t n = 0;

	if (len % 4)
		return -1;
	o = malloc(len / 4 * 3 + 1);
	if (!o)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t x = 0;
		int pad = 0;

		for (size_t k = 0; k < 4; k++) {
			char c = s[i + k];
			int v;

			if (c >= 'A' && c <= 'Z')
				v = c - 'A';
			else if (c >= 'a' && c <= 'z')
				v = c - 'a' + 26;
			else if (c >= '0' && c <= '9')
				v = c - '0' + 52;
			else if (c == '+')
				v = 62;
			else if (c == '/')
				v = 63;
			else if (c == '=' && i + 4 == len && k >= 2 &&
				 (k == 3 || s[i + 3] == '=')) {
				v = 0;
				pad++;
			} else
				goto bad;
			if (pad && c != '=')
				goto bad;
			x = x << 6 | (uint32_t)v;
		}
		o[n++] = (uint8_t)(x >> 16);
		if (pad < 2)
			o[n++] = (uint8_t)(x >> 8);
		if (pad < 1)
			o[n++] = (uint8_t)x;
	}
	*out = o;
	*out_len = n;
	return 0;
bad:
	free(o);
	return -1;
}

/* One entry's members in Go's field order, omitempty as the struct tags.
 * ind is the indentation of the members ("" and sep " " for one line). */
static void write_entry(FILE *out, const struct toc_entry *e, const char *ind,
			const char *nl)
{
	char d[72];
	const char *sep = "";

#define KEY(k)                                                                 \
	fprintf(out, "%s%s%s\"" k "\":%s", sep, nl, ind, *nl ? " " : ""),      \
		sep = ","
	KEY("name");
	toc_write_go_string(out, e->name, strlen(e->name));
	KEY("type");
	fprintf(out, "\"%s\"", toc_type_name(e->type));
	if (e->size) {
		KEY("size");
		fprintf(out, "%lld", (long long)e->size);
	}
	if (e->modtime) {
		KEY("modtime");
		fprintf(out, "\"%s\"", e->modtime);
	}
	if (e->linkname && *e->linkname) {
		KEY("linkName");
		toc_write_go_string(out, e->linkname, strlen(e->linkname));
	}
	if (e->mode) {
		KEY("mode");
		fprintf(out, "%lld", (long long)e->mode);
	}
	if (e->uid) {
		KEY("uid");
		fprintf(out, "%lld", (long long)e->uid);
	}
	if (e->gid) {
		KEY("gid");
		fprintf(out, "%lld", (long long)e->gid);
	}
	if (e->uname && *e->uname) {
		KEY("userName");
		toc_write_go_string(out, e->uname, strlen(e->uname));
	}
	if (e->gname && *e->gname) {
		KEY("groupName");
		toc_write_go_string(out, e->gname, strlen(e->gname));
	}
	if (e->offset) {
		KEY("offset");
		fprintf(out, "%llu", (unsigned long long)e->offset);
	}
	if (e->devmajor) {
		KEY("devMajor");
		fprintf(out, "%lld", (long long)e->devmajor);
	}
	if (e->devminor) {
		KEY("devMinor");
		fprintf(out, "%lld", (long long)e->devminor);
	}
	if (e->n_xattrs) {
		KEY("xattrs");
		fputs("{", out);
		for (size_t i = 0; i < e->n_xattrs; i++) {
			fprintf(out, "%s%s%s%s", i ? "," : "", nl, ind,
				*nl ? "\t" : "");
			toc_write_go_string(out, e->xattrs[i].key,
					    strlen(e->xattrs[i].key));
			fputs(*nl ? ": " : ":", out);
			base64(out, e->xattrs[i].value, e->xattrs[i].len);
		}
		fprintf(out, "%s%s}", nl, ind);
	}
	if (e->has_digest) {
		KEY("digest");
		sha256_hex(e->digest, d);
		fprintf(out, "\"%s\"", d);
	}
	if (e->chunk_offset) {
		KEY("chunkOffset");
		fprintf(out, "%lld", (long long)e->chunk_offset);
	}
	if (e->chunk_size) {
		KEY("chunkSize");
		fprintf(out, "%lld", (long long)e->chunk_size);
	}
	if (e->has_chunk_digest) {
		KEY("chunkDigest");
		sha256_hex(e->chunk_digest, d);
		fprintf(out, "\"%s\"", d);
	}
#undef KEY
}

int toc_write_json(FILE *out, const struct toc *t)
{
	fprintf(out, "{\n\t\"version\": %d,\n\t\"entries\": [", t->version);
	for (size_t i = 0; i < t->n; i++) {
		fprintf(out, "%s\n\t\t{", i ? "," : "");
		write_entry(out, &t->v[i], "\t\t\t", "\n");
		fputs("\n\t\t}", out);
	}
	fputs(t->n ? "\n\t]\n}" : "]\n}", out);
	return ferror(out) ? -1 : 0;
}

void toc_write_entry_line(FILE *out, const struct toc_entry *e)
{
	putc('{', out);
	write_entry(out, e, "", "");
	fputs("}\n", out);
}

/* --- reading --- */

#define BAD(...)                                                               \
	do {                                                                   \
		snprintf(why, why_len, __VA_ARGS__);                           \
		return -1;                                                     \
	} while (0)

static int get_int(struct json_object *v, int64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return -1;
	errno = 0;
	*out = json_object_get_int64(v);
	return errno ? -1 : 0;
}

static int get_string(struct json_object *v, char **out)
{
	const char *s;
	size_t len;

	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (memchr(s, '\0', len))
		return -1; /* "\u0000" in a name */
	free(*out);
	*out = strndup(s, len);
	return *out ? 0 : -1;
}

static int parse_type(const char *s, enum toc_type *type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++) {
		if (!strcmp(s, type_names[i])) {
			*type = (enum toc_type)i;
			return 0;
		}
	}
	return -1;
}

static int parse_xattrs(struct json_object *obj, struct toc_entry *e)
{
	if (!json_object_is_type(obj, json_type_object))
		return -1;
	json_object_object_foreach(obj, key, val)
	{
		struct tar_xattr *x;

		if (!json_object_is_type(val, json_type_string))
			return -1;
		x = realloc(e->xattrs, (e->n_xattrs + 1) * sizeof(*x));
		if (!x)
			return -1;
		e->xattrs = x;
		x += e->n_xattrs;
		x->key = strdup(key);
		if (!x->key)
			return -1;
		if (unbase64(json_object_get_string(val),
			     (size_t)json_object_get_string_len(val), &x->value,
			     &x->len) < 0) {
			free(x->key);
			return -1;
		}
		e->n_xattrs++;
	}
	return 0;
}

static int parse_entry(struct json_object *obj, struct toc_entry *e)
{
	char *s = NULL;
	int64_t n = 0;
	int r = 0;

	if (!json_object_is_type(obj, json_type_object))
		return -1;
	json_object_object_foreach(obj, key, val)
	{
		if (!strcmp(key, "name"))
			r = get_string(val, &e->name);
		else if (!strcmp(key, "type")) {
			r = get_string(val, &s);
			if (!r)
				r = parse_type(s, &e->type);
			free(s);
			s = NULL;
		} else if (!strcmp(key, "size"))
			r = get_int(val, &e->size);
		else if (!strcmp(key, "modtime"))
			r = get_string(val, &e->modtime);
		else if (!strcmp(key, "linkName"))
			r = get_string(val, &e->linkname);
		else if (!strcmp(key, "mode"))
			r = get_int(val, &e->mode);
		else if (!strcmp(key, "uid"))
			r = get_int(val, &e->uid);
		else if (!strcmp(key, "gid"))
			r = get_int(val, &e->gid);
		else if (!strcmp(key, "userName"))
			r = get_string(val, &e->uname);
		else if (!strcmp(key, "groupName"))
			r = get_string(val, &e->gname);
		else if (!strcmp(key, "offset")) {
			r = get_int(val, &n);
			r = r ? r : n < 0 ? -1 : 0;
			e->offset = (uint64_t)n;
		} else if (!strcmp(key, "devMajor"))
			r = get_int(val, &e->devmajor);
		else if (!strcmp(key, "devMinor"))
			r = get_int(val, &e->devminor);
		else if (!strcmp(key, "xattrs"))
			r = parse_xattrs(val, e);
		else if (!strcmp(key, "digest")) {
			r = get_string(val, &s);
			r = r ? r : parse_sha256(s, e->digest);
			e->has_digest = !r;
			free(s);
			s = NULL;
		} else if (!strcmp(key, "innerOffset")) {
			r = get_int(val, &n);
			r = r ? r : n < 0 ? -1 : 0;
			e->packed = n > 0;
		} else if (!strcmp(key, "chunkOffset"))
			r = get_int(val, &e->chunk_offset);
		else if (!strcmp(key, "chunkSize"))
			r = get_int(val, &e->chunk_size);
		else if (!strcmp(key, "chunkDigest")) {
			r = get_string(val, &s);
			r = r ? r : parse_sha256(s, e->chunk_digest);
			e->has_chunk_digest = !r;
			free(s);
			s = NULL;
		}
		/* other members: a newer writer's, ignored as Go does */
		if (r)
			return -1;
	}
	return 0;
}

/* Chunks must tile each file exactly, data must lie before the TOC and in
 * increasing order: a reader then never decompresses past a member. */
static int check_entries(struct toc *t, uint64_t toc_offset, char *why,
			 size_t why_len)
{
	struct toc_entry *file = NULL;
	int64_t covered = 0;
	uint64_t last_offset = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct toc_entry *e = &t->v[i];
		bool data = toc_entry_has_data(e);

		if (e->type != TOC_CHUNK && file && covered != file->size)
			BAD("entry %zu (%s): chunks cover %lld of %lld bytes",
			    i, file->name, (long long)covered,
			    (long long)file->size);
		if (!e->name)
			BAD("entry %zu: no name", i);
		if (e->type != TOC_CHUNK && strcmp(e->name, ".") &&
		    strcmp(e->name, "./") && tar_name_is_unsafe(e->name))
			BAD("entry %zu: unsafe name \"%s\"", i, e->name);
		if (e->size < 0 || e->chunk_offset < 0 || e->chunk_size < 0)
			BAD("entry %zu (%s): negative size", i, e->name);
		if (e->type == TOC_REG) {
			file = e->size > 0 ? e : NULL;
			covered = 0;
		} else if (e->type == TOC_CHUNK) {
			if (!file)
				BAD("entry %zu: a chunk with no file", i);
			if (strcmp(e->name, file->name))
				BAD("entry %zu: chunk of %s follows %s", i,
				    e->name, file->name);
		} else {
			file = NULL;
		}
		if (!data)
			continue;
		if (e->chunk_offset != covered)
			BAD("entry %zu (%s): chunk at %lld, expected %lld", i,
			    e->name, (long long)e->chunk_offset,
			    (long long)covered);
		int64_t left = file->size - covered;

		if (e->chunk_size == 0) /* the last chunk: the rest */
			e->chunk_size = left;
		if (e->chunk_size > left)
			BAD("entry %zu (%s): chunk past the end of the file", i,
			    e->name);
		covered += e->chunk_size;
		/* estargz 0.13's minimum chunk size packs small files into
		 * one member, each at an innerOffset into its output */
		if (e->packed)
			BAD("entry %zu (%s): innerOffset (files packed "
			    "into one member, eStargz with a minimum chunk "
			    "size) is not supported",
			    i, e->name);
		if (e->offset <= last_offset && last_offset)
			BAD("entry %zu (%s): offset %llu is not after %llu", i,
			    e->name, (unsigned long long)e->offset,
			    (unsigned long long)last_offset);
		if (e->offset == 0 || e->offset >= toc_offset)
			BAD("entry %zu (%s): offset %llu outside the data", i,
			    e->name, (unsigned long long)e->offset);
		last_offset = e->offset;
	}
	if (file && covered != file->size)
		BAD("%s: chunks cover %lld of %lld bytes", file->name,
		    (long long)covered, (long long)file->size);
	/* each data member ends where the next one starts; an offset on an
	 * entry without data (the writers put none there) names no member */
	uint64_t next = toc_offset;

	for (size_t i = t->n; i-- > 0;) {
		struct toc_entry *e = &t->v[i];

		if (toc_entry_has_data(e)) {
			e->next_offset = next;
			next = e->offset;
		}
	}
	return 0;
}

int toc_parse(const char *json, size_t len, uint64_t toc_offset, struct toc *t,
	      char *why, size_t why_len)
{
	struct json_tokener *tok = json_tokener_new_ex(8);
	struct json_object *root, *entries, *version;
	int64_t v;

	memset(t, 0, sizeof(*t));
	if (!tok)
		BAD("out of memory");
	if (len > INT_MAX)
		len = INT_MAX; /* bounded by TOC_MAX_JSON before */
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(why, why_len, "TOC JSON: %s at byte %zu",
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 json_tokener_get_parse_end(tok));
		json_object_put(root);
		json_tokener_free(tok);
		return -1;
	}
	for (size_t end = json_tokener_get_parse_end(tok); end < len; end++) {
		if (!strchr(" \t\r\n", json[end])) {
			json_object_put(root);
			json_tokener_free(tok);
			BAD("TOC JSON: data after the object at byte %zu", end);
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "version", &version) ||
	    get_int(version, &v) < 0 || v < 1 || v > 1000 ||
	    !json_object_object_get_ex(root, "entries", &entries) ||
	    !(json_object_is_type(entries, json_type_array) ||
	      json_object_is_type(entries, json_type_null))) {
		json_object_put(root);
		BAD("TOC JSON: not {\"version\": N, \"entries\": [...]}");
	}
	t->version = (int)v;
	size_t n = json_object_is_type(entries, json_type_array)
			   ? json_object_array_length(entries)
			   : 0;

	for (size_t i = 0; i < n; i++) {
		struct toc_entry *e = toc_add(t);

		if (!e ||
		    parse_entry(json_object_array_get_idx(entries, i), e) < 0) {
			json_object_put(root);
			toc_free(t);
			BAD("TOC JSON: entry %zu is malformed", i);
		}
	}
	json_object_put(root);
	if (check_entries(t, toc_offset, why, why_len) < 0) {
		toc_free(t);
		return -1;
	}
	return 0;
}
