// SPDX-License-Identifier: GPL-2.0-or-later
/* A libsubid NSS module for the tests ("subid: testnss" in nsswitch.conf,
 * found through LD_LIBRARY_PATH): user `rlt` owns uids 300000-300999 and
 * 500000-500009 and gids 300000-300999, none of which /etc/subuid names,
 * so only a tool that really asks NSS can see them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <shadow/subid.h>

#define TEST_OWNER "rlt"
#define TEST_UID 48879

static const struct subid_range uid_ranges[] = { { 300000, 1000 },
						  { 500000, 10 } };
static const struct subid_range gid_ranges[] = { { 300000, 1000 } };

static const struct subid_range *ranges_of(enum subid_type t, int *n)
{
	*n = t == ID_TYPE_UID ? 2 : 1;
	return t == ID_TYPE_UID ? uid_ranges : gid_ranges;
}

enum subid_status shadow_subid_has_range(const char *owner,
					 unsigned long start,
					 unsigned long count,
					 enum subid_type t, bool *result);
enum subid_status shadow_subid_list_owner_ranges(const char *owner,
						 enum subid_type t,
						 struct subid_range **out,
						 int *count);
enum subid_status shadow_subid_find_subid_owners(unsigned long id,
						 enum subid_type t,
						 uid_t **uids, int *count);
void shadow_subid_free(void *ptr);

enum subid_status shadow_subid_has_range(const char *owner,
					 unsigned long start,
					 unsigned long count,
					 enum subid_type t, bool *result)
{
	const struct subid_range *r;
	int n, i;

	*result = false;
	if (strcmp(owner, TEST_OWNER) != 0)
		return SUBID_STATUS_SUCCESS;
	r = ranges_of(t, &n);
	for (i = 0; i < n; i++)
		if (start >= r[i].start &&
		    start + count <= r[i].start + r[i].count)
			*result = true;
	return SUBID_STATUS_SUCCESS;
}

enum subid_status shadow_subid_list_owner_ranges(const char *owner,
						 enum subid_type t,
						 struct subid_range **out,
						 int *count)
{
	const struct subid_range *r;
	int n;

	*count = 0;
	*out = NULL;
	if (strcmp(owner, TEST_OWNER) != 0)
		return SUBID_STATUS_SUCCESS;
	r = ranges_of(t, &n);
	*out = malloc(sizeof(*r) * (size_t)n);
	if (!*out)
		return SUBID_STATUS_ERROR;
	memcpy(*out, r, sizeof(*r) * (size_t)n);
	*count = n;
	return SUBID_STATUS_SUCCESS;
}

enum subid_status shadow_subid_find_subid_owners(unsigned long id,
						 enum subid_type t,
						 uid_t **uids, int *count)
{
	const struct subid_range *r;
	int n, i;

	*count = 0;
	*uids = NULL;
	r = ranges_of(t, &n);
	for (i = 0; i < n; i++)
		if (id >= r[i].start && id < r[i].start + r[i].count) {
			*uids = malloc(sizeof(uid_t));
			if (!*uids)
				return SUBID_STATUS_ERROR;
			**uids = TEST_UID;
			*count = 1;
		}
	return SUBID_STATUS_SUCCESS;
}

void shadow_subid_free(void *ptr)
{
	free(ptr);
}
