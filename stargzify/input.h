/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input layer as an uncompressed tar that can be read at any offset:
 * a plain tar file is used in place; a gzip or zstd stream, or anything
 * that cannot seek (stdin, a pipe), is inflated into an unlinked temporary
 * file, as the reference does, but on a thread of its own: the tar reader
 * waits for the bytes it needs (feed.h), so the conversion overlaps the
 * inflating. Memory stays bounded either way. */
#ifndef STARGZIFY_INPUT_H
#define STARGZIFY_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "tar.h"

/* path "-" is stdin. On success, close src with input_close(). */
int input_open(const char *path, struct tar_src *src, char *why,
	       size_t why_len);
/* The conversion of src is over (converted: it succeeded); closes src.
 * -1 when it failed, or when inflating the input failed: then why is the
 * stream's reason (truncated, corrupt), which explains a tar that ended
 * too soon. After a good conversion it first waits for the inflating to
 * end: a bad checksum at the end of the stream comes after the tar's last
 * entry. */
int input_done(struct tar_src *src, bool converted, char *why, size_t why_len);
/* Stops the inflating, if any, and closes the input. */
void input_close(struct tar_src *src);

#endif
