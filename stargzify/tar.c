// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hand-written rather than libarchive: the TOC must carry each field as
 * Go's archive/tar reports it (the name as stored, with "./" and a
 * trailing slash; the raw mode field), and the converter copies header
 * blocks verbatim, which needs their exact offsets. libarchive normalizes
 * both away. The rules below follow Go's reader.go; where Go is lenient
 * in a way that hides corruption we are stricter and say so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "tar.h"

enum tar_format { FMT_V7, FMT_USTAR, FMT_STAR, FMT_GNU };

/* Offsets of the header fields (POSIX ustar, GNU, star). */
#define F_NAME	   0
#define F_MODE	   100
#define F_UID	   108
#define F_GID	   116
#define F_SIZE	   124
#define F_MTIME	   136
#define F_CHKSUM   148
#define F_TYPE	   156
#define F_LINKNAME 157
#define F_MAGIC	   257
#define F_VERSION  263
#define F_UNAME	   265
#define F_GNAME	   297
#define F_DEVMAJOR 329
#define F_DEVMINOR 337
#define F_PREFIX   345
#define F_TRAILER  508

struct pending {
	char *long_name;
	char *long_link;
	char *pax; /* the last PAX record block, NUL-terminated */
	size_t pax_len;
};

static void pending_free(struct pending *p)
{
	free(p->long_name);
	free(p->long_link);
	free(p->pax);
	memset(p, 0, sizeof(*p));
}

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(why, why_len, __VA_ARGS__);                           \
		return -1;                                                     \
	} while (0)

/* want, when the archive has that many bytes; else its size */
static uint64_t src_extent(const struct tar_src *src, uint64_t want)
{
	if (src->feed)
		return feed_extent(src->feed, want);
	return want < src->size ? want : src->size;
}

static int src_read(const struct tar_src *src, uint64_t off, void *buf,
		    size_t len)
{
	if (off > UINT64_MAX - len || src_extent(src, off + len) < off + len)
		return -1;
	if (src->mem) {
		memcpy(buf, src->mem + off, len);
		return 0;
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(src->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* A NUL-terminated copy of a field, cut at its first NUL. */
static char *field_string(const uint8_t *f, size_t len)
{
	const uint8_t *nul = memchr(f, '\0', len);

	return strndup((const char *)f, nul ? (size_t)(nul - f) : len);
}

/* Go's parseNumeric: base-256 when the top bit is set (GNU), else octal
 * with leading and trailing spaces and NULs ignored. */
static int parse_numeric(const uint8_t *f, size_t len, int64_t *out)
{
	if (len > 0 && (f[0] & 0x80)) {
		uint8_t inv = (f[0] & 0x40) ? 0xff : 0;
		uint64_t x = 0;

		for (size_t i = 0; i < len; i++) {
			uint8_t c = f[i] ^ inv;

			if (i == 0)
				c &= 0x7f;
			if (x >> 56)
				return -1;
			x = x << 8 | c;
		}
		if (x >> 63)
			return -1;
		*out = inv ? ~(int64_t)x : (int64_t)x;
		return 0;
	}
	size_t a = 0, b = len;

	while (a < b && (f[a] == ' ' || f[a] == '\0'))
		a++;
	while (b > a && (f[b - 1] == ' ' || f[b - 1] == '\0'))
		b--;
	uint64_t x = 0;

	for (size_t i = a; i < b; i++) {
		if (f[i] < '0' || f[i] > '7' || (x >> 60))
			return -1;
		x = x << 3 | (uint64_t)(f[i] - '0');
	}
	if (x >> 63)
		return -1;
	*out = (int64_t)x;
	return 0;
}

static bool checksum_ok(const uint8_t *blk)
{
	int64_t want;
	uint64_t u = 0;
	int64_t s = 0;

	if (parse_numeric(blk + F_CHKSUM, 8, &want) < 0)
		return false;
	for (size_t i = 0; i < TAR_BLOCK; i++) {
		uint8_t c = (i >= F_CHKSUM && i < F_CHKSUM + 8) ? ' ' : blk[i];

		u += c;
		s += (int8_t)c;
	}
	return want == (int64_t)u || want == s;
}

static enum tar_format detect_format(const uint8_t *blk)
{
	if (!memcmp(blk + F_MAGIC, "ustar\0", 6) &&
	    !memcmp(blk + F_VERSION, "00", 2))
		return memcmp(blk + F_TRAILER, "tar\0", 4) ? FMT_USTAR
							   : FMT_STAR;
	if (!memcmp(blk + F_MAGIC, "ustar ", 6) &&
	    !memcmp(blk + F_VERSION, " \0", 2))
		return FMT_GNU;
	return FMT_V7;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool has_nul(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/* Strict decimal for PAX numbers: optional '-', digits, nothing else. */
static int parse_pax_int(const char *v, int64_t *out)
{
	bool neg = *v == '-';
	uint64_t x = 0;

	if (neg)
		v++;
	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || x > (UINT64_C(1) << 63) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*v - '0');
	}
	if (x > (uint64_t)INT64_MAX + neg)
		return -1;
	*out = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

/* "SEC[.FRAC]" as Go's parsePAXTime; fraction digits past 9 ignored. */
static int parse_pax_time(const char *v, int64_t *sec, int32_t *nsec)
{
	const char *dot = strchr(v, '.');
	char whole[24];
	int64_t s, ns = 0;
	size_t wl = dot ? (size_t)(dot - v) : strlen(v);

	if (wl == 0 || wl >= sizeof(whole))
		return -1;
	memcpy(whole, v, wl);
	whole[wl] = '\0';
	if (parse_pax_int(whole, &s) < 0)
		return -1;
	if (dot) {
		const char *f = dot + 1;
		int digits = 0;

		if (!*f)
			return -1;
		for (; *f; f++) {
			if (*f < '0' || *f > '9')
				return -1;
			if (digits < 9) {
				ns = ns * 10 + (*f - '0');
				digits++;
			}
		}
		for (; digits < 9; digits++)
			ns *= 10;
	}
	if (v[0] == '-' && ns) {
		if (s == INT64_MIN)
			return -1;
		s -= 1; /* -1.5 is -2 + 0.5 */
		ns = 1000000000 - ns;
	}
	*sec = s;
	*nsec = (int32_t)ns;
	return 0;
}

static int add_xattr(struct tar_header *h, const char *key, const char *v,
		     size_t vlen)
{
	for (size_t i = 0; i < h->n_xattrs; i++) {
		if (!strcmp(h->xattrs[i].key, key)) { /* last one wins */
			uint8_t *nv = malloc(vlen + 1);

			if (!nv)
				return -1;
			memcpy(nv, v, vlen);
			free(h->xattrs[i].value);
			h->xattrs[i].value = nv;
			h->xattrs[i].len = vlen;
			return 0;
		}
	}
	struct tar_xattr *nx =
		realloc(h->xattrs, (h->n_xattrs + 1) * sizeof(*nx));

	if (!nx)
		return -1;
	h->xattrs = nx;
	nx[h->n_xattrs].key = strdup(key);
	nx[h->n_xattrs].value = malloc(vlen + 1);
	nx[h->n_xattrs].len = vlen;
	if (!nx[h->n_xattrs].key || !nx[h->n_xattrs].value) {
		free(nx[h->n_xattrs].key);
		free(nx[h->n_xattrs].value);
		return -1;
	}
	memcpy(nx[h->n_xattrs].value, v, vlen);
	h->n_xattrs++;
	return 0;
}

static int cmp_xattr(const void *a, const void *b)
{
	return strcmp(((const struct tar_xattr *)a)->key,
		      ((const struct tar_xattr *)b)->key);
}

static int replace_string(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* Applies one PAX record block ("LEN KEY=VALUE\n"...) to h. */
static int merge_pax(struct tar_header *h, const char *rec, size_t len,
		     char *why, size_t why_len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *r = rec + pos, *sp, *eq;
		uint64_t n = 0;
		size_t i;

		for (i = 0; pos + i < len && r[i] >= '0' && r[i] <= '9'; i++) {
			n = n * 10 + (uint64_t)(r[i] - '0');
			if (n > len)
				FAIL("PAX record length too large");
		}
		sp = r + i;
		if (i == 0 || pos + i >= len || *sp != ' ' || n < 5 ||
		    n > len - pos || r[n - 1] != '\n')
			FAIL("malformed PAX record at byte %zu", pos);
		eq = memchr(sp + 1, '=', (size_t)(r + n - 1 - (sp + 1)));
		if (!eq || eq == sp + 1)
			FAIL("malformed PAX record at byte %zu", pos);

		size_t klen = (size_t)(eq - (sp + 1));
		size_t vlen = (size_t)(r + n - 1 - (eq + 1));
		char key[256];
		const char *v = eq + 1;

		if (klen >= sizeof(key) || has_nul(sp + 1, klen))
			FAIL("malformed PAX record key at byte %zu", pos);
		memcpy(key, sp + 1, klen);
		key[klen] = '\0';
		pos += n;

		/* Values of the string keys must hold no NUL; numbers are
		 * parsed from a NUL-terminated copy. */
		char *val = strndup(v, vlen);
		int bad = 0;

		if (!val)
			FAIL("out of memory");
		bool str_key = !strcmp(key, "path") ||
			       !strcmp(key, "linkpath") ||
			       !strcmp(key, "uname") || !strcmp(key, "gname");
		if (str_key && has_nul(v, vlen))
			bad = 1;
		else if (!strcmp(key, "path"))
			bad = replace_string(&h->name, val);
		else if (!strcmp(key, "linkpath"))
			bad = replace_string(&h->linkname, val);
		else if (!strcmp(key, "uname"))
			bad = replace_string(&h->uname, val);
		else if (!strcmp(key, "gname"))
			bad = replace_string(&h->gname, val);
		else if (!strcmp(key, "uid"))
			bad = parse_pax_int(val, &h->uid);
		else if (!strcmp(key, "gid"))
			bad = parse_pax_int(val, &h->gid);
		else if (!strcmp(key, "size"))
			bad = parse_pax_int(val, &h->size);
		else if (!strcmp(key, "mtime"))
			bad = parse_pax_time(val, &h->mtime_sec,
					     &h->mtime_nsec);
		else if (!strncmp(key, "GNU.sparse.", 11)) {
			free(val);
			FAIL("sparse files are not supported");
		} else if (!strncmp(key, "SCHILY.xattr.", 13) && key[13])
			bad = add_xattr(h, key + 13, v, vlen);
		free(val);
		if (bad)
			FAIL("bad PAX record %s", key);
	}
	return 0;
}

/* The payload of a PAX or GNU long-name header, capped. */
static int read_special(const struct tar_src *src, uint64_t off, int64_t size,
			char **out, size_t *out_len, char *why, size_t why_len)
{
	char *buf;

	if (size < 0 || (uint64_t)size > TAR_MAX_SPECIAL)
		FAIL("extended header at offset %llu is %lld bytes, over the "
		     "%u-byte limit",
		     (unsigned long long)off, (long long)size, TAR_MAX_SPECIAL);
	buf = malloc((size_t)size + 1);
	if (!buf)
		FAIL("out of memory");
	if (src_read(src, off + TAR_BLOCK, buf, (size_t)size) < 0) {
		free(buf);
		FAIL("truncated extended header at offset %llu",
		     (unsigned long long)off);
	}
	buf[size] = '\0';
	*out = buf;
	*out_len = (size_t)size;
	return 0;
}

static uint64_t padded(uint64_t n)
{
	return (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
}

static bool header_only(char type)
{
	return type == '1' || type == '2' || type == '3' || type == '4' ||
	       type == '5' || type == '6';
}

/* The fields of one ordinary header block, as Go's readHeader. */
static int parse_block(const uint8_t *blk, struct tar_header *h, char *why,
		       size_t why_len, uint64_t off)
{
	enum tar_format fmt = detect_format(blk);
	int64_t mtime;
	int bad = 0;

	h->type = (char)blk[F_TYPE];
	h->name = field_string(blk + F_NAME, 100);
	h->linkname = field_string(blk + F_LINKNAME, 100);
	h->uname = strdup("");
	h->gname = strdup("");
	if (!h->name || !h->linkname || !h->uname || !h->gname)
		FAIL("out of memory");
	bad |= parse_numeric(blk + F_MODE, 8, &h->mode);
	bad |= parse_numeric(blk + F_UID, 8, &h->uid);
	bad |= parse_numeric(blk + F_GID, 8, &h->gid);
	bad |= parse_numeric(blk + F_SIZE, 12, &h->size);
	bad |= parse_numeric(blk + F_MTIME, 12, &mtime);
	h->mtime_sec = mtime;
	h->mtime_nsec = 0;
	if (fmt != FMT_V7) {
		free(h->uname);
		free(h->gname);
		h->uname = field_string(blk + F_UNAME, 32);
		h->gname = field_string(blk + F_GNAME, 32);
		if (!h->uname || !h->gname)
			FAIL("out of memory");
		bad |= parse_numeric(blk + F_DEVMAJOR, 8, &h->devmajor);
		bad |= parse_numeric(blk + F_DEVMINOR, 8, &h->devminor);
	}
	if (bad)
		FAIL("bad number in the header at offset %llu",
		     (unsigned long long)off);
	if (fmt == FMT_USTAR || fmt == FMT_STAR) {
		char *prefix = field_string(blk + F_PREFIX,
					    fmt == FMT_STAR ? 131 : 155);

		if (!prefix)
			FAIL("out of memory");
		if (*prefix) {
			char *full;

			if (asprintf(&full, "%s/%s", prefix, h->name) < 0) {
				free(prefix);
				FAIL("out of memory");
			}
			free(h->name);
			h->name = full;
		}
		free(prefix);
	}
	return 0;
}

/* What we refuse of an entry read whole (its main header at pos). */
static int check_entry(const struct tar_header *h, uint64_t pos, char *why,
		       size_t why_len)
{
	if (h->type == 'g')
		FAIL("global PAX header at offset %llu: not supported",
		     (unsigned long long)pos);
	if (h->type == 'S')
		FAIL("%s: sparse files are not supported", h->name);
	if (!header_only(h->type) && h->type != '0')
		FAIL("%s: unsupported entry type '%c' at offset %llu", h->name,
		     h->type >= 0x20 && h->type < 0x7f ? h->type : '?',
		     (unsigned long long)pos);
	if (h->size < 0)
		FAIL("%s: negative size at offset %llu", h->name,
		     (unsigned long long)pos);
	if (tar_name_is_unsafe(h->name))
		FAIL("unsafe entry name \"%s\" at offset %llu", h->name,
		     (unsigned long long)pos);
	if (h->type == '1' && tar_name_is_unsafe(h->linkname))
		FAIL("%s: unsafe hard link target \"%s\"", h->name,
		     h->linkname);
	return 0;
}

static int next_entry(const struct tar_src *src, uint64_t *off,
		      struct tar_header *h, char *why, size_t why_len)
{
	struct pending p = { 0 };
	uint8_t blk[TAR_BLOCK];
	uint64_t start = *off, pos = *off;

	memset(h, 0, sizeof(*h));
	for (;;) {
		if (pos == start && src_extent(src, pos + 1) == pos)
			return 0; /* the end without a trailer, as Go */
		if (src_read(src, pos, blk, TAR_BLOCK) < 0) {
			pending_free(&p);
			FAIL("truncated header at offset %llu",
			     (unsigned long long)pos);
		}
		if (all_zero(blk, TAR_BLOCK) && pos == start) {
			uint8_t next[TAR_BLOCK];

			if (src_extent(src, pos + TAR_BLOCK + 1) ==
			    pos + TAR_BLOCK)
				return 0;
			if (src_read(src, pos + TAR_BLOCK, next, TAR_BLOCK) <
				    0 ||
			    !all_zero(next, TAR_BLOCK))
				FAIL("a lone zero block at offset %llu",
				     (unsigned long long)pos);
			return 0;
		}
		if (!checksum_ok(blk)) {
			pending_free(&p);
			FAIL("bad header checksum at offset %llu",
			     (unsigned long long)pos);
		}

		struct tar_header cur = { 0 };

		if (parse_block(blk, &cur, why, why_len, pos) < 0) {
			tar_header_free(&cur);
			pending_free(&p);
			return -1;
		}
		char t = cur.type;

		if (t == 'x' || t == 'L' || t == 'K') {
			char *data;
			size_t len;
			int64_t size = cur.size;

			tar_header_free(&cur);
			if (read_special(src, pos, size, &data, &len, why,
					 why_len) < 0) {
				pending_free(&p);
				return -1;
			}
			if (t == 'x') {
				free(p.pax);
				p.pax = data;
				p.pax_len = len;
			} else {
				char **dst =
					t == 'L' ? &p.long_name : &p.long_link;
				free(*dst);
				*dst = data; /* cut at its first NUL */
			}
			pos += TAR_BLOCK + padded((uint64_t)size);
			continue;
		}
		*h = cur;
		h->header_off = start;
		if (p.pax && merge_pax(h, p.pax, p.pax_len, why, why_len) < 0) {
			pending_free(&p);
			return -1;
		}
		if (p.long_name && *p.long_name)
			replace_string(&h->name, p.long_name);
		if (p.long_link && *p.long_link)
			replace_string(&h->linkname, p.long_link);
		pending_free(&p);
		break;
	}
	if (h->type == '\0') {
		size_t n = strlen(h->name);

		h->type = (n && h->name[n - 1] == '/') ? '5' : '0';
	}
	if (h->n_xattrs > 1)
		qsort(h->xattrs, h->n_xattrs, sizeof(*h->xattrs), cmp_xattr);
	if (check_entry(h, pos, why, why_len) < 0)
		return -1;
	h->data_off = pos + TAR_BLOCK;
	h->data_len = header_only(h->type) ? 0 : (uint64_t)h->size;
	uint64_t end = src_extent(src, h->data_off + h->data_len);

	if (end < h->data_off + h->data_len)
		FAIL("%s: truncated: %llu bytes of data at offset %llu, the "
		     "archive ends at %llu",
		     h->name, (unsigned long long)h->data_len,
		     (unsigned long long)h->data_off, (unsigned long long)end);
	h->next_off = src_extent(src, h->data_off + padded(h->data_len));
	/* short of the padding only at the end: a missing final padding */
	*off = h->next_off;
	return 1;
}

int tar_next(const struct tar_src *src, uint64_t *off, struct tar_header *h,
	     char *why, size_t why_len)
{
	int r = next_entry(src, off, h, why, why_len);

	/* an entry refused after parsing must not leak its strings */
	if (r < 0)
		tar_header_free(h);
	return r;
}

void tar_header_free(struct tar_header *h)
{
	free(h->name);
	free(h->linkname);
	free(h->uname);
	free(h->gname);
	tar_xattrs_free(h->xattrs, h->n_xattrs);
	memset(h, 0, sizeof(*h));
}

void tar_xattrs_free(struct tar_xattr *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(x[i].key);
		free(x[i].value);
	}
	free(x);
}

bool tar_name_is_unsafe(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return true;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		while (*p == '/')
			p++;
	}
	return false;
}

char *tar_clean_name(const char *name)
{
	size_t len = strlen(name);
	char *out = malloc(len + 1);
	size_t o = 0;
	const char *p = name;

	if (!out)
		return NULL;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* empty or "." component */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	out[o] = '\0';
	return out;
}

static void put_octal(uint8_t *f, size_t len, uint64_t v)
{
	/* len - 1 digits and a NUL, as Go's formatOctal */
	for (size_t i = len - 1; i-- > 0; v >>= 3)
		f[i] = (uint8_t)('0' + (v & 7));
	f[len - 1] = '\0';
}

void tar_ustar_file_header(uint8_t block[TAR_BLOCK], const char *name,
			   uint64_t size)
{
	uint64_t sum = 0;

	memset(block, 0, TAR_BLOCK);
	memcpy(block + F_NAME, name, strnlen(name, 100));
	put_octal(block + F_MODE, 8, 0);
	put_octal(block + F_UID, 8, 0);
	put_octal(block + F_GID, 8, 0);
	put_octal(block + F_SIZE, 12, size);
	put_octal(block + F_MTIME, 12, 0);
	block[F_TYPE] = '0';
	memcpy(block + F_MAGIC,
	       "ustar\0"
	       "00",
	       8);
	put_octal(block + F_DEVMAJOR, 8, 0);
	put_octal(block + F_DEVMINOR, 8, 0);
	memset(block + F_CHKSUM, ' ', 8);
	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += block[i];
	put_octal(block + F_CHKSUM, 7, sum);
	block[F_CHKSUM + 7] = ' ';
}
