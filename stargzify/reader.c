// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "io.h"
#include "order.h"
#include "reader.h"

#define READ_PIECE (64u << 10)
/* A gzip member this much larger than its chunk, or holding this much
 * more (the next headers), is inflated piece by piece. */
#define WHOLE_MEMBER_EXTRA (1u << 20)
#define WHOLE_OUTPUT_EXTRA (4u << 20)
/* Deflate makes no more than 1032 bytes of a byte (a 258-byte match in two
 * bits), zstd no more than 32768 (a block of 128 KiB repeating one byte is
 * 4 bytes); a TOC that claims more of a member is refused before anything
 * is allocated for it. */
#define DEFLATE_MAX_RATIO 1032u
#define ZSTD_MAX_RATIO	  32768u
/* Larger chunks are refused: a hostile TOC must not make us allocate
 * gigabytes. The writers use 4 MiB by default. */
#define MAX_CHUNK    (1u << 30)
#define MAX_LINK_HOP 64

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(why, why_len, __VA_ARGS__);                           \
		return -1;                                                     \
	} while (0)

/* Reads len bytes at off, adding them to *count. Only pread, so threads
 * may share the fd. */
static int blob_read(const struct sgz_reader *r, uint64_t *count, uint64_t off,
		     void *buf, size_t len)
{
	if (off > r->size || len > r->size - off) {
		errno = EINVAL;
		return -1;
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(r->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	*count += len;
	return 0;
}

static int parse_hex16(const uint8_t *s, uint64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < 16; i++) {
		uint8_t c = s[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v << 4 | (uint64_t)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* An empty gzip member with the TOC offset in its FEXTRA field; eStargz
 * wraps the 22 bytes in an "SG" subfield, crfs does not. */
static int parse_gzip_footer(const uint8_t *f, size_t len, uint64_t *toc_off)
{
	static const uint8_t tail[13] = { 1, 0, 0, 0xff, 0xff };
	size_t x = len == ESTARGZ_FOOTER_SIZE ? 16 : 12;

	if (f[0] != 0x1f || f[1] != 0x8b || f[2] != 8 || f[3] != 4)
		return -1;
	if (len == ESTARGZ_FOOTER_SIZE &&
	    memcmp(f + 10, "\x1a\x00SG\x16\x00", 6))
		return -1;
	if (len == STARGZ_FOOTER_SIZE && memcmp(f + 10, "\x16\x00", 2))
		return -1;
	if (memcmp(f + x + 16, "STARGZ", 6) || memcmp(f + len - 13, tail, 13))
		return -1;
	return parse_hex16(f + x, toc_off);
}

static int read_footer(struct sgz_reader *r, uint64_t *toc_len,
		       uint64_t *toc_raw, char *why, size_t why_len)
{
	uint8_t f[FOOTER_MAX];
	size_t have = r->size < 51 ? (size_t)r->size : 51;

	if (blob_read(r, &r->toc_bytes_read, r->size - have,
		      f + sizeof(f) - have, have) < 0)
		FAIL("reading the footer: %s", strerror(errno));
	const uint8_t *end = f + sizeof(f);

	if (have >= 48 && !memcmp(end - 8, ZSTD_CHUNKED_MAGIC, 8)) {
		const uint8_t *z = end - 48;

		if (le_get(z, 4) != ZSTD_SKIPPABLE_MAGIC ||
		    le_get(z + 4, 4) != ZSTD_FOOTER_SIZE ||
		    le_get(z + 32, 8) != 1)
			FAIL("bad zstd:chunked footer");
		r->format = SGZ_ZSTD_CHUNKED;
		r->toc_offset = le_get(z + 8, 8);
		*toc_len = le_get(z + 16, 8);
		*toc_raw = le_get(z + 24, 8);
		if (r->toc_offset < 8 || r->toc_offset > r->size - 48 ||
		    *toc_len > r->size - 48 - r->toc_offset)
			FAIL("zstd:chunked footer: TOC at %llu+%llu is "
			     "outside the blob",
			     (unsigned long long)r->toc_offset,
			     (unsigned long long)*toc_len);
		return 0;
	}
	if (have == 51 && !parse_gzip_footer(end - 51, 51, &r->toc_offset))
		r->format = SGZ_ESTARGZ;
	else if (have >= 47 && !parse_gzip_footer(end - 47, 47, &r->toc_offset))
		r->format = SGZ_STARGZ;
	else
		FAIL("no stargz, eStargz or zstd:chunked footer: not a "
		     "seekable layer");
	uint64_t fsize = r->format == SGZ_ESTARGZ ? 51 : 47;

	if (r->toc_offset >= r->size - fsize)
		FAIL("footer: TOC offset %llu is outside the blob",
		     (unsigned long long)r->toc_offset);
	*toc_len = r->size - fsize - r->toc_offset;
	return 0;
}

/* The TOC member: a tar holding stargz.index.json, gzip-compressed. */
static int inflate_toc(const uint8_t *z, size_t zlen, char **json,
		       size_t *json_len, char *why, size_t why_len)
{
	size_t cap = 1 << 20, len = 0;
	uint8_t *out = malloc(cap);
	z_stream s = { 0 };
	int ret = Z_OK;

	if (!out || inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		FAIL("out of memory");
	}
	s.next_in = (uint8_t *)z;
	s.avail_in = (uInt)zlen;
	while (ret != Z_STREAM_END) {
		if (len == cap) {
			uint8_t *n = NULL;

			if (cap < TOC_MAX_JSON + 4 * TAR_BLOCK)
				n = realloc(out, cap *= 2);
			if (!n) {
				inflateEnd(&s);
				free(out);
				FAIL("TOC larger than %u MiB",
				     TOC_MAX_JSON >> 20);
			}
			out = n;
		}
		s.next_out = out + len;
		s.avail_out = (uInt)(cap - len);
		ret = inflate(&s, Z_NO_FLUSH);
		len = cap - s.avail_out;
		if (ret != Z_OK && ret != Z_STREAM_END) {
			inflateEnd(&s);
			free(out);
			FAIL("corrupt TOC member: %s",
			     s.msg ? s.msg : "truncated");
		}
	}
	inflateEnd(&s);

	struct tar_src src = { .mem = out, .size = len };
	struct tar_header h;
	uint64_t off = 0;
	char twhy[256];

	if (tar_next(&src, &off, &h, twhy, sizeof(twhy)) <= 0) {
		free(out);
		FAIL("TOC member: %s", *twhy ? twhy : "no entry");
	}
	bool ok = !strcmp(h.name, TOC_TAR_NAME) && h.type == '0' &&
		  h.data_len <= TOC_MAX_JSON;
	size_t start = (size_t)h.data_off, n = (size_t)h.data_len;

	tar_header_free(&h);
	if (!ok) {
		free(out);
		FAIL("TOC member holds no %s", TOC_TAR_NAME);
	}
	memmove(out, out + start, n);
	*json = (char *)out;
	*json_len = n;
	return 0;
}

int sgz_open(struct sgz_reader *r, int fd, char *why, size_t why_len)
{
	uint64_t toc_len = 0, toc_raw = 0;
	off_t end = lseek(fd, 0, SEEK_END);
	uint8_t *z;
	char *json = NULL;
	size_t json_len = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	if (end < 0)
		FAIL("the blob must be a file that can seek: %s",
		     strerror(errno));
	r->size = (uint64_t)end;
	if (read_footer(r, &toc_len, &toc_raw, why, why_len) < 0)
		return -1;
	if (toc_len > TOC_MAX_JSON || toc_raw > TOC_MAX_JSON)
		FAIL("TOC larger than %u MiB", TOC_MAX_JSON >> 20);
	z = malloc(toc_len ? toc_len : 1);
	if (!z)
		FAIL("out of memory");
	if (blob_read(r, &r->toc_bytes_read, r->toc_offset, z, toc_len) < 0) {
		free(z);
		FAIL("reading the TOC: %s", strerror(errno));
	}
	if (r->format == SGZ_ZSTD_CHUNKED) {
		json = malloc(toc_raw ? toc_raw : 1);
		size_t n =
			json ? ZSTD_decompress(json, toc_raw, z, toc_len) : 0;

		free(z);
		if (!json || ZSTD_isError(n) || n != toc_raw) {
			free(json);
			FAIL("corrupt zstd:chunked TOC at offset %llu",
			     (unsigned long long)r->toc_offset);
		}
		json_len = n;
	} else {
		ret = inflate_toc(z, toc_len, &json, &json_len, why, why_len);
		free(z);
		if (ret < 0)
			return -1;
	}
	SHA256((uint8_t *)json, json_len, r->toc_digest);
	/* data ends where the TOC's frame or member begins */
	ret = toc_parse(json, json_len,
			r->format == SGZ_ZSTD_CHUNKED ? r->toc_offset - 8
						      : r->toc_offset,
			&r->toc, why, why_len);
	free(json);
	return ret;
}

void sgz_decoder_free(struct sgz_decoder *d)
{
	if (d->gz) {
		inflateEnd(d->gz);
		free(d->gz);
	}
	ZSTD_freeDCtx(d->zd);
	libdeflate_free_decompressor(d->ld);
	free(d->member);
	free(d->out);
	*d = (struct sgz_decoder){ .bytes_read = d->bytes_read };
}

void sgz_close(struct sgz_reader *r)
{
	toc_free(&r->toc);
	sgz_decoder_free(&r->dec);
}

uint64_t sgz_bytes_read(const struct sgz_reader *r)
{
	return r->toc_bytes_read + r->dec.bytes_read;
}

ssize_t sgz_lookup(const struct sgz_reader *r, const char *path)
{
	char *want = tar_clean_name(path);
	ssize_t found = -1;

	for (int hop = 0; want && hop < MAX_LINK_HOP; hop++) {
		found = -1;
		for (size_t i = 0; i < r->toc.n; i++) {
			const struct toc_entry *e = &r->toc.v[i];
			char *key;

			if (e->type == TOC_CHUNK)
				continue;
			key = tar_clean_name(e->name);
			if (key && !strcmp(key, want))
				found = (ssize_t)i; /* the last one wins */
			free(key);
		}
		if (found < 0 || r->toc.v[found].type != TOC_HARDLINK)
			break;
		free(want);
		want = tar_clean_name(r->toc.v[found].linkname
					      ? r->toc.v[found].linkname
					      : "");
		found = -1;
	}
	free(want);
	return found;
}

static int decoder_reset(struct sgz_decoder *d, enum sgz_format format)
{
	if (format == SGZ_ZSTD_CHUNKED) {
		if (!d->zd && !(d->zd = ZSTD_createDCtx()))
			return -1;
		return ZSTD_isError(
			       ZSTD_DCtx_reset(d->zd, ZSTD_reset_session_only))
			       ? -1
			       : 0;
	}
	if (d->gz)
		return inflateReset(d->gz) == Z_OK ? 0 : -1;
	d->gz = calloc(1, sizeof(*d->gz));
	if (!d->gz || inflateInit2(d->gz, 16 + MAX_WBITS) != Z_OK) {
		free(d->gz);
		d->gz = NULL;
		return -1;
	}
	return 0;
}

/* Decompresses n bytes of the member into out until *have reaches want.
 * Returns 1 when the member ended, 0 to go on, -1 with err set. */
static int decode(struct sgz_decoder *d, enum sgz_format format,
		  const uint8_t *in, size_t n, uint8_t *out, size_t want,
		  size_t *have, const char **err)
{
	if (format == SGZ_ZSTD_CHUNKED) {
		ZSTD_inBuffer zi = { in, n, 0 };

		while (zi.pos < zi.size && *have < want) {
			ZSTD_outBuffer zo = { out + *have, want - *have, 0 };
			size_t z = ZSTD_decompressStream(d->zd, &zo, &zi);

			*have += zo.pos;
			if (ZSTD_isError(z)) {
				*err = ZSTD_getErrorName(z);
				return -1;
			}
			if (z == 0)
				return 1;
		}
		return 0;
	}
	d->gz->next_in = (uint8_t *)in;
	d->gz->avail_in = (uInt)n;
	while (d->gz->avail_in && *have < want) {
		d->gz->next_out = out + *have;
		d->gz->avail_out = (uInt)(want - *have);
		int z = inflate(d->gz, Z_NO_FLUSH);

		*have = want - d->gz->avail_out;
		if (z == Z_STREAM_END)
			return 1;
		if (z != Z_OK) {
			*err = d->gz->msg ? d->gz->msg : "inflate failed";
			return -1;
		}
	}
	return 0;
}

/* libdeflate inflates a whole gzip member in memory about twice as fast as
 * zlib's streaming inflate, and checks its CRC too; it needs room for all
 * of the member's output. [offset, next_offset) is usually one member,
 * whose last 4 bytes (ISIZE) say how much that is; where it is more than
 * one (our writer starts a new member for headers after a full chunk) that
 * is the last one's, so room for the chunk and the headers is guessed.
 * Returns 1 when the chunk is in buf; 0 when the member is much larger
 * than the chunk or holds more than that, for inflate_pieces(); -1 with
 * why set. */
static int inflate_whole(const struct sgz_reader *r, struct sgz_decoder *d,
			 const struct toc_entry *e, uint8_t *buf, char *why,
			 size_t why_len)
{
	uint64_t span = e->next_offset - e->offset;
	size_t want = (size_t)e->chunk_size, isize, in_used, out_len;

	/* 18: a gzip member's header and trailer */
	if (span < 18 || span > want + WHOLE_MEMBER_EXTRA)
		return 0;
	if ((!d->ld && !(d->ld = libdeflate_alloc_decompressor())) ||
	    buffer_grow(&d->member, &d->member_cap, (size_t)span) < 0)
		FAIL("out of memory");
	if (blob_read(r, &d->bytes_read, e->offset, d->member, (size_t)span) <
	    0)
		FAIL("reading offset %llu: %s", (unsigned long long)e->offset,
		     strerror(errno));
	isize = (size_t)le_get(d->member + span - 4, 4);
	if (isize < want || isize - want > WHOLE_OUTPUT_EXTRA)
		isize = want + WHOLE_OUTPUT_EXTRA;
	if (isize / DEFLATE_MAX_RATIO > span)
		isize = (size_t)span * DEFLATE_MAX_RATIO;
	if (isize < want)
		return 0; /* cannot hold it: inflate_pieces() says how much */
	uint8_t *out = buf;

	if (isize > want) {
		if (buffer_grow(&d->out, &d->out_cap, isize) < 0)
			FAIL("out of memory");
		out = d->out;
	}
	switch (libdeflate_gzip_decompress_ex(d->ld, d->member, (size_t)span,
					      out, isize, &in_used, &out_len)) {
	case LIBDEFLATE_SUCCESS:
		break;
	case LIBDEFLATE_INSUFFICIENT_SPACE: /* more than the guess */
		return 0;
	default:
		FAIL("%s: corrupt gzip member at offset %llu", e->name,
		     (unsigned long long)e->offset);
	}
	if (out_len < want)
		FAIL("%s: the member at offset %llu holds %zu of %zu bytes",
		     e->name, (unsigned long long)e->offset, out_len, want);
	if (out != buf)
		memcpy(buf, out, want);
	return 1;
}

/* Decompresses the member at e->offset until chunk_size bytes are out, a
 * piece at a time: the rest of the member (padding, the next headers) is
 * never read. Returns 1, or -1 with why set. */
static int inflate_pieces(const struct sgz_reader *r, struct sgz_decoder *d,
			  const struct toc_entry *e, uint8_t *buf, char *why,
			  size_t why_len)
{
	uint64_t off = e->offset, end = e->next_offset;
	size_t want = (size_t)e->chunk_size, have = 0;
	uint8_t in[READ_PIECE];
	const char *err = NULL;
	int ended = 0;

	if (decoder_reset(d, r->format) < 0)
		FAIL("out of memory");
	while (have < want) {
		size_t n = end - off < READ_PIECE ? (size_t)(end - off)
						  : READ_PIECE;

		if (n == 0 || ended)
			FAIL("%s: the member at offset %llu holds %zu of %zu "
			     "bytes",
			     e->name, (unsigned long long)e->offset, have,
			     want);
		if (blob_read(r, &d->bytes_read, off, in, n) < 0)
			FAIL("reading offset %llu: %s", (unsigned long long)off,
			     strerror(errno));
		off += n;
		ended = decode(d, r->format, in, n, buf, want, &have, &err);
		if (ended < 0)
			FAIL("%s: corrupt %s member at offset %llu: %s",
			     e->name,
			     r->format == SGZ_ZSTD_CHUNKED ? "zstd" : "gzip",
			     (unsigned long long)e->offset, err);
	}
	return 1;
}

/* The chunk of entry idx into buf, checked against its chunkDigest; its
 * SHA-256 in digest. */
static int read_chunk(const struct sgz_reader *r, struct sgz_decoder *d,
		      size_t idx, uint8_t *buf, uint8_t digest[SHA256_LEN],
		      char *why, size_t why_len)
{
	const struct toc_entry *e = &r->toc.v[idx];
	int got = 0;

	if (r->format != SGZ_ZSTD_CHUNKED)
		got = inflate_whole(r, d, e, buf, why, why_len);
	if (got == 0)
		got = inflate_pieces(r, d, e, buf, why, why_len);
	if (got < 0)
		return -1;
	SHA256(buf, (size_t)e->chunk_size, digest);
	if (e->has_chunk_digest && memcmp(digest, e->chunk_digest, SHA256_LEN))
		FAIL("%s: chunk at %lld (offset %llu) does not match its "
		     "digest",
		     e->name, (long long)e->chunk_offset,
		     (unsigned long long)e->offset);
	return 0;
}

/* The entries of the file whose data starts at idx: it and its chunks. */
static size_t file_end(const struct toc *t, size_t idx)
{
	size_t i = idx + 1;

	while (i < t->n && t->v[i].type == TOC_CHUNK)
		i++;
	return i;
}

/* What a chunk entry may ask for before anything is read or allocated. */
static int check_chunk(const struct sgz_reader *r, const struct toc_entry *file,
		       const struct toc_entry *e, char *why, size_t why_len)
{
	uint64_t n = (uint64_t)e->chunk_size, span = e->next_offset - e->offset;
	uint64_t ratio = r->format == SGZ_ZSTD_CHUNKED ? ZSTD_MAX_RATIO
						       : DEFLATE_MAX_RATIO;

	if (n > MAX_CHUNK)
		FAIL("%s: a chunk of %llu bytes is over the limit of %u",
		     file->name, (unsigned long long)n, MAX_CHUNK);
	if (n / ratio > span)
		FAIL("%s: a chunk of %llu bytes cannot come from the %llu "
		     "bytes at offset %llu",
		     file->name, (unsigned long long)n,
		     (unsigned long long)span, (unsigned long long)e->offset);
	if (!file->has_digest && !e->has_chunk_digest)
		FAIL("%s: no digest to verify against", file->name);
	return 0;
}

ssize_t sgz_read_file(const struct sgz_reader *r, struct sgz_decoder *dec,
		      size_t idx, int fd, uint8_t **buf, size_t *cap, char *why,
		      size_t why_len)
{
	const struct toc_entry *file = &r->toc.v[idx];
	size_t end = file_end(&r->toc, idx);
	/* one chunk: its digest is the file's, no second pass over it */
	EVP_MD_CTX *h = NULL;
	uint8_t d[SHA256_LEN];

	if (end - idx > 1 && !(h = sha256_ctx()))
		FAIL("out of memory");
	for (size_t i = idx; i < end; i++) {
		size_t n = (size_t)r->toc.v[i].chunk_size;

		if (check_chunk(r, file, &r->toc.v[i], why, why_len) < 0)
			goto fail;
		if (buffer_grow(buf, cap, n) < 0) {
			snprintf(why, why_len,
				 "chunk of %zu bytes: out of memory", n);
			goto fail;
		}
		if (read_chunk(r, dec, i, *buf, d, why, why_len) < 0)
			goto fail;
		if (h)
			EVP_DigestUpdate(h, *buf, n);
		if (fd >= 0 && write_all(fd, *buf, n) < 0) {
			snprintf(why, why_len, "writing %s: %s", file->name,
				 strerror(errno));
			goto fail;
		}
	}
	if (h) {
		EVP_DigestFinal_ex(h, d, NULL);
		EVP_MD_CTX_free(h);
	}
	if (file->has_digest && memcmp(d, file->digest, SHA256_LEN))
		FAIL("%s: the file does not match its digest", file->name);
	return (ssize_t)end;
fail:
	EVP_MD_CTX_free(h);
	return -1;
}

int sgz_extract(struct sgz_reader *r, size_t idx, int fd, char *why,
		size_t why_len)
{
	uint8_t *buf = NULL;
	size_t cap = 0;
	ssize_t ret = 0;

	if (r->toc.v[idx].type != TOC_REG)
		FAIL("%s: not a regular file", r->toc.v[idx].name);
	if (toc_entry_has_data(&r->toc.v[idx]))
		ret = sgz_read_file(r, &r->dec, idx, fd, &buf, &cap, why,
				    why_len);
	free(buf);
	return ret < 0 ? -1 : 0;
}
