// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

/* 2^19 keys (8 MiB) at most: in a layer of more data members of 4 KiB
 * or more than 3/4 of that, the first ones are still found again. */
#define SLOTS_MAX (1u << 19)
/* Compressed bytes kept: repeated data compresses to far less. */
#define KEPT_MAX (8u << 20)

static uint64_t fingerprint(const struct dedup_key *k)
{
	uint64_t f;

	memcpy(&f, k->digest, sizeof(f));
	f ^= k->len * 0x9e3779b97f4a7c15ull;
	return f ? f : 1;
}

/* The slot of fingerprint f, or the free slot where it would go: linear
 * probing from a mix of f (a digest's bits are uniform, but f also holds
 * the length; no run of keys may pile up in one cluster). */
static struct dedup_slot *probe(const struct dedup_slot *slots, size_t size,
				uint64_t f)
{
	uint64_t h = (f ^ f >> 31) * 0x9e3779b97f4a7c15ull;
	size_t s = (size_t)(h >> 32) & (size - 1);

	while (slots[s].fingerprint && slots[s].fingerprint != f)
		s = (s + 1) & (size - 1);
	return (struct dedup_slot *)&slots[s];
}

static int grow(struct dedup *d)
{
	size_t size = d->size ? d->size * 2 : 4096;
	struct dedup_slot *t = calloc(size, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < d->size; i++)
		if (d->slots[i].fingerprint)
			*probe(t, size, d->slots[i].fingerprint) = d->slots[i];
	free(d->slots);
	d->slots = t;
	d->size = size;
	return 0;
}

bool dedup_repeat(struct dedup *d, const struct dedup_key *key)
{
	uint64_t f = fingerprint(key);

	if (d->size && probe(d->slots, d->size, f)->fingerprint)
		return true;
	/* two keys of one fingerprint only have a member that is no repeat
	 * compressed in two parts: members are found by the whole key, so no
	 * data is ever taken for another */
	if ((d->n + 1) * 4 > d->size * 3 &&
	    (d->size >= SLOTS_MAX || grow(d) < 0))
		return false;
	probe(d->slots, d->size, f)->fingerprint = f;
	d->n++;
	return false;
}

static bool key_equal(const struct dedup_key *a, const struct dedup_key *b)
{
	return a->len == b->len && !memcmp(a->digest, b->digest, SHA256_LEN);
}

struct dedup_member *dedup_find(const struct dedup *d,
				const struct dedup_key *key)
{
	struct dedup_slot *s;

	if (!d->size)
		return NULL;
	s = probe(d->slots, d->size, fingerprint(key));
	return s->member && key_equal(&s->member->key, key) ? s->member : NULL;
}

/* Bytes a member of data of len bytes is counted for until it is made:
 * deflate's bound, stored blocks of 64 KiB with 5 bytes each. */
static size_t reserved_bytes(uint64_t len)
{
	return sizeof(struct dedup_member) + (size_t)len +
	       (size_t)(len / 65535 + 1) * 5 + 18;
}

struct dedup_member *dedup_reserve(struct dedup *d, const struct dedup_key *key)
{
	struct dedup_slot *s;
	size_t cost;

	if (!d->size || key->len > KEPT_MAX)
		return NULL;
	/* a key not recorded (the table full), or one whose fingerprint
	 * another key's member holds, gets none */
	s = probe(d->slots, d->size, fingerprint(key));
	cost = reserved_bytes(key->len);
	if (!s->fingerprint || s->member || cost > KEPT_MAX - d->kept_bytes)
		return NULL;
	s->member = calloc(1, sizeof(*s->member));
	if (!s->member)
		return NULL;
	s->member->key = *key;
	s->member->state = DEDUP_MAKING;
	d->kept_bytes += cost;
	return s->member;
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
	d->kept_bytes += sizeof(*m) + gz_len;
}

void dedup_free(struct dedup *d)
{
	for (size_t i = 0; i < d->size; i++) {
		if (d->slots[i].member)
			free(d->slots[i].member->gz);
		free(d->slots[i].member);
	}
	free(d->slots);
	memset(d, 0, sizeof(*d));
}
