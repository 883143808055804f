/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole images: every layer of an image in an OCI image layout (as
 * `skopeo copy ... oci:DIR:TAG` writes it) converted, with a new config
 * (diff_ids), manifest (digests, sizes, media types, annotations) and
 * index.json in the output layout. */
#ifndef STARGZIFY_OCI_H
#define STARGZIFY_OCI_H

#include "convert.h"

/* in and out are "oci:DIR[:TAG]"; reports errors itself. */
int oci_convert(const char *in, const char *out,
		const struct convert_options *o);

#endif
