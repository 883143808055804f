/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/self/mountinfo, parsed once: each mount's id, mount point
 * (unescaped), filesystem type and super options. */
#ifndef COMMON_MOUNTINFO_H
#define COMMON_MOUNTINFO_H

#include <stddef.h>
#include <stdint.h>

struct mount_entry {
	uint64_t id;
	const char *point;
	const char *fstype;
	const char *super_opts;
};

struct mountinfo {
	struct mount_entry *v;
	size_t n;
	char *text; /* the entries point into it */
};

/* Parse text (NUL-terminated, taken over and modified in place). Lines
 * that do not parse are skipped. Returns 0, or -1 with errno. */
int mountinfo_parse(struct mountinfo *m, char *text);
int mountinfo_load(struct mountinfo *m);
void mountinfo_free(struct mountinfo *m);
/* The mount point of the first mount of type fstype (whose super options
 * hold option, unless NULL), from /proc/self/mountinfo. Returns 0, or -1
 * with errno (ENOENT: none). */
int mountinfo_find_point(const char *fstype, const char *option, char *out,
			 size_t len);
/* Does the comma-separated list opts hold word? */
int mountinfo_has_option(const char *opts, const char *word);

#endif
