// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "idmap.h"

#define IDMAP_LAST_ID 4294967294u

static int add_extent(struct idmap *m, uint32_t inside, uint32_t outside,
		      uint32_t count, struct idmap_problem *problem)
{
	if (m->n == IDMAP_MAX_EXTENTS) {
		problem->status = IDMAP_TOO_MANY;
		return -1;
	}
	if ((uint64_t)inside + count - 1 > IDMAP_LAST_ID) {
		problem->status = IDMAP_TOO_LARGE;
		return -1;
	}
	m->ext[m->n++] = (struct idmap_extent){ inside, outside, count };
	return 0;
}

static int check_ranges(uint32_t self, const struct subid_range *r, size_t n,
			struct idmap_problem *problem)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (self >= r[i].start && self - r[i].start < r[i].count) {
			problem->status = IDMAP_HOLDS_SELF;
			problem->a = i;
			return -1;
		}
	}
	if (subid_find_overlap(r, n, &problem->a, &problem->b)) {
		problem->status = IDMAP_OVERLAP;
		return -1;
	}
	return 0;
}

int idmap_build(struct idmap *m, uint32_t self, bool keep_id,
		const struct subid_range *ranges, size_t n,
		struct idmap_problem *problem)
{
	/* keep-id: self sits at its own number and the ranges fill the ids
	 * below and above it; otherwise self is 0 and the ranges follow. */
	uint32_t self_inside = keep_id ? self : 0;
	uint64_t next = 0;
	bool self_placed = false;
	size_t i;

	m->n = 0;
	problem->status = IDMAP_OK;
	if (check_ranges(self, ranges, n, problem) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t outside = ranges[i].start, left = ranges[i].count;

		while (left > 0) {
			uint64_t chunk = left;

			if (!self_placed && next == self_inside) {
				if (add_extent(m, self_inside, self, 1,
					       problem) < 0)
					return -1;
				self_placed = true;
				next++;
			}
			if (!self_placed && next + chunk > self_inside)
				chunk = self_inside - next;
			if (next > IDMAP_LAST_ID) {
				problem->status = IDMAP_TOO_LARGE;
				return -1;
			}
			if (add_extent(m, (uint32_t)next, outside,
				       (uint32_t)chunk, problem) < 0)
				return -1;
			next += chunk;
			outside += (uint32_t)chunk;
			left -= (uint32_t)chunk;
		}
	}
	if (!self_placed && add_extent(m, self_inside, self, 1, problem) < 0)
		return -1;
	if (idmap_format(m, NULL, 0) > IDMAP_MAX_TEXT) {
		problem->status = IDMAP_TOO_MANY;
		return -1;
	}
	return 0;
}

void idmap_single(struct idmap *m, uint32_t self, bool keep_id)
{
	m->n = 1;
	m->ext[0] = (struct idmap_extent){ keep_id ? self : 0, self, 1 };
}

int idmap_format(const struct idmap *m, char *buf, size_t len)
{
	size_t used = 0, i;

	for (i = 0; i < m->n; i++) {
		int w = snprintf(buf ? buf + used : NULL, buf ? len - used : 0,
				 "%u %u %u\n", m->ext[i].inside,
				 m->ext[i].outside, m->ext[i].count);

		if (w < 0)
			return -1;
		used += (size_t)w;
		if (buf && used >= len)
			return -1;
	}
	return (int)used;
}

int idmap_describe(const struct idmap_problem *p, const struct subid_range *r,
		   const char *file, char *buf, size_t len)
{
	int w;

	switch (p->status) {
	case IDMAP_OVERLAP:
		w = snprintf(buf, len,
			     "%s: ranges overlap: %u-%u (line %u) and %u-%u "
			     "(line %u)",
			     file, r[p->a].start,
			     r[p->a].start + r[p->a].count - 1, r[p->a].line,
			     r[p->b].start, r[p->b].start + r[p->b].count - 1,
			     r[p->b].line);
		break;
	case IDMAP_HOLDS_SELF:
		w = snprintf(buf, len,
			     "%s: range %u-%u (line %u) contains the caller's "
			     "own id",
			     file, r[p->a].start,
			     r[p->a].start + r[p->a].count - 1, r[p->a].line);
		break;
	case IDMAP_TOO_MANY:
		w = snprintf(buf, len,
			     "%s: too many ranges: the kernel takes at most "
			     "%d map lines in %d bytes",
			     file, IDMAP_MAX_EXTENTS, IDMAP_MAX_TEXT);
		break;
	case IDMAP_TOO_LARGE:
		w = snprintf(buf, len,
			     "%s: the ranges add up to more ids than a "
			     "namespace has (4294967295)",
			     file);
		break;
	default:
		w = snprintf(buf, len, "%s: no problem", file);
		break;
	}
	return w < 0 || (size_t)w >= len ? -1 : 0;
}
