// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

/* 2^20 fingerprints (8 MiB) at most: a layer of more members of 4 KiB or
 * more than 3/4 of that still dedups the first ones. */
#define SEEN_MAX (1u << 20)
/* Compressed bytes kept: repeated data compresses to far less. */
#define KEPT_MAX (8u << 20)

static uint64_t fingerprint(const struct dedup_key *k)
{
	uint64_t f;

	memcpy(&f, k->digest, sizeof(f));
	f ^= k->len * 0x9e3779b97f4a7c15ull;
	return f ? f : 1;
}

/* Open addressing on a SHA-256: its bits are already uniform. */
static size_t slot_of(uint64_t f, size_t size)
{
	return (size_t)(f >> 3) & (size - 1);
}

static int seen_grow(struct dedup *d)
{
	size_t size = d->seen_size ? d->seen_size * 2 : 4096;
	uint64_t *t = calloc(size, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < d->seen_size; i++) {
		size_t s;

		if (!d->seen[i])
			continue;
		for (s = slot_of(d->seen[i], size); t[s];
		     s = (s + 1) & (size - 1))
			;
		t[s] = d->seen[i];
	}
	free(d->seen);
	d->seen = t;
	d->seen_size = size;
	return 0;
}

bool dedup_repeat(struct dedup *d, const struct dedup_key *key)
{
	uint64_t f = fingerprint(key);
	size_t s;

	if (d->seen_size) {
		for (s = slot_of(f, d->seen_size); d->seen[s];
		     s = (s + 1) & (d->seen_size - 1))
			if (d->seen[s] == f)
				return true;
	}
	/* a fingerprint that collides only costs a member made twice: the
	 * kept member is found by the whole key */
	if ((d->seen_n + 1) * 4 > d->seen_size * 3 &&
	    (d->seen_size >= SEEN_MAX || seen_grow(d) < 0))
		return false;
	for (s = slot_of(f, d->seen_size); d->seen[s];
	     s = (s + 1) & (d->seen_size - 1))
		;
	d->seen[s] = f;
	d->seen_n++;
	return false;
}

static bool key_equal(const struct dedup_key *a, const struct dedup_key *b)
{
	return a->len == b->len && !memcmp(a->digest, b->digest, SHA256_LEN);
}

const struct dedup_member *dedup_find(const struct dedup *d,
				      const struct dedup_key *key)
{
	if (!d->kept_size)
		return NULL;
	for (size_t s = slot_of(fingerprint(key), d->kept_size); d->kept[s];
	     s = (s + 1) & (d->kept_size - 1))
		if (key_equal(&d->kept[s]->key, key))
			return d->kept[s];
	return NULL;
}

static int kept_grow(struct dedup *d)
{
	size_t size = d->kept_size ? d->kept_size * 2 : 256;
	struct dedup_member **t = calloc(size, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < d->kept_size; i++) {
		size_t s;

		if (!d->kept[i])
			continue;
		for (s = slot_of(fingerprint(&d->kept[i]->key), size); t[s];
		     s = (s + 1) & (size - 1))
			;
		t[s] = d->kept[i];
	}
	free(d->kept);
	d->kept = t;
	d->kept_size = size;
	return 0;
}

void dedup_keep(struct dedup *d, const struct dedup_key *key, const uint8_t *gz,
		size_t gz_len, const struct deflate_end *end)
{
	size_t cost = sizeof(struct dedup_member) + gz_len + sizeof(void *);
	struct dedup_member *m;
	size_t s;

	if (cost > KEPT_MAX - d->kept_bytes || dedup_find(d, key))
		return;
	if ((d->kept_n + 1) * 2 > d->kept_size && kept_grow(d) < 0)
		return;
	m = malloc(sizeof(*m) + gz_len);
	if (!m)
		return;
	m->key = *key;
	m->end = *end;
	m->gz_len = gz_len;
	memcpy(m->gz, gz, gz_len);
	for (s = slot_of(fingerprint(key), d->kept_size); d->kept[s];
	     s = (s + 1) & (d->kept_size - 1))
		;
	d->kept[s] = m;
	d->kept_n++;
	d->kept_bytes += cost;
}

void dedup_free(struct dedup *d)
{
	for (size_t i = 0; i < d->kept_size; i++)
		free(d->kept[i]);
	free(d->kept);
	free(d->seen);
	memset(d, 0, sizeof(*d));
}
