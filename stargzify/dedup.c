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

/* Open addressing, linear probing. A digest's bits are uniform, but the
 * fingerprint also holds the length: mixed, so that no run of keys piles
 * up in one cluster. */
static size_t slot_of(uint64_t f, size_t size)
{
	f ^= f >> 31;
	f *= 0x9e3779b97f4a7c15ull;
	return (size_t)(f >> 32) & (size - 1);
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
	/* a fingerprint that collides only has a member that is no repeat
	 * compressed in two parts: kept members are found by the whole key,
	 * so no data is ever taken for another */
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

struct dedup_member *dedup_find(const struct dedup *d,
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

/* Bytes a member of data of len bytes is counted for until it is made:
 * deflate's bound, stored blocks of 64 KiB with 5 bytes each. */
static size_t reserved_bytes(uint64_t len)
{
	return sizeof(struct dedup_member) + 2 * sizeof(void *) + (size_t)len +
	       (size_t)(len / 65535 + 1) * 5 + 18;
}

struct dedup_member *dedup_reserve(struct dedup *d, const struct dedup_key *key)
{
	struct dedup_member *m;
	size_t s, cost;

	if (key->len > KEPT_MAX)
		return NULL;
	cost = reserved_bytes(key->len);
	if (cost > KEPT_MAX - d->kept_bytes ||
	    ((d->kept_n + 1) * 2 > d->kept_size && kept_grow(d) < 0))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->key = *key;
	m->state = DEDUP_MAKING;
	for (s = slot_of(fingerprint(key), d->kept_size); d->kept[s];
	     s = (s + 1) & (d->kept_size - 1))
		;
	d->kept[s] = m;
	d->kept_n++;
	d->kept_bytes += cost;
	return m;
}

void dedup_made(struct dedup *d, struct dedup_member *m, const uint8_t *gz,
		size_t gz_len, const struct deflate_end *end)
{
	/* what was reserved, now what it takes */
	d->kept_bytes -= reserved_bytes(m->key.len);
	m->gz = gz ? malloc(gz_len) : NULL;
	if (!m->gz) {
		m->state = DEDUP_FAILED;
		return;
	}
	memcpy(m->gz, gz, gz_len);
	m->gz_len = gz_len;
	m->end = *end;
	m->state = DEDUP_KEPT;
	d->kept_bytes += sizeof(*m) + 2 * sizeof(void *) + gz_len;
}

void dedup_free(struct dedup *d)
{
	for (size_t i = 0; i < d->kept_size; i++) {
		if (d->kept[i])
			free(d->kept[i]->gz);
		free(d->kept[i]);
	}
	free(d->kept);
	free(d->seen);
	memset(d, 0, sizeof(*d));
}
