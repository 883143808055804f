/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Subordinate IDs: the ranges /etc/subuid and /etc/subgid (or an NSS module
 * through libsubid) give to a user. The file parser is strict: a line is
 * OWNER:START:COUNT, exactly three fields, OWNER a name or a numeric uid,
 * START and COUNT decimal without leading zeros, COUNT > 0 and the range
 * ending at or below 4294967294 (the kernel refuses a map extent that wraps
 * 2^32, and 4294967295 is the invalid id -1). */
#ifndef COMMON_SUBID_H
#define COMMON_SUBID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SUBID_UID_FILE "/etc/subuid"
#define SUBID_GID_FILE "/etc/subgid"
#define SUBID_NSSWITCH "/etc/nsswitch.conf"
/* Nothing legitimate comes close; a cap keeps a hostile file from making us
 * allocate without bound. */
#define SUBID_FILE_MAX	(64u << 20)
#define SUBID_OWNER_MAX 256

enum subid_kind { SUBID_UID, SUBID_GID };

struct subid_range {
	uint32_t start;
	uint32_t count;
	unsigned int line; /* in the file; 0 when it came from NSS */
};

struct subid_list {
	struct subid_range *v;
	size_t n;
	size_t cap;
};

/* One parsed line. owner points into the buffer and is not NUL-terminated. */
struct subid_entry {
	const char *owner;
	size_t owner_len;
	uint32_t start;
	uint32_t count;
};

struct subid_cursor {
	const char *pos;
	const char *end;
	unsigned int line;
};

/* Called for each malformed line that may belong to the user asked about
 * (its owner field matches, or cannot be told). */
typedef void subid_report_fn(const char *file, unsigned int line,
			     const char *why, void *ctx);

/* Parse one line (no newline). Returns 1 for an entry, 0 for a blank or
 * '#' comment line, -1 for a malformed one with *why set; on -1, e->owner is
 * set when the owner field could be read (else NULL). */
int subid_parse_line(const char *line, size_t len, struct subid_entry *e,
		     const char **why);

void subid_cursor_init(struct subid_cursor *c, const char *buf, size_t len);
/* Next non-blank line: 1 entry, 0 end of buffer, -1 malformed (c->line is its
 * number). */
int subid_cursor_next(struct subid_cursor *c, struct subid_entry *e,
		      const char **why);

/* Does the owner field name this user (by name, or by decimal uid)? */
bool subid_owner_matches(const struct subid_entry *e, const char *name,
			 uid_t uid);

/* Append to out the ranges of buf (a subuid/subgid file's contents) that
 * belong to name or uid. name may be NULL. Returns 0, or -1 with errno. */
int subid_parse_buffer(const char *buf, size_t len, const char *file,
		       const char *name, uid_t uid, struct subid_list *out,
		       subid_report_fn *report, void *ctx);
/* The same for a file; a missing file means no ranges. */
int subid_parse_file(const char *file, const char *name, uid_t uid,
		     struct subid_list *out, subid_report_fn *report,
		     void *ctx);

/* The NSS source for subid named in nsswitch.conf ("files" when none). */
int subid_nss_source(const char *nsswitch, char *buf, size_t len);

/* The user's ranges, from the NSS module when nsswitch.conf names one (via
 * libsubid), else from the file, parsed strictly. */
int subid_lookup(enum subid_kind kind, const char *name, uid_t uid,
		 struct subid_list *out, subid_report_fn *report, void *ctx);

int subid_list_append(struct subid_list *l, const struct subid_range *r);
void subid_list_free(struct subid_list *l);

/* Total number of ids in the list. */
uint64_t subid_list_total(const struct subid_list *l);
/* Find two ranges that share an id. Returns true and their indexes (a < b). */
bool subid_find_overlap(const struct subid_range *v, size_t n, size_t *a,
			size_t *b);

#endif
