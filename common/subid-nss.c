// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "subid-nss.h"

#ifdef HAVE_LIBSUBID
#include <dlfcn.h>
#include <shadow/subid.h>

#define STRINGIFY_(x)	#x
#define STRINGIFY(x)	STRINGIFY_(x)
#define LIBSUBID_SONAME "libsubid.so." STRINGIFY(SUBID_ABI_MAJOR)

/* Loaded only when nsswitch.conf names an NSS source: libsubid links PAM,
 * SELinux, audit and more, which would cost every run of a tool about a
 * millisecond of dynamic linking for what the files alone answer. */
struct libsubid {
	__typeof__(subid_init) *init;
	__typeof__(subid_get_uid_ranges) *get_uid_ranges;
	__typeof__(subid_get_gid_ranges) *get_gid_ranges;
	__typeof__(subid_get_uid_owners) *get_uid_owners;
	__typeof__(subid_get_gid_owners) *get_gid_owners;
};

static int load_libsubid(struct libsubid *lib)
{
	void *h = dlopen(LIBSUBID_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		errno = ENOTSUP;
		return -1;
	}
	lib->init = (__typeof__(lib->init))dlsym(h, "subid_init");
	lib->get_uid_ranges = (__typeof__(lib->get_uid_ranges))dlsym(
		h, "subid_get_uid_ranges");
	lib->get_gid_ranges = (__typeof__(lib->get_gid_ranges))dlsym(
		h, "subid_get_gid_ranges");
	lib->get_uid_owners = (__typeof__(lib->get_uid_owners))dlsym(
		h, "subid_get_uid_owners");
	lib->get_gid_owners = (__typeof__(lib->get_gid_owners))dlsym(
		h, "subid_get_gid_owners");
	if (!lib->init || !lib->get_uid_ranges || !lib->get_gid_ranges ||
	    !lib->get_uid_owners || !lib->get_gid_owners) {
		dlclose(h);
		errno = ENOTSUP;
		return -1;
	}
	return 0;
}

int subid_nss_get(int gid, const char *prog, const char *name,
		  struct subid_nss_range **out)
{
	struct subid_range *got = NULL;
	struct subid_nss_range *v;
	struct libsubid lib;
	int n, i;

	if (load_libsubid(&lib) < 0)
		return -1;
	lib.init(prog, stderr);
	n = gid ? lib.get_gid_ranges(name, &got)
		: lib.get_uid_ranges(name, &got);
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
int subid_nss_owners(int gid, const char *prog, unsigned long id, uid_t **out)
{
	struct libsubid lib;
	int n;

	if (load_libsubid(&lib) < 0)
		return -1;
	lib.init(prog, stderr);
	n = gid ? lib.get_gid_owners((gid_t)id, out)
		: lib.get_uid_owners((uid_t)id, out);
	if (n < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}
#else
int subid_nss_owners(int gid, const char *prog, unsigned long id, uid_t **out)
{
	(void)gid;
	(void)prog;
	(void)id;
	(void)out;
	errno = ENOTSUP;
	return -1;
}

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
