/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Data a layer repeats (vendored copies, a header per architecture) is
 * compressed once. The first time a member's data is seen only its
 * fingerprint is recorded, and the member is compressed as always. The
 * second time, the data is compressed into a gzip member of its own, kept
 * here; that member and every later copy's are that one, joined
 * (splice.h) to the compressed headers that follow. A member's bytes
 * depend only on what came before it in the layer, never on timing:
 * whether the kept member was ready or made again, it is the same.
 * The caller serializes every call. */
#ifndef STARGZIFY_DEDUP_H
#define STARGZIFY_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "splice.h"
#include "toc.h"

/* Smaller data is not worth a second deflate stream in its member. */
#define DEDUP_MIN 4096

struct dedup_key {
	uint8_t digest[SHA256_LEN]; /* of the data */
	uint64_t len;		    /* the data and its padding */
};

enum dedup_state { DEDUP_MAKING, DEDUP_KEPT, DEDUP_FAILED };

/* The gzip member of a repeated key's data and padding alone. */
struct dedup_member {
	struct dedup_key key;
	enum dedup_state state;
	struct deflate_end end; /* of its deflate stream */
	uint8_t *gz;
	size_t gz_len;
};

/* A key seen: its fingerprint (0: a free slot), and its member if the
 * key repeated and one is kept or being made for it. */
struct dedup_slot {
	uint64_t fingerprint;
	struct dedup_member *member;
};

struct dedup {
	struct dedup_slot *slots; /* open addressing */
	size_t size, n;
	size_t kept_bytes;
};

/* Records key; true when it was recorded before. Past a fixed number of
 * keys, new ones are not recorded: memory stays bounded. */
bool dedup_repeat(struct dedup *d, const struct dedup_key *key);
/* The member for key, kept or being made, or NULL. */
struct dedup_member *dedup_find(const struct dedup *d,
				const struct dedup_key *key);
/* A member for key, for the caller to make and pass to dedup_made(),
 * unless the bytes kept would pass a fixed budget: then NULL. Members
 * stay until dedup_free(). */
struct dedup_member *dedup_reserve(struct dedup *d,
				   const struct dedup_key *key);
/* Keeps a copy of gz, the member made; with gz NULL, it failed. */
void dedup_made(struct dedup *d, struct dedup_member *m, const uint8_t *gz,
		size_t gz_len, const struct deflate_end *end);
void dedup_free(struct dedup *d);

#endif
