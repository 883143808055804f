/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The order in which the layer's entries are written: as the reference's
 * Build, a later entry of the same name replaces an earlier one, the
 * --prioritize files (with their parents and hard link targets) come first,
 * then a landmark file, then everything else in archive order. */
#ifndef STARGZIFY_ORDER_H
#define STARGZIFY_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tar.h"

#define LANDMARK_PREFETCH    ".prefetch.landmark"
#define LANDMARK_NO_PREFETCH ".no.prefetch.landmark"
#define TOC_TAR_NAME	     "stargz.index.json"
#define LANDMARK_CONTENTS    0x0f

struct order_entry {
	uint64_t header_off; /* where tar_next() finds it again */
	char *key;	     /* tar_clean_name() of its name */
	char *link_key;	     /* of a hard link's target, else NULL */
	bool dropped;	     /* replaced by a later entry of the same name */
	bool moved;	     /* already placed by --prioritize */
};

/* One step of the output: an archive entry, or the landmark file. */
#define ORDER_LANDMARK SIZE_MAX

struct order {
	struct order_entry *entries; /* archive order */
	size_t n_entries;
	size_t *order; /* indexes into entries, or ORDER_LANDMARK */
	size_t n_order;
	const char *landmark; /* NULL: none (--format=stargz) */

	size_t cap;    /* of entries */
	size_t *table; /* open-addressed key -> entry index + 1 */
	size_t table_size;
};

enum { ORDER_SKIPPED, ORDER_NEW, ORDER_REPLACES };

/* Indexes the archive (every header is read and checked). With build, as
 * the reference's eStargz Build: input landmarks dropped and a later entry
 * replacing an earlier one of the same name; without, as crfs's streaming
 * writer (--format=stargz): every entry kept. A TOC is always dropped. */
int order_index(struct order *p, const struct tar_src *src, bool build,
		char *why, size_t why_len);
/* One step of order_index(), for a caller that reads the headers itself
 * (p zeroed first): ORDER_SKIPPED (a TOC or landmark), ORDER_NEW,
 * ORDER_REPLACES (it drops an earlier entry of the same name), -1 when
 * out of memory. */
int order_add(struct order *p, const struct tar_header *h, bool build);
/* Orders the entries; prio is a list of paths (NULL for none); with
 * landmark false no landmark is written and prio must be NULL. Paths not
 * in the layer are reported through warn() and skipped, as the reference
 * with WithAllowPrioritizeNotFound. */
int order_entries(struct order *p, char *const *prio, size_t n_prio,
		  bool landmark);
void order_free(struct order *p);

/* Reads a --prioritize list: one path per line, or JSON lines with a
 * "path" member (the format of the reference's record-in tools). */
int order_read_prio_list(const char *text, char ***paths, size_t *n, char *why,
			 size_t why_len);
void order_free_prio_list(char **paths, size_t n);

#endif
