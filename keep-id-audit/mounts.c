// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "io.h"
#include "mounts.h"
#include "parse.h"

static const char *const pseudo_types[] = {
	"proc",	      "sysfs",	     "cgroup",	  "cgroup2",	"devtmpfs",
	"devpts",     "debugfs",     "tracefs",	  "securityfs", "bpf",
	"pstore",     "configfs",    "fusectl",	  "mqueue",	"hugetlbfs",
	"efivarfs",   "binfmt_misc", "selinuxfs", "autofs",	"nsfs",
	"rpc_pipefs", "nfsd",	     "ramfs",
};

bool mounts_type_is_pseudo(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(pseudo_types) / sizeof(pseudo_types[0]); i++)
		if (strcmp(type, pseudo_types[i]) == 0)
			return true;
	return false;
}

/* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPER" */
static int parse_line(const char *line, size_t len, struct mount_type *out)
{
	const char *sp = memchr(line, ' ', len), *dash, *type, *end;
	uint64_t id;

	if (!sp || parse_u64_n(line, (size_t)(sp - line), UINT64_MAX, &id) < 0)
		return -1;
	dash = memmem(line, len, " - ", 3);
	if (!dash)
		return -1;
	type = dash + 3;
	end = memchr(type, ' ', (size_t)(line + len - type));
	if (!end)
		end = line + len;
	if ((size_t)(end - type) >= sizeof(out->type) || end == type)
		return -1;
	out->id = id;
	memcpy(out->type, type, (size_t)(end - type));
	out->type[end - type] = '\0';
	return 0;
}

int mounts_parse(struct mounts *m, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	m->v = NULL;
	m->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct mount_type mt, *v;

		if (n > 0 && parse_line(p, n, &mt) == 0) {
			v = realloc(m->v, (m->n + 1) * sizeof(*v));
			if (!v)
				return -1;
			m->v = v;
			m->v[m->n++] = mt;
		}
		p += n + 1;
	}
	return 0;
}

int mounts_load(struct mounts *m)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64u << 20, &text,
			 &len) < 0)
		return -1;
	return mounts_parse(m, text, len);
}

bool mounts_is_pseudo(const struct mounts *m, int fd)
{
	struct statx stx;
	size_t i;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	for (i = 0; i < m->n; i++)
		if (m->v[i].id == stx.stx_mnt_id)
			return mounts_type_is_pseudo(m->v[i].type);
	/* Mounted after we read mountinfo: do not enter the unknown. */
	return true;
}

void mounts_free(struct mounts *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
