/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of contents (stargz.index.json): entries, the JSON the
 * reference writes (Go's json.MarshalIndent, byte for byte, so that its
 * digest is what Go tools compute), and a strict parser for reading. */
#ifndef STARGZIFY_TOC_H
#define STARGZIFY_TOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>
#include <stdio.h>

#include "tar.h"

#define SHA256_LEN 32
/* A TOC larger than this is refused when reading (the reference has no
 * limit; 20k files make about 10 MiB). */
#define TOC_MAX_JSON (512u << 20)

enum toc_type {
	TOC_DIR,
	TOC_REG,
	TOC_SYMLINK,
	TOC_HARDLINK,
	TOC_CHAR,
	TOC_BLOCK,
	TOC_FIFO,
	TOC_CHUNK,
};

struct toc_entry {
	char *name;
	enum toc_type type;
	int64_t size;
	char *modtime; /* RFC 3339, NULL when omitted */
	char *linkname;
	int64_t mode, uid, gid;
	char *uname, *gname; /* NULL when omitted */
	uint64_t offset;
	int64_t devmajor, devminor;
	struct tar_xattr *xattrs;
	size_t n_xattrs;
	bool has_digest, has_chunk_digest;
	uint8_t digest[SHA256_LEN];
	int64_t chunk_offset, chunk_size;
	uint8_t chunk_digest[SHA256_LEN];
	bool packed; /* a nonzero innerOffset: refused (see check_entries) */

	/* Filled by toc_parse(): where this data entry's member ends (the
	 * next data entry's offset, or the TOC's). */
	uint64_t next_offset;
};

struct toc {
	int version;
	struct toc_entry *v;
	size_t n, cap;
};

struct toc_entry *toc_add(struct toc *t);
/* A non-empty file or a chunk: the entries that have a member. */
bool toc_entry_has_data(const struct toc_entry *e);
void toc_free(struct toc *t);
const char *toc_type_name(enum toc_type type);

/* "2006-01-02T15:04:05Z" of a tar mtime rounded to the second as Go's
 * formatModtime, or NULL for the epoch (omitted). */
char *toc_format_modtime(int64_t sec, int32_t nsec);

/* The TOC as Go's json.MarshalIndent(toc, "", "\t") writes it. */
int toc_write_json(FILE *out, const struct toc *t);
/* One entry on one line (json.Marshal), for --list --json. */
void toc_write_entry_line(FILE *out, const struct toc_entry *e);
/* A JSON string with Go's escaping (HTML-safe; invalid UTF-8 as U+FFFD). */
void toc_write_go_string(FILE *out, const char *s, size_t len);

/* Parses and checks a TOC read from a blob: known types, safe names,
 * chunk lists that cover each file exactly, offsets increasing and below
 * toc_offset. Fills next_offset. */
int toc_parse(const char *json, size_t len, uint64_t toc_offset, struct toc *t,
	      char *why, size_t why_len);

void sha256_hex(const uint8_t d[SHA256_LEN], char out[72]);
/* A SHA-256 context ready for updates, or NULL. */
EVP_MD_CTX *sha256_ctx(void);
int parse_sha256(const char *s, uint8_t d[SHA256_LEN]);

#endif
