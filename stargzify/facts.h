/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What an OCI manifest needs to know of a converted layer: media type,
 * digest, size, diff_id and the annotations of the stargz snapshotter
 * (and of containers/storage for zstd:chunked). */
#ifndef STARGZIFY_FACTS_H
#define STARGZIFY_FACTS_H

#include <stdio.h>

#include "convert.h"

#define ANNOTATION_TOC_DIGEST	     "containerd.io/snapshot/stargz/toc.digest"
#define ANNOTATION_UNCOMPRESSED_SIZE "io.containers.estargz.uncompressed-size"
#define ANNOTATION_ZSTD_CHECKSUM     "io.containers.zstd-chunked.manifest-checksum"
#define ANNOTATION_ZSTD_POSITION     "io.containers.zstd-chunked.manifest-position"

const char *facts_media_type(enum sgz_format format);
/* The annotations object members, each line prefixed with indent. */
void facts_write_annotations(FILE *out, const struct convert_result *r,
			     enum sgz_format format, const char *indent);
/* {"mediaType", "digest", "size", "diffID", "annotations"} */
void facts_write_json(FILE *out, const struct convert_result *r,
		      enum sgz_format format);

#endif
