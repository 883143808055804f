/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A strict tar reader that sees entries exactly as Go's archive/tar does
 * (the reference converters are built on it, and TOC fields must match
 * them): ustar, GNU, star and v7 headers, PAX and GNU long-name records,
 * base-256 numbers. It reads through pread() so the input is never held
 * in memory, and it records where each entry's header blocks and payload
 * are, so they can be copied verbatim. */
#ifndef STARGZIFY_TAR_H
#define STARGZIFY_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK 512
/* Go's limit for a PAX or GNU long-name record block; ours too, so that a
 * "PAX bomb" costs at most this much memory. */
#define TAR_MAX_SPECIAL (1u << 20)

struct feed;

/* Where the archive is: a file read with pread(), or memory (tests). A
 * file with a feed is still being written: its size is known only when
 * the feed ends, and reading waits for the bytes it needs. */
struct tar_src {
	int fd;
	const uint8_t *mem;
	uint64_t size; /* unused with a feed */
	struct feed *feed;
};

struct tar_xattr {
	char *key;
	uint8_t *value;
	size_t len;
};

struct tar_header {
	char *name; /* as stored: "./usr/", PAX path, GNU long name */
	char *linkname;
	char *uname;
	char *gname;
	char type; /* '0' '1' '2' '3' '4' '5' '6' ('\0' already mapped) */
	int64_t mode, uid, gid, devmajor, devminor;
	int64_t size; /* the header's size (payload only for '0') */
	int64_t mtime_sec;
	int32_t mtime_nsec;	  /* 0..999999999 */
	struct tar_xattr *xattrs; /* SCHILY.xattr.* records, sorted by key */
	size_t n_xattrs;

	uint64_t header_off; /* first block, extended headers included */
	uint64_t data_off;   /* payload */
	uint64_t data_len;   /* payload bytes, 0 for header-only types */
	uint64_t next_off;   /* the next entry's first block */
};

/* Reads the entry whose blocks start at *off and advances *off past its
 * payload and padding. Returns 1 for an entry, 0 at the end of the archive
 * (two zero blocks or the end of the input on a block boundary), -1 with a
 * message naming the offset (and entry) in why. */
int tar_next(const struct tar_src *src, uint64_t *off, struct tar_header *h,
	     char *why, size_t why_len);
void tar_header_free(struct tar_header *h);
void tar_xattrs_free(struct tar_xattr *x, size_t n);

/* A name no extractor should be handed: empty, absolute, or with a ".."
 * component. */
bool tar_name_is_unsafe(const char *name);
/* Go's path.Clean("/" + name) without the leading slash: the key under
 * which duplicate entries and --prioritize paths are matched. */
char *tar_clean_name(const char *name);

/* A ustar header for a regular file of size bytes, mode 0, owned by 0,
 * mtime 0: what Go's tar.Writer writes for the landmark and TOC files. */
void tar_ustar_file_header(uint8_t block[TAR_BLOCK], const char *name,
			   uint64_t size);

#endif
