/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsubid, kept apart: its header defines a struct subid_range of its own. */
#ifndef COMMON_SUBID_NSS_H
#define COMMON_SUBID_NSS_H

#include <sys/types.h>

struct subid_nss_range {
	unsigned long start;
	unsigned long count;
};

/* The ranges NSS gives name, as a malloc'd array the caller frees. Returns
 * their number, or -1 with errno (ENOTSUP when built without libsubid). */
int subid_nss_get(int gid, const char *prog, const char *name,
		  struct subid_nss_range **out);

/* The uids whose NSS ranges hold id (subid_get_uid_owners), as a malloc'd
 * array. Returns their number, or -1 with errno. */
int subid_nss_owners(int gid, const char *prog, unsigned long id, uid_t **out);

#endif
