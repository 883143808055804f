// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert.h"
#include "io.h"
#include "order.h"
#include "pieces.h"
#include "pipeline.h"

/* A run of headers between two chunks of data becomes a member of its
 * own; past this size it is split (at block boundaries), so that a layer
 * of a million directories needs no more memory than one of files. */
#define HEADER_RUN_MAX (4u << 20)

/* uid -> the user name last written for it: the reference writes a name
 * only when it changed ("nameIfChanged"). Open addressing, grows. */
struct idnames {
	int64_t *ids;
	char **names;
	size_t size, n;
};

static char **idnames_slot(struct idnames *m, int64_t id)
{
	if ((m->n + 1) * 2 > m->size) {
		struct idnames g = { .size = m->size ? m->size * 2 : 64 };

		g.ids = calloc(g.size, sizeof(*g.ids));
		g.names = calloc(g.size, sizeof(*g.names));
		if (!g.ids || !g.names) {
			free(g.ids);
			free(g.names);
			return NULL;
		}
		for (size_t i = 0; i < m->size; i++) {
			if (!m->names[i])
				continue;
			size_t j = (size_t)m->ids[i] * 0x9e3779b97f4a7c15ull &
				   (g.size - 1);
			while (g.names[j])
				j = (j + 1) & (g.size - 1);
			g.ids[j] = m->ids[i];
			g.names[j] = m->names[i];
			g.n++;
		}
		free(m->ids);
		free(m->names);
		*m = g;
	}
	size_t j = (size_t)id * 0x9e3779b97f4a7c15ull & (m->size - 1);

	while (m->names[j] && m->ids[j] != id)
		j = (j + 1) & (m->size - 1);
	if (!m->names[j])
		m->ids[j] = id;
	return &m->names[j];
}

/* The name to put in the TOC: NULL when empty or unchanged for the id. */
static int name_if_changed(struct idnames *m, int64_t id, const char *name,
			   char **out)
{
	char **slot;

	*out = NULL;
	if (!*name)
		return 0;
	slot = idnames_slot(m, id);
	if (!slot)
		return -1;
	if (*slot && !strcmp(*slot, name))
		return 0;
	if (!*slot)
		m->n++;
	free(*slot);
	*slot = strdup(name);
	*out = strdup(name);
	return *slot && *out ? 0 : -1;
}

static void idnames_free(struct idnames *m)
{
	for (size_t i = 0; i < m->size; i++)
		free(m->names[i]);
	free(m->ids);
	free(m->names);
}

struct converter {
	struct pipeline p;
	const struct tar_src *src;
	const struct convert_options *o;
	struct idnames users, groups;
	struct toc toc;
	char *why;
	size_t why_len;
};

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(c->why, c->why_len, __VA_ARGS__);                     \
		return -1;                                                     \
	} while (0)

static int append(struct converter *c, const void *buf, size_t len)
{
	struct job *j = pipeline_open(&c->p, c->why, c->why_len);

	if (!j)
		return -1;
	if (buffer_grow(&j->in, &j->in_cap, j->in_len + len) < 0)
		FAIL("out of memory");
	memcpy(j->in + j->in_len, buf, len);
	j->in_len += len;
	return 0;
}

static int append_from_src(struct converter *c, uint64_t off, size_t len)
{
	struct job *j = pipeline_open(&c->p, c->why, c->why_len);
	const struct tar_src *s = c->src;

	if (!j)
		return -1;
	if (buffer_grow(&j->in, &j->in_cap, j->in_len + len) < 0)
		FAIL("out of memory");
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(s->fd, j->in + j->in_len + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			FAIL("reading the input at offset %llu: %s",
			     (unsigned long long)(off + done),
			     n < 0 ? strerror(errno) : "unexpected end");
		done += (size_t)n;
	}
	j->in_len += len;
	return 0;
}

static int add_header(struct converter *c, const void *mem, uint64_t off,
		      size_t len)
{
	if (c->p.cur && c->p.cur->in_len + len > HEADER_RUN_MAX)
		pipeline_close(&c->p);
	return mem ? append(c, mem, len) : append_from_src(c, off, len);
}

/* Room in the member for n bytes of data, the padding and the headers
 * that usually follow, so that they do not double a chunk's buffer. */
static int reserve_data(struct converter *c, size_t n)
{
	struct job *j = pipeline_open(&c->p, c->why, c->why_len);

	if (!j)
		return -1;
	if (n > SIZE_MAX - j->in_len - 4 * TAR_BLOCK ||
	    buffer_grow(&j->in, &j->in_cap, j->in_len + n + 4 * TAR_BLOCK) < 0)
		FAIL("out of memory");
	return 0;
}

/* The data of one regular file: a member per chunk; the last one stays
 * open for the padding and the headers that follow, as the reference. */
static int add_data(struct converter *c, size_t entry, uint64_t off,
		    const void *mem, uint64_t size)
{
	size_t chunk = c->o->chunk_size;
	bool several = size > chunk;
	EVP_MD_CTX *file_hash = NULL;
	size_t last = entry; /* the entry of the last chunk */
	int r = -1;

	pipeline_close(&c->p);
	if (several && !(file_hash = sha256_ctx()))
		FAIL("out of memory");
	for (uint64_t done = 0; done < size;) {
		size_t n = size - done < chunk ? (size_t)(size - done) : chunk;
		size_t idx = entry;

		if (done) { /* a "chunk" entry after the "reg" one */
			struct toc_entry *e = toc_add(&c->toc);

			if (!e || !(e->name = strdup(c->toc.v[entry].name))) {
				snprintf(c->why, c->why_len, "out of memory");
				goto out;
			}
			e->type = TOC_CHUNK;
			e->chunk_offset = (int64_t)done;
			idx = c->toc.n - 1;
		}
		if (n == chunk) /* the last, shorter chunk has no size */
			c->toc.v[idx].chunk_size = (int64_t)n;
		if (reserve_data(c, n) < 0)
			goto out;
		if ((mem ? append(c, (const uint8_t *)mem + done, n)
			 : append_from_src(c, off + done, n)) < 0)
			goto out;
		struct job *j = c->p.cur; /* it starts with the chunk */
		struct toc_entry *e = &c->toc.v[idx];

		j->has_entry = true;
		j->toc_index = idx;
		SHA256(j->in, n, e->chunk_digest);
		e->has_chunk_digest = true;
		if (!several) { /* a file of one chunk: the same digest */
			e->has_digest = true;
			memcpy(e->digest, e->chunk_digest, SHA256_LEN);
		}
		if (file_hash)
			EVP_DigestUpdate(file_hash, j->in, n);
		done += n;
		last = idx;
		if (done < size) {
			pipeline_note_repeat(&c->p, e->chunk_digest);
			pipeline_close(&c->p);
		}
	}
	if (size % TAR_BLOCK) {
		static const uint8_t zero[TAR_BLOCK];

		if (append(c, zero, TAR_BLOCK - size % TAR_BLOCK) < 0)
			goto out;
	}
	if (size) /* the last chunk and its padding: the member so far */
		pipeline_note_repeat(&c->p, c->toc.v[last].chunk_digest);
	if (file_hash) {
		c->toc.v[entry].has_digest = true;
		EVP_DigestFinal_ex(file_hash, c->toc.v[entry].digest, NULL);
	}
	r = 0;
out:
	EVP_MD_CTX_free(file_hash);
	return r;
}

static int add_landmark(struct converter *c, const char *name)
{
	uint8_t hdr[TAR_BLOCK], body = LANDMARK_CONTENTS;
	struct toc_entry *e = toc_add(&c->toc);

	if (!e || !(e->name = strdup(name)))
		FAIL("out of memory");
	e->type = TOC_REG;
	e->size = 1;
	tar_ustar_file_header(hdr, name, 1);
	if (add_header(c, hdr, 0, TAR_BLOCK) < 0)
		return -1;
	return add_data(c, c->toc.n - 1, 0, &body, 1);
}

static enum toc_type toc_type_of(char t)
{
	switch (t) {
	case '1':
		return TOC_HARDLINK;
	case '2':
		return TOC_SYMLINK;
	case '3':
		return TOC_CHAR;
	case '4':
		return TOC_BLOCK;
	case '5':
		return TOC_DIR;
	case '6':
		return TOC_FIFO;
	default:
		return TOC_REG;
	}
}

/* The TOC entry the reference's appendTar makes of a header. Takes over
 * the header's strings. */
static int fill_entry(struct converter *c, struct toc_entry *e,
		      struct tar_header *h)
{
	e->type = toc_type_of(h->type);
	e->name = h->name;
	h->name = NULL;
	e->mode = h->mode;
	e->uid = h->uid;
	e->gid = h->gid;
	if (name_if_changed(&c->users, h->uid, h->uname, &e->uname) < 0 ||
	    name_if_changed(&c->groups, h->gid, h->gname, &e->gname) < 0)
		FAIL("out of memory");
	e->modtime = toc_format_modtime(h->mtime_sec, h->mtime_nsec);
	e->xattrs = h->xattrs;
	e->n_xattrs = h->n_xattrs;
	h->xattrs = NULL;
	h->n_xattrs = 0;
	if (e->type == TOC_HARDLINK || e->type == TOC_SYMLINK) {
		e->linkname = h->linkname;
		h->linkname = NULL;
	}
	if (e->type == TOC_REG)
		e->size = h->size;
	if (e->type == TOC_CHAR || e->type == TOC_BLOCK) {
		e->devmajor = h->devmajor;
		e->devminor = h->devminor;
	}
	return 0;
}

/* One archive entry: its TOC entry, its header bytes, its data. Takes
 * over h's strings. */
static int add_entry(struct converter *c, struct tar_header *h)
{
	struct toc_entry *e = toc_add(&c->toc);
	int r = e ? fill_entry(c, e, h) : -1;

	if (!e)
		snprintf(c->why, c->why_len, "out of memory");
	if (r == 0)
		r = add_header(c, NULL, h->header_off,
			       (size_t)(h->data_off - h->header_off));
	if (r == 0 && e && e->type == TOC_REG) {
		size_t idx = c->toc.n - 1; /* e may move as chunks are added */

		if (h->data_len) {
			r = add_data(c, idx, h->data_off, NULL, h->data_len);
		} else { /* the digest of nothing, as the reference */
			SHA256(NULL, 0, c->toc.v[idx].digest);
			c->toc.v[idx].has_digest = true;
		}
	}
	return r;
}

/* The entry whose header order_index() found at header_off. */
static int add_entry_at(struct converter *c, uint64_t header_off)
{
	struct tar_header h;
	uint64_t off = header_off;
	int r;

	if (tar_next(c->src, &off, &h, c->why, c->why_len) <= 0)
		return -1; /* read fine in order_index(): changed under us */
	r = add_entry(c, &h);
	tar_header_free(&h);
	return r;
}

/* Returned by a streaming pass that met a name it had already written. */
#define PASS_RESTART 1

/* Without --prioritize the order is the archive's, after the landmark, as
 * long as no entry replaces an earlier one: each entry is converted as
 * soon as its header is read, with no index pass first, and a layer still
 * being inflated is compressed as it comes. */
static int convert_streaming(struct converter *c, struct order *ord)
{
	bool build = c->o->format != SGZ_STARGZ;
	uint64_t off = 0;
	struct tar_header h;

	if (build && add_landmark(c, LANDMARK_NO_PREFETCH) < 0)
		return -1;
	for (;;) {
		int added, r = tar_next(c->src, &off, &h, c->why, c->why_len);

		if (r <= 0)
			return r;
		added = order_add(ord, &h, build);
		r = added == ORDER_NEW	      ? add_entry(c, &h)
		    : added == ORDER_REPLACES ? PASS_RESTART
		    : added == ORDER_SKIPPED  ? 0
					      : -1;
		if (added < 0)
			snprintf(c->why, c->why_len, "out of memory");
		tar_header_free(&h);
		if (r)
			return r;
	}
}

/* The order of order.h: every header read and checked first, then the
 * --prioritize files, the landmark, and the rest in archive order. */
static int convert_indexed(struct converter *c, struct order *ord)
{
	bool build = c->o->format != SGZ_STARGZ;

	if (order_index(ord, c->src, build, c->why, c->why_len) < 0)
		return -1;
	if (order_entries(ord, c->o->prio, c->o->n_prio, build) < 0) {
		snprintf(c->why, c->why_len, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ord->n_order; i++) {
		size_t k = ord->order[i];

		if ((k == ORDER_LANDMARK
			     ? add_landmark(c, ord->landmark)
			     : add_entry_at(c, ord->entries[k].header_off)) < 0)
			return -1;
	}
	return 0;
}

/* zstd:chunked: the TOC compressed in a skippable frame of its own (a
 * decompressor skips it; the footer points past its 8-byte header). */
static int write_zstd_toc(struct converter *c, const char *json,
			  size_t json_len, struct convert_result *res)
{
	struct member_codec codec;
	uint8_t *z = NULL;
	size_t zn = 0, cap;
	int r;

	if (codec_init(&codec, c->o->format, c->o->level) == 0) {
		cap = codec_bound(&codec, json_len) + 8;
		z = malloc(cap);
		if (z)
			zn = codec_compress(&codec, json, json_len, z + 8,
					    cap - 8);
	}
	codec_free(&codec);
	if (!zn) {
		free(z);
		FAIL("compressing the TOC");
	}
	zstd_skippable_header(z, (uint32_t)zn);
	SHA256(z + 8, zn, res->manifest_digest);
	res->toc_offset = c->p.out_pos + 8;
	res->toc_compressed = zn;
	res->toc_raw = json_len;
	r = pipeline_emit(&c->p, z, zn + 8);
	free(z);
	if (r < 0)
		FAIL("writing the output: %s", strerror(errno));
	return 0;
}

/* gzip formats: the TOC as a tar entry, and the end of the archive, in a
 * member of their own, made on every thread (pieces.h): nothing else is
 * left to compress. */
static int write_toc_member(struct converter *c, const char *json,
			    size_t json_len)
{
	struct pipeline *p = &c->p;
	size_t pad = (TAR_BLOCK - json_len % TAR_BLOCK) % TAR_BLOCK;
	size_t n = TAR_BLOCK + json_len + pad + 2 * TAR_BLOCK, zn = 0;
	uint8_t *in = calloc(1, n), *z = NULL;
	int r;

	if (in) {
		tar_ustar_file_header(in, TOC_TAR_NAME, json_len);
		memcpy(in + TAR_BLOCK, json, json_len);
		zn = gzip_pieces(in, n, c->o->level, c->o->threads, &z);
	}
	if (zn && p->diff_hash)
		EVP_DigestUpdate(p->diff_hash, in, n);
	p->raw_size += n;
	free(in);
	if (!zn)
		FAIL("compressing the TOC: out of memory");
	r = pipeline_emit(p, z, zn);
	free(z);
	if (r < 0)
		FAIL("writing the output: %s", strerror(errno));
	return 0;
}

static int finish(struct converter *c, struct convert_result *res)
{
	static const uint8_t zero[2 * TAR_BLOCK];
	struct pipeline *p = &c->p;
	char *json = NULL;
	size_t json_len = 0;
	uint8_t footer[FOOTER_MAX];
	size_t flen;
	FILE *f;
	int r = -1;

	/* zstd:chunked: the end-of-archive blocks in a frame of their own,
	 * so the uncompressed layer is a complete tar; the TOC itself is in
	 * skippable frames and decompresses to nothing. */
	if (c->o->format == SGZ_ZSTD_CHUNKED) {
		pipeline_close(&c->p);
		if (append(c, zero, 2 * TAR_BLOCK) < 0)
			return -1;
	}
	/* every offset is known once every member is written */
	if (pipeline_drain(&c->p, c->why, c->why_len) < 0)
		return -1;
	pipeline_release(p);
	c->toc.version = 1;
	f = open_memstream(&json, &json_len);
	if (!f)
		FAIL("out of memory");
	if (toc_write_json(f, &c->toc) < 0 || fclose(f) != 0) {
		free(json);
		FAIL("out of memory");
	}
	SHA256((const uint8_t *)json, json_len, res->toc_digest);
	if (c->o->format == SGZ_ZSTD_CHUNKED) {
		if (write_zstd_toc(c, json, json_len, res) < 0)
			goto out;
	} else {
		res->toc_offset = p->out_pos;
		if (write_toc_member(c, json, json_len) < 0)
			goto out;
	}
	flen = footer_bytes(c->o->format, res->toc_offset, res->toc_compressed,
			    res->toc_raw, footer);
	if (pipeline_emit(p, footer, flen) < 0 || pipeline_flush(p) < 0)
		goto write_failed;
	res->blob_size = p->out_pos;
	res->uncompressed_size = p->raw_size;
	if (p->blob_hash) {
		EVP_DigestFinal_ex(p->blob_hash, res->blob_digest, NULL);
		EVP_DigestFinal_ex(p->diff_hash, res->diff_id, NULL);
	}
	r = 0;
	goto out;
write_failed:
	snprintf(c->why, c->why_len, "writing the output: %s", strerror(errno));
out:
	free(json);
	return r;
}

static int convert_pass(const struct tar_src *src, int out_fd,
			const struct convert_options *o,
			struct convert_result *res, bool streaming, char *why,
			size_t why_len)
{
	struct converter cv = {
		.src = src, .o = o, .why = why, .why_len = why_len
	};
	struct converter *c = &cv;
	struct pipeline *p = &cv.p;
	struct order ord;
	/* a chunk being compressed on each thread, one more queued; their
	 * compressed copies are smaller (or a bound's few bytes larger) */
	struct pipeline_options po = {
		.format = o->format,
		.level = o->level,
		.threads = o->threads,
		.budget = (o->threads + 1) * (o->chunk_size > HEADER_RUN_MAX
						      ? o->chunk_size
						      : HEADER_RUN_MAX),
		.out_fd = out_fd,
		.toc = &cv.toc,
		.layer_digests = o->layer_digests,
	};
	int r = -1;

	memset(res, 0, sizeof(*res));
	memset(&ord, 0, sizeof(ord));
	if (pipeline_start(p, &po, why, why_len) < 0)
		goto out;
	r = streaming ? convert_streaming(c, &ord) : convert_indexed(c, &ord);
	if (r == 0)
		r = finish(c, res);
out:
	pipeline_stop(p);
	idnames_free(&cv.users);
	idnames_free(&cv.groups);
	toc_free(&cv.toc);
	order_free(&ord);
	return r;
}

int convert(const struct tar_src *src, int out_fd,
	    const struct convert_options *o, struct convert_result *res,
	    char *why, size_t why_len)
{
	int r = convert_pass(src, out_fd, o, res, o->stream && !o->n_prio, why,
			     why_len);

	if (r != PASS_RESTART)
		return r;
	/* A name came again: its earlier entry, already written, must go.
	 * Start over from the index; the input is all there by now. */
	if (ftruncate(out_fd, 0) < 0 || lseek(out_fd, 0, SEEK_SET) < 0) {
		snprintf(why, why_len, "rewinding the output: %s",
			 strerror(errno));
		return -1;
	}
	return convert_pass(src, out_fd, o, res, false, why, why_len);
}
