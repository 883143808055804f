/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KEY=VALUE resource settings, cgroup v2 names or v1 / OCI names, turned
 * into the v2 files to write, with the conversions crun makes. Pure logic:
 * no file is touched here. */
#ifndef CGROUP_DELEGATE_SETTINGS_H
#define CGROUP_DELEGATE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SETTINGS_MAX_WRITES 64

struct cg_write {
	char file[64];
	char value[160];
};

struct cg_plan {
	struct cg_write w[SETTINGS_MAX_WRITES];
	size_t n;
};

/* has_bfq: the cgroup has io.bfq.weight (the BFQ scheduler is in use), so
 * blkio.weight keeps its scale. Returns 0, or -1 with a reason in why. */
int settings_plan(char *const *assign, size_t n, bool has_bfq,
		  struct cg_plan *plan, char *why, size_t len);

/* crun's (and opencontainers/cgroups') cpu.shares -> cpu.weight: 0 stays 0
 * (unset), 2 and below give 1, 262144 and above 10000, and in between a
 * quadratic in log2 that maps the default 1024 to 100. */
uint64_t settings_shares_to_weight(uint64_t shares);
/* blkio.weight 10..1000 -> io.weight 1..10000, as runc and crun. */
uint64_t settings_blkio_to_io_weight(uint64_t weight);
/* "512M", "4g", "1048576", "max" (and "-1" when v1 is true). */
int settings_parse_size(const char *s, bool v1, uint64_t *out, bool *max);

#endif
