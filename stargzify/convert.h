/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tar -> stargz / eStargz / zstd:chunked. The main thread cuts the layer
 * into members (the reference's boundaries: a member per chunk of file
 * data, headers between them) and hashes the chunks; worker threads
 * compress the members and the main thread writes them back in order
 * (pipeline.h). Member boundaries never depend on the number of threads,
 * so neither does the output. */
#ifndef STARGZIFY_CONVERT_H
#define STARGZIFY_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "member.h"
#include "tar.h"
#include "toc.h"

#define DEFAULT_CHUNK_SIZE (4u << 20)

struct convert_options {
	enum sgz_format format;
	int level;
	size_t chunk_size;
	unsigned threads;
	char **prio; /* --prioritize paths (eStargz only) */
	size_t n_prio;
	/* Compute blob_digest and diff_id: a SHA-256 over the whole output
	 * and another over the whole uncompressed layer, about 3% of the
	 * time at level 9, so only when a manifest needs them. */
	bool layer_digests;
	/* Convert each entry as its header is read, without indexing the
	 * archive first (ignored with prio). out_fd must be a file of the
	 * caller's that may be truncated: when a name comes again, the
	 * conversion starts over from an index. */
	bool stream;
};

struct convert_result {
	uint8_t blob_digest[SHA256_LEN]; /* these two: layer_digests only */
	uint64_t blob_size;
	uint8_t diff_id[SHA256_LEN];
	uint64_t uncompressed_size;
	uint8_t toc_digest[SHA256_LEN];
	/* zstd:chunked: where the compressed TOC is, and its digest */
	uint64_t toc_offset, toc_compressed, toc_raw;
	uint8_t manifest_digest[SHA256_LEN];
};

int convert(const struct tar_src *src, int out_fd,
	    const struct convert_options *o, struct convert_result *res,
	    char *why, size_t why_len);

#endif
