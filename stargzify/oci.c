// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "facts.h"
#include "input.h"
#include "io.h"
#include "log.h"
#include "oci.h"
#include "outfile.h"

#define MAX_JSON_BLOB (16u << 20)
#define REF_NAME      "org.opencontainers.image.ref.name"
#define MT_MANIFEST   "application/vnd.oci.image.manifest.v1+json"
#define MT_INDEX      "application/vnd.oci.image.index.v1+json"
#define MT_CONFIG     "application/vnd.oci.image.config.v1+json"

struct layout {
	char *dir;
	const char *tag; /* NULL: the only image */
	int dirfd;
};

static int parse_ref(const char *ref, struct layout *l)
{
	const char *s = ref + 4, *colon;

	if (strncmp(ref, "oci:", 4) || !*s) {
		warn("`%s' is not oci:DIR[:TAG]", ref);
		return -1;
	}
	/* the first colon ends DIR, as containers/image splits it */
	colon = strchr(s, ':');
	l->dir = strndup(s, colon ? (size_t)(colon - s) : strlen(s));
	l->tag = colon && colon[1] ? colon + 1 : NULL;
	l->dirfd = -1;
	return l->dir ? 0 : -1;
}

/* "sha256:HEX" -> "blobs/sha256/HEX", refusing anything else. */
static int blob_path(const char *digest, char *out, size_t len)
{
	uint8_t d[SHA256_LEN];

	if (parse_sha256(digest, d) < 0) {
		warn("unsupported or malformed digest `%s'", digest);
		return -1;
	}
	snprintf(out, len, "blobs/sha256/%s", digest + 7);
	return 0;
}

/* A JSON blob of the layout, checked against its digest. */
static struct json_object *read_json_blob(const struct layout *l,
					  const char *digest)
{
	char path[128], got[72];
	_cleanup_free_ char *text = NULL;
	size_t len;
	uint8_t d[SHA256_LEN];
	struct json_object *obj;

	if (blob_path(digest, path, sizeof(path)) < 0)
		return NULL;
	if (read_file_at(l->dirfd, path, MAX_JSON_BLOB, &text, &len) < 0) {
		warn_errno("%s/%s", l->dir, path);
		return NULL;
	}
	SHA256((uint8_t *)text, len, d);
	sha256_hex(d, got);
	if (strcmp(got, digest)) {
		warn("%s/%s: content has digest %s", l->dir, path, got);
		return NULL;
	}
	obj = json_tokener_parse(text);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		warn("%s/%s: not a JSON object", l->dir, path);
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *find_manifest(const struct layout *l,
					 struct json_object *index)
{
	struct json_object *list, *found = NULL;
	size_t n, matches = 0;

	if (!json_object_object_get_ex(index, "manifests", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		warn("%s/index.json: no manifests", l->dir);
		return NULL;
	}
	n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(list, i), *a;
		const char *ref = NULL;

		if (json_object_object_get_ex(m, "annotations", &a))
			ref = get_str(a, REF_NAME);
		if (!l->tag || (ref && !strcmp(ref, l->tag))) {
			found = m;
			matches++;
		}
	}
	if (matches != 1) {
		if (l->tag)
			warn("%s: %s", l->dir,
			     matches ? "the tag names several images"
				     : "no image with that tag");
		else
			warn("%s holds %zu images: name one with "
			     "oci:DIR:TAG",
			     l->dir, n);
		return NULL;
	}
	const char *mt = get_str(found, "mediaType");

	if (!mt || strcmp(mt, MT_MANIFEST)) {
		warn("%s: %s is not an OCI image manifest (skopeo copy to "
		     "oci: converts it)",
		     l->dir, mt ? mt : "the descriptor");
		return NULL;
	}
	return read_json_blob(l, get_str(found, "digest"));
}

static bool is_layer_type(const char *mt)
{
	static const char *const ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
	};

	for (size_t i = 0; mt && i < sizeof(ok) / sizeof(*ok); i++)
		if (!strcmp(mt, ok[i]))
			return true;
	return false;
}

/* Writes bytes as a blob of the output layout; returns its digest. */
static int write_blob(const struct layout *out, const void *buf, size_t len,
		      char digest[72])
{
	char path[4096];
	struct outfile f;
	uint8_t d[SHA256_LEN];

	SHA256(buf, len, d);
	sha256_hex(d, digest);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", out->dir,
		 digest + 7);
	if (outfile_open(&f, path) < 0 || write_all(f.fd, buf, len) < 0) {
		warn_errno("%s", path);
		outfile_abort(&f);
		return -1;
	}
	if (outfile_commit(&f) < 0) {
		warn_errno("%s", path);
		return -1;
	}
	return 0;
}

static int write_json_blob(const struct layout *out, struct json_object *o,
			   char digest[72], size_t *size)
{
	size_t len;
	const char *s = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		&len);

	*size = len;
	return write_blob(out, s, len, digest);
}

/* Converts one layer blob into the output layout; fills its descriptor. */
static struct json_object *convert_layer(const struct layout *in,
					 const struct layout *out,
					 const char *digest,
					 const struct convert_options *o,
					 char diff_id[72])
{
	char src_path[4200], tmp[4200], final[4200], why[512], d[72];
	struct tar_src src;
	struct convert_result res;
	struct outfile f;
	struct json_object *desc, *ann;
	char *text = NULL;
	size_t text_len = 0;
	FILE *mem;

	char rel[128];

	if (blob_path(digest, rel, sizeof(rel)) < 0)
		return NULL;
	snprintf(src_path, sizeof(src_path), "%s/%s", in->dir, rel);
	snprintf(tmp, sizeof(tmp), "%s/blobs/sha256/.stargzify-layer",
		 out->dir);
	if (input_open(src_path, &src, why, sizeof(why)) < 0) {
		warn("%s", why);
		return NULL;
	}
	if (outfile_open(&f, tmp) < 0) {
		warn_errno("%s", tmp);
		input_close(&src);
		return NULL;
	}
	/* the manifest names the blob by digest, the config by diff_id */
	struct convert_options with_digests = *o;

	with_digests.layer_digests = true;
	with_digests.stream = true; /* into a temporary file */
	int r = convert(&src, f.fd, &with_digests, &res, why, sizeof(why));

	if (input_done(&src, r == 0, why, sizeof(why)) < 0) {
		warn("%s: %s", src_path, why);
		outfile_abort(&f);
		return NULL;
	}
	sha256_hex(res.blob_digest, d);
	snprintf(final, sizeof(final), "%s/blobs/sha256/%s", out->dir, d + 7);
	if (outfile_commit(&f) < 0 || rename(tmp, final) < 0) {
		warn_errno("%s", final);
		return NULL;
	}
	sha256_hex(res.diff_id, diff_id);
	debug("%s -> %s", digest, d);

	/* the annotations as facts.c writes them, parsed back */
	mem = open_memstream(&text, &text_len);
	if (!mem)
		return NULL;
	fputs("{", mem);
	facts_write_annotations(mem, &res, o->format, "");
	fputs("}", mem);
	fclose(mem);
	ann = json_tokener_parse(text);
	free(text);
	desc = json_object_new_object();
	json_object_object_add(
		desc, "mediaType",
		json_object_new_string(facts_media_type(o->format)));
	json_object_object_add(desc, "digest", json_object_new_string(d));
	json_object_object_add(desc, "size",
			       json_object_new_int64((int64_t)res.blob_size));
	json_object_object_add(desc, "annotations", ann);
	return desc;
}

/* index.json of the output: its other images kept, this tag replaced. */
static int write_index(const struct layout *out, const char *digest,
		       size_t size)
{
	char path[4096];
	_cleanup_free_ char *old = NULL;
	size_t old_len;
	struct json_object *index = NULL, *list, *desc, *ann;
	int r;

	snprintf(path, sizeof(path), "%s/index.json", out->dir);
	if (read_file_at(AT_FDCWD, path, MAX_JSON_BLOB, &old, &old_len) == 0)
		index = json_tokener_parse(old);
	if (!index || !json_object_object_get_ex(index, "manifests", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		json_object_put(index);
		index = json_object_new_object();
		json_object_object_add(index, "schemaVersion",
				       json_object_new_int(2));
		json_object_object_add(index, "mediaType",
				       json_object_new_string(MT_INDEX));
		list = json_object_new_array();
		json_object_object_add(index, "manifests", list);
	}
	for (size_t i = json_object_array_length(list); i-- > 0;) {
		struct json_object *m = json_object_array_get_idx(list, i), *a;
		const char *ref = NULL;

		if (json_object_object_get_ex(m, "annotations", &a))
			ref = get_str(a, REF_NAME);
		if (!out->tag || (ref && !strcmp(ref, out->tag)))
			json_object_array_del_idx(list, i, 1);
	}
	desc = json_object_new_object();
	json_object_object_add(desc, "mediaType",
			       json_object_new_string(MT_MANIFEST));
	json_object_object_add(desc, "digest", json_object_new_string(digest));
	json_object_object_add(desc, "size",
			       json_object_new_int64((int64_t)size));
	if (out->tag) {
		ann = json_object_new_object();
		json_object_object_add(ann, REF_NAME,
				       json_object_new_string(out->tag));
		json_object_object_add(desc, "annotations", ann);
	}
	json_object_array_add(list, desc);

	struct outfile f;
	size_t len;
	const char *s = json_object_to_json_string_length(
		index, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		&len);

	r = outfile_open(&f, path) < 0 || write_all(f.fd, s, len) < 0 ? -1 : 0;
	if (r < 0)
		outfile_abort(&f);
	else
		r = outfile_commit(&f);
	if (r < 0)
		warn_errno("%s", path);
	json_object_put(index);
	if (r == 0) {
		snprintf(path, sizeof(path), "%s/oci-layout", out->dir);
		if (access(path, F_OK) < 0 &&
		    (outfile_open(&f, path) < 0 ||
		     write_all(f.fd, "{\"imageLayoutVersion\":\"1.0.0\"}", 30) <
			     0 ||
		     outfile_commit(&f) < 0)) {
			warn_errno("%s", path);
			r = -1;
		}
	}
	return r;
}

static int convert_image(struct layout *in, struct layout *out,
			 const struct convert_options *o)
{
	_cleanup_free_ char *index_text = NULL;
	size_t len, n, size;
	struct json_object *index = NULL, *manifest = NULL, *config = NULL;
	struct json_object *layers, *new_layers = NULL, *cdesc, *rootfs;
	struct json_object *diff_ids;
	char digest[72];
	int r = -1;

	if (read_file_at(in->dirfd, "index.json", MAX_JSON_BLOB, &index_text,
			 &len) < 0) {
		warn_errno("%s/index.json", in->dir);
		return -1;
	}
	index = json_tokener_parse(index_text);
	if (!index || !(manifest = find_manifest(in, index)))
		goto out;
	if (!json_object_object_get_ex(manifest, "layers", &layers) ||
	    !json_object_is_type(layers, json_type_array) ||
	    !json_object_object_get_ex(manifest, "config", &cdesc) ||
	    !get_str(cdesc, "digest") ||
	    !(config = read_json_blob(in, get_str(cdesc, "digest"))) ||
	    !json_object_object_get_ex(config, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &diff_ids) ||
	    !json_object_is_type(diff_ids, json_type_array)) {
		warn("%s: the manifest or its config is malformed", in->dir);
		goto out;
	}
	n = json_object_array_length(layers);
	if (json_object_array_length(diff_ids) != n) {
		warn("%s: %zu layers but %zu diff_ids", in->dir, n,
		     json_object_array_length(diff_ids));
		goto out;
	}
	char blobs[PATH_MAX];

	snprintf(blobs, sizeof(blobs), "%s/blobs/sha256", out->dir);
	if (mkdir_p_at(AT_FDCWD, blobs, 0755) < 0) {
		warn_errno("%s", out->dir);
		goto out;
	}
	json_object_get(layers); /* replaced in the manifest below */
	new_layers = json_object_new_array();
	diff_ids = json_object_new_array();
	json_object_object_add(rootfs, "diff_ids", diff_ids);
	json_object_object_add(manifest, "layers", new_layers);
	for (size_t i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(layers, i);
		const char *mt = get_str(l, "mediaType");
		char diff_id[72];
		struct json_object *desc;

		if (!is_layer_type(mt) || !get_str(l, "digest")) {
			warn("%s: layer %zu: media type %s is not a tar "
			     "layer",
			     in->dir, i, mt ? mt : "(none)");
			goto out;
		}
		desc = convert_layer(in, out, get_str(l, "digest"), o, diff_id);
		if (!desc)
			goto out;
		json_object_array_add(new_layers, desc);
		json_object_array_add(diff_ids,
				      json_object_new_string(diff_id));
	}
	if (write_json_blob(out, config, digest, &size) < 0)
		goto out;
	json_object_object_add(cdesc, "digest", json_object_new_string(digest));
	json_object_object_add(cdesc, "size",
			       json_object_new_int64((int64_t)size));
	if (!get_str(cdesc, "mediaType"))
		json_object_object_add(cdesc, "mediaType",
				       json_object_new_string(MT_CONFIG));
	if (write_json_blob(out, manifest, digest, &size) < 0 ||
	    write_index(out, digest, size) < 0)
		goto out;
	r = 0;
out:
	if (new_layers)
		json_object_put(layers);
	json_object_put(index);
	json_object_put(manifest);
	json_object_put(config);
	return r;
}

int oci_convert(const char *in_ref, const char *out_ref,
		const struct convert_options *o)
{
	struct layout in = { 0 }, out = { 0 };
	int r = -1;

	if (parse_ref(in_ref, &in) < 0 || parse_ref(out_ref, &out) < 0)
		goto out;
	in.dirfd = open(in.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (in.dirfd < 0) {
		warn_errno("%s", in.dir);
		goto out;
	}
	if (!out.tag)
		out.tag = in.tag;
	r = convert_image(&in, &out, o);
out:
	if (in.dirfd >= 0)
		close_quietly(in.dirfd);
	free(in.dir);
	free(out.dir);
	return r;
}
