// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "subid-nss.h"

#ifdef HAVE_LIBSUBID
#include <shadow/subid.h>

int subid_nss_get(int gid, const char *prog, const char *name,
		  struct subid_nss_range **out)
{
	struct subid_range *got = NULL;
	struct subid_nss_range *v;
	int n, i;

	subid_init(prog, stderr);
	n = gid ? subid_get_gid_ranges(name, &got)
		: subid_get_uid_ranges(name, &got);
	if (n < 0) {
		errno = EIO;
		return -1;
	}
	v = calloc(n ? (size_t)n : 1, sizeof(*v));
	if (!v) {
		free(got);
		return -1;
	}
	for (i = 0; i < n; i++) {
		v[i].start = got[i].start;
		v[i].count = got[i].count;
	}
	free(got);
	*out = v;
	return n;
}
#else
int subid_nss_get(int gid, const char *prog, const char *name,
		  struct subid_nss_range **out)
{
	(void)gid;
	(void)prog;
	(void)name;
	(void)out;
	errno = ENOTSUP;
	return -1;
}
#endif
