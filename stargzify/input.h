/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input layer as an uncompressed tar that can be read at any offset:
 * a plain tar file is used in place; a gzip or zstd stream, or anything
 * that cannot seek (stdin, a pipe), is first inflated into an unlinked
 * temporary file, as the reference does. Memory stays bounded either way. */
#ifndef STARGZIFY_INPUT_H
#define STARGZIFY_INPUT_H

#include <stddef.h>

#include "tar.h"

/* path "-" is stdin. On success src->fd is owned by the caller. */
int input_open(const char *path, struct tar_src *src, char *why,
	       size_t why_len);

#endif
