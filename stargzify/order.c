// SPDX-License-Identifier: GPL-2.0-or-later
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "order.h"

/* Hard link chains are followed this deep; a cycle (a -> b -> a) sent the
 * reference into unbounded recursion. */
#define MAX_LINK_DEPTH 64

static size_t hash_key(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t *slot_for(struct order *p, const char *key)
{
	size_t mask = p->table_size - 1, i = hash_key(key) & mask;

	for (;; i = (i + 1) & mask) {
		size_t v = p->table[i];

		if (!v || !strcmp(p->entries[v - 1].key, key))
			return &p->table[i];
	}
}

static int grow_table(struct order *p)
{
	size_t old_size = p->table_size, *old = p->table;
	size_t size = old_size ? old_size * 2 : 1024;
	size_t *table = calloc(size, sizeof(*table));

	if (!table)
		return -1; /* the old table stays, whole */
	p->table = table;
	p->table_size = size;
	for (size_t i = 0; i < old_size; i++)
		if (old[i])
			*slot_for(p, p->entries[old[i] - 1].key) = old[i];
	free(old);
	return 0;
}

/* Room for one more entry, in the array and in the table. */
static int make_room(struct order *p)
{
	if (p->n_entries == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct order_entry *n = realloc(p->entries, cap * sizeof(*n));

		if (!n)
			return -1;
		p->entries = n;
		p->cap = cap;
	}
	if ((p->n_entries + 1) * 2 > p->table_size)
		return grow_table(p);
	return 0;
}

static struct order_entry *lookup(struct order *p, const char *key)
{
	size_t v = p->table_size ? *slot_for(p, key) : 0;

	return v ? &p->entries[v - 1] : NULL;
}

int order_add(struct order *p, const struct tar_header *h, bool build)
{
	char *key = make_room(p) < 0 ? NULL : tar_clean_name(h->name);

	if (!key)
		return -1;
	/* A TOC or landmark in the input is the converter's to write
	 * (input that was already converted). */
	if (!strcmp(key, TOC_TAR_NAME) ||
	    (build && (!strcmp(key, LANDMARK_PREFETCH) ||
		       !strcmp(key, LANDMARK_NO_PREFETCH)))) {
		free(key);
		return ORDER_SKIPPED;
	}
	struct order_entry *e = &p->entries[p->n_entries];

	*e = (struct order_entry){ .header_off = h->header_off, .key = key };
	if (h->type == '1' && !(e->link_key = tar_clean_name(h->linkname))) {
		free(key);
		return -1;
	}
	size_t *slot = slot_for(p, key);
	int r = ORDER_NEW;

	if (*slot && build) {
		p->entries[*slot - 1].dropped = true;
		r = ORDER_REPLACES;
	}
	*slot = ++p->n_entries;
	return r;
}

int order_index(struct order *p, const struct tar_src *src, bool build,
		char *why, size_t why_len)
{
	uint64_t off = 0;
	struct tar_header h;
	int r;

	memset(p, 0, sizeof(*p));
	while ((r = tar_next(src, &off, &h, why, why_len)) > 0) {
		int added = order_add(p, &h, build);

		tar_header_free(&h);
		if (added < 0) {
			snprintf(why, why_len, "out of memory");
			return -1;
		}
	}
	return r;
}

static void place(struct order *p, struct order_entry *e)
{
	if (e->dropped || e->moved)
		return;
	e->moved = true;
	p->order[p->n_order++] = (size_t)(e - p->entries);
}

/* Moves name, its parent directories first, and a hard link's target
 * before the link. Returns -1 when name itself is not in the layer. */
static int move_rec(struct order *p, const char *key, int depth)
{
	struct order_entry *e = lookup(p, key), *a;
	char *dir;

	if (!e || e->dropped)
		return *key ? -1 : 0; /* "" is the root, absent or not */
	if (e->moved)
		return 0;
	dir = strdup(key);
	if (!dir)
		die("out of memory");
	if ((a = lookup(p, "")))
		place(p, a); /* the root "./" */
	/* Every ancestor, outermost first, without recursion: a name can be
	 * a megabyte of "a/a/a/...". */
	for (char *s = dir; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if ((a = lookup(p, dir)))
			place(p, a);
		*s = '/';
	}
	free(dir);
	if (e->link_key && depth < MAX_LINK_DEPTH)
		move_rec(p, e->link_key, depth + 1);
	place(p, e);
	return 0;
}

int order_entries(struct order *p, char *const *prio, size_t n_prio,
		  bool landmark)
{
	p->order = malloc((p->n_entries + 1) * sizeof(*p->order));
	if (!p->order)
		return -1;
	p->n_order = 0;
	for (size_t i = 0; i < n_prio; i++) {
		char *key = tar_clean_name(prio[i]);

		if (!key)
			return -1;
		struct order_entry *root = *key ? NULL : lookup(p, "");

		if (root)
			place(p, root);
		else if (move_rec(p, key, 0) < 0)
			warn("--prioritize: %s is not in the layer", prio[i]);
		free(key);
	}
	p->landmark = !landmark ? NULL
		      : n_prio	? LANDMARK_PREFETCH
				: LANDMARK_NO_PREFETCH;
	if (p->landmark)
		p->order[p->n_order++] = ORDER_LANDMARK;
	for (size_t i = 0; i < p->n_entries; i++)
		place(p, &p->entries[i]);
	return 0;
}

void order_free(struct order *p)
{
	for (size_t i = 0; i < p->n_entries; i++) {
		free(p->entries[i].key);
		free(p->entries[i].link_key);
	}
	free(p->entries);
	free(p->order);
	free(p->table);
	memset(p, 0, sizeof(*p));
}

static int push_path(char ***paths, size_t *n, const char *s, size_t len)
{
	char **np = realloc(*paths, (*n + 1) * sizeof(**paths));

	if (!np)
		return -1;
	*paths = np;
	if (!(np[*n] = strndup(s, len)))
		return -1;
	(*n)++;
	return 0;
}

int order_read_prio_list(const char *text, char ***paths, size_t *n, char *why,
			 size_t why_len)
{
	size_t line = 0;

	*paths = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		const char *s = p;

		line++;
		p += len + (p[len] == '\n');
		while (len && (s[len - 1] == '\r'))
			len--;
		if (!len)
			continue;
		if (*s != '{') {
			if (push_path(paths, n, s, len) < 0)
				goto oom;
			continue;
		}
		/* {"path": "..."} as the reference's JSON-lines records */
		char *copy = strndup(s, len);
		struct json_object *obj =
			copy ? json_tokener_parse(copy) : NULL;
		struct json_object *path;

		free(copy);
		if (!obj || !json_object_is_type(obj, json_type_object) ||
		    !json_object_object_get_ex(obj, "path", &path) ||
		    !json_object_is_type(path, json_type_string)) {
			json_object_put(obj);
			snprintf(why, why_len,
				 "line %zu: not a path nor a {\"path\": ...} "
				 "record",
				 line);
			order_free_prio_list(*paths, *n);
			return -1;
		}
		int r = push_path(paths, n, json_object_get_string(path),
				  (size_t)json_object_get_string_len(path));

		json_object_put(obj);
		if (r < 0)
			goto oom;
	}
	return 0;
oom:
	order_free_prio_list(*paths, *n);
	snprintf(why, why_len, "out of memory");
	return -1;
}

void order_free_prio_list(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
