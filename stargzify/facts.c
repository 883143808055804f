// SPDX-License-Identifier: GPL-2.0-or-later
#include "facts.h"

const char *facts_media_type(enum sgz_format format)
{
	return format == SGZ_ZSTD_CHUNKED
		       ? "application/vnd.oci.image.layer.v1.tar+zstd"
		       : "application/vnd.oci.image.layer.v1.tar+gzip";
}

void facts_write_annotations(FILE *out, const struct convert_result *r,
			     enum sgz_format format, const char *indent)
{
	char d[72];

	sha256_hex(r->toc_digest, d);
	fprintf(out, "%s\"%s\": \"%s\",\n", indent, ANNOTATION_TOC_DIGEST, d);
	fprintf(out, "%s\"%s\": \"%llu\"", indent, ANNOTATION_UNCOMPRESSED_SIZE,
		(unsigned long long)r->uncompressed_size);
	if (format != SGZ_ZSTD_CHUNKED)
		return;
	sha256_hex(r->manifest_digest, d);
	fprintf(out, ",\n%s\"%s\": \"%s\"", indent, ANNOTATION_ZSTD_CHECKSUM,
		d);
	fprintf(out, ",\n%s\"%s\": \"%llu:%llu:%llu:1\"", indent,
		ANNOTATION_ZSTD_POSITION, (unsigned long long)r->toc_offset,
		(unsigned long long)r->toc_compressed,
		(unsigned long long)r->toc_raw);
}

void facts_write_json(FILE *out, const struct convert_result *r,
		      enum sgz_format format)
{
	char d[72];

	fprintf(out, "{\n  \"mediaType\": \"%s\",\n", facts_media_type(format));
	sha256_hex(r->blob_digest, d);
	fprintf(out, "  \"digest\": \"%s\",\n", d);
	fprintf(out, "  \"size\": %llu,\n", (unsigned long long)r->blob_size);
	sha256_hex(r->diff_id, d);
	fprintf(out, "  \"diffID\": \"%s\",\n", d);
	fputs("  \"annotations\": {\n", out);
	facts_write_annotations(out, r, format, "    ");
	fputs("\n  }\n}\n", out);
}
