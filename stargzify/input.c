// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "cleanup.h"
#include "feed.h"
#include "input.h"
#include "io.h"

#define BUF (256u << 10)

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(why, why_len, __VA_ARGS__);                           \
		goto fail;                                                     \
	} while (0)

enum kind { PLAIN, GZIP, ZSTD };

static enum kind sniff(const uint8_t *b, size_t n)
{
	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8)
		return GZIP;
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f &&
	    b[3] == 0xfd)
		return ZSTD;
	return PLAIN;
}

static int spool_create(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	snprintf(path, sizeof(path), "%s/stargzify.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Fills the temporary file from the input on a thread of its own, so that
 * the conversion reads the first entries while the rest is inflated. */
struct spooler {
	struct feed feed; /* first: the tar_src points at it */
	pthread_t thread;
	enum kind kind;
	int in, out;
	uint8_t *ibuf, *obuf;
	size_t have; /* bytes already read into ibuf (sniffed) */
};

static int spool_write(struct spooler *s, const void *buf, size_t len)
{
	if (write_all(s->out, buf, len) < 0)
		return -1;
	if (feed_grew(&s->feed, len) < 0) {
		errno = ECANCELED; /* the conversion stopped */
		return -1;
	}
	return 0;
}

/* Inflates every gzip member of the stream (pigz and others write several)
 * into the spool. Trailing zero bytes are allowed, as gzip(1) does. */
static int inflate_gzip(struct spooler *s, char *why, size_t why_len)
{
	int in = s->in;
	uint8_t *ibuf = s->ibuf, *obuf = s->obuf;
	size_t have = s->have;
	z_stream z = { 0 };
	unsigned long long consumed = 0;
	bool in_member = false, eof = false, trailing = false;
	int r;

	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		FAIL("out of memory");
	z.next_in = ibuf;
	z.avail_in = (uInt)have;
	for (;;) {
		if (z.avail_in == 0 && !eof) {
			ssize_t n = read_all(in, ibuf, BUF);

			if (n < 0)
				FAIL("reading the input: %s", strerror(errno));
			eof = (size_t)n < BUF;
			z.next_in = ibuf;
			z.avail_in = (uInt)n;
		}
		if (z.avail_in == 0) {
			if (in_member)
				FAIL("truncated gzip stream (%llu compressed "
				     "bytes)",
				     consumed);
			break;
		}
		if (!in_member) {
			if (trailing || z.next_in[0] == 0) {
				for (uInt i = 0; i < z.avail_in; i++)
					if (z.next_in[i])
						FAIL("garbage after the gzip "
						     "stream at offset %llu",
						     consumed + i);
				trailing = true;
				consumed += z.avail_in;
				z.avail_in = 0;
				continue;
			}
			in_member = true;
		}
		uInt before = z.avail_in;

		z.next_out = obuf;
		z.avail_out = BUF;
		r = inflate(&z, Z_NO_FLUSH);
		consumed += before - z.avail_in;
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
			FAIL("corrupt gzip data near offset %llu: %s", consumed,
			     z.msg ? z.msg : "inflate failed");
		if (spool_write(s, obuf, BUF - z.avail_out) < 0)
			FAIL("writing the temporary file: %s", strerror(errno));
		if (r == Z_STREAM_END) {
			in_member = false;
			inflateReset(&z);
		}
	}
	inflateEnd(&z);
	return 0;
fail:
	inflateEnd(&z);
	return -1;
}

static int inflate_zstd(struct spooler *s, char *why, size_t why_len)
{
	int in = s->in;
	uint8_t *ibuf = s->ibuf, *obuf = s->obuf;
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer zi = { ibuf, s->have, 0 };
	size_t last = 0;
	bool eof = false;

	if (!d)
		FAIL("out of memory");
	for (;;) {
		if (zi.pos == zi.size && !eof) {
			ssize_t n = read_all(in, ibuf, BUF);

			if (n < 0)
				FAIL("reading the input: %s", strerror(errno));
			eof = (size_t)n < BUF;
			zi.size = (size_t)n;
			zi.pos = 0;
		}
		if (zi.pos == zi.size)
			break;
		ZSTD_outBuffer zo = { obuf, BUF, 0 };

		last = ZSTD_decompressStream(d, &zo, &zi);
		if (ZSTD_isError(last))
			FAIL("corrupt zstd data: %s", ZSTD_getErrorName(last));
		if (spool_write(s, obuf, zo.pos) < 0)
			FAIL("writing the temporary file: %s", strerror(errno));
	}
	if (last != 0)
		FAIL("truncated zstd stream");
	ZSTD_freeDCtx(d);
	return 0;
fail:
	ZSTD_freeDCtx(d);
	return -1;
}

/* A plain tar that cannot be read in place (stdin, a pipe): copied. */
static int copy_plain(struct spooler *s, char *why, size_t why_len)
{
	ssize_t have = (ssize_t)s->have;

	while (have > 0) {
		if (spool_write(s, s->ibuf, (size_t)have) < 0) {
			snprintf(why, why_len, "writing the temporary file: %s",
				 strerror(errno));
			return -1;
		}
		have = read_all(s->in, s->ibuf, BUF);
	}
	if (have < 0) {
		snprintf(why, why_len, "reading the input: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

static void *spool_thread(void *arg)
{
	struct spooler *s = arg;
	char why[256] = "";
	int r = s->kind == GZIP	  ? inflate_gzip(s, why, sizeof(why))
		: s->kind == ZSTD ? inflate_zstd(s, why, sizeof(why))
				  : copy_plain(s, why, sizeof(why));

	if (r < 0 && !*why)
		snprintf(why, sizeof(why), "reading the input failed");
	feed_end(&s->feed, r < 0 ? why : NULL);
	return NULL;
}

static void spooler_free(struct spooler *s)
{
	close_quietly(s->in);
	free(s->ibuf);
	free(s->obuf);
	feed_destroy(&s->feed);
	free(s);
}

int input_open(const char *path, struct tar_src *src, char *why, size_t why_len)
{
	_cleanup_close_ int in = -1, spool = -1;
	_cleanup_free_ uint8_t *ibuf = NULL, *obuf = NULL;
	struct spooler *s;
	struct stat st;
	ssize_t have;

	in = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
			       : fcntl(0, F_DUPFD_CLOEXEC, 3);
	if (in < 0 || fstat(in, &st) < 0) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, why_len, "%s: is a directory", path);
		return -1;
	}
	ibuf = malloc(BUF);
	obuf = malloc(BUF);
	if (!ibuf || !obuf) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		have = pread(in, ibuf, 4, 0);
		if (have >= 0 && sniff(ibuf, (size_t)have) == PLAIN) {
			*src = (struct tar_src){ .fd = steal_fd(&in),
						 .size = (uint64_t)st.st_size };
			return 0;
		}
		if (lseek(in, 0, SEEK_SET) < 0)
			have = -1;
	}
	have = read_all(in, ibuf, BUF);
	if (have < 0) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	spool = spool_create();
	if (spool < 0) {
		snprintf(why, why_len, "temporary file in %s: %s",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			 strerror(errno));
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s || feed_init(&s->feed) < 0) {
		free(s);
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	s->kind = sniff(ibuf, (size_t)have);
	s->have = (size_t)have;
	s->out = spool;
	s->in = steal_fd(&in);
	s->ibuf = steal_ptr(&ibuf);
	s->obuf = steal_ptr(&obuf);
	if (pthread_create(&s->thread, NULL, spool_thread, s)) {
		spooler_free(s);
		snprintf(why, why_len, "starting a thread failed");
		return -1;
	}
	*src = (struct tar_src){ .fd = steal_fd(&spool), .feed = &s->feed };
	return 0;
}

void input_close(struct tar_src *src)
{
	if (src->feed) {
		/* the feed is the spooler's first member */
		struct spooler *s = (struct spooler *)src->feed;

		feed_cancel(&s->feed);
		pthread_join(s->thread, NULL);
		spooler_free(s);
		src->feed = NULL;
	}
	close_quietly(src->fd);
	src->fd = -1;
}

int input_done(struct tar_src *src, bool converted, char *why, size_t why_len)
{
	/* after a good conversion, wait: the stream may still fail */
	int r = src->feed ? feed_failed(src->feed, converted, why, why_len) : 0;

	input_close(src);
	return converted && r == 0 ? 0 : -1;
}
