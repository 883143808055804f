// SPDX-License-Identifier: GPL-2.0-or-later
/* stargzify's pure logic: tar header fields as Go reads them, name rules,
 * the TOC's JSON (Go's escaping, RFC 3339 times), footers, the
 * --prioritize list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "member.h"
#include "order.h"
#include "tap.h"
#include "tar.h"
#include "toc.h"

static void checksum(uint8_t *b)
{
	unsigned sum = 0;

	memset(b + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	b[155] = ' ';
}

static int parse(const uint8_t *buf, size_t len, struct tar_header *h,
		 char *why)
{
	struct tar_src src = { .mem = buf, .size = len };
	uint64_t off = 0;

	return tar_next(&src, &off, h, why, 256);
}

static void test_headers(void)
{
	uint8_t t[3 * 512] = { 0 };
	struct tar_header h;
	char why[256] = "";

	/* ustar with a prefix, base-256 uid, type '\0' */
	tar_ustar_file_header(t, "file", 3);
	memcpy(t + 345, "some/prefix", 11);
	memset(t + 108, 0, 8);
	t[108] = 0x80;
	t[115] = 0x01; /* uid 2^0 after the marker byte... */
	t[114] = 0x10; /* ...plus 0x1000 */
	t[156] = '\0';
	checksum(t);
	memcpy(t + 512, "abc", 3);
	is_int(parse(t, sizeof(t), &h, why), 1, "ustar entry read: %s", why);
	is_str(h.name, "some/prefix/file", "prefix joined with a slash");
	is_int(h.uid, 0x1001, "base-256 uid");
	is_int(h.type, '0', "type NUL is a regular file");
	is_int(h.data_len, 3, "payload length");
	tar_header_free(&h);

	/* the landmark header is exactly Go's */
	tar_ustar_file_header(t, ".no.prefetch.landmark", 1);
	ok(!memcmp(t + 148, "013162\0 ", 8), "landmark checksum as Go writes");

	/* a bad checksum is refused with the offset */
	t[0] ^= 1;
	is_int(parse(t, sizeof(t), &h, why), -1, "bad checksum refused");
	is_str(why, "bad header checksum at offset 0", "error names offset");
	tar_header_free(&h);

	/* an empty input and two zero blocks are both the end */
	uint8_t zero[1024] = { 0 };

	is_int(parse(zero, 0, &h, why), 0, "empty input: the end");
	is_int(parse(zero, sizeof(zero), &h, why), 0, "zero blocks: the end");
}

static void test_names(void)
{
	static const char *const unsafe[] = { "",	"/etc", "..",
					      "a/../b", "a/..", "../x" };
	static const char *const safe[] = { "a", "./a/", "a..b", "...", "./" };

	for (size_t i = 0; i < sizeof(unsafe) / sizeof(*unsafe); i++)
		ok(tar_name_is_unsafe(unsafe[i]), "\"%s\" is unsafe",
		   unsafe[i]);
	for (size_t i = 0; i < sizeof(safe) / sizeof(*safe); i++)
		ok(!tar_name_is_unsafe(safe[i]), "\"%s\" is safe", safe[i]);

	char *c = tar_clean_name("./usr//bin/./x/");

	is_str(c, "usr/bin/x", "clean as Go's path.Clean");
	free(c);
	c = tar_clean_name("./");
	is_str(c, "", "the root cleans to \"\"");
	free(c);
}

static const char *go_string(const char *s, size_t len)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	toc_write_go_string(f, s, len);
	fclose(f);
	return buf;
}

static void test_json(void)
{
	is_str(go_string("a<b>&\"\\", 7), "\"a\\u003cb\\u003e\\u0026\\\"\\\\\"",
	       "HTML characters escaped as Go does");
	is_str(go_string("\n\t\r\b\x1f", 5), "\"\\n\\t\\r\\u0008\\u001f\"",
	       "control characters as Go 1.19");
	is_str(go_string("\xe2\x80\xa8", 3), "\"\\u2028\"", "U+2028 escaped");
	is_str(go_string("a\xff\xc3\xa9", 4), "\"a\\ufffd\xc3\xa9\"",
	       "invalid UTF-8 becomes U+FFFD, valid kept");
	is_str(go_string("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"",
	       "an encoded surrogate is invalid");

	char *t = toc_format_modtime(1234567890, 750000000);

	is_str(t, "2009-02-13T23:31:31Z", "rounded up to the second, UTC");
	free(t);
	t = toc_format_modtime(1234567890, 499999999);
	is_str(t, "2009-02-13T23:31:30Z", "rounded down below the half");
	free(t);
	ok(toc_format_modtime(0, 0) == NULL, "the epoch is omitted");
	t = toc_format_modtime(-1, 500000000);
	ok(t == NULL, "-0.5 s rounds to the epoch, omitted");
	free(t);

	uint8_t d[SHA256_LEN];

	ok(parse_sha256("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
			"934ca495991b7852b855",
			d) == 0 &&
		   d[0] == 0xe3,
	   "sha256 digest parsed");
	ok(parse_sha256("sha256:E3B0", d) < 0, "short or uppercase refused");
}

static void test_toc_parse(void)
{
	static const char good[] =
		"{\"version\":1,\"entries\":["
		"{\"name\":\"a\",\"type\":\"reg\",\"size\":10,\"offset\":5,"
		"\"chunkSize\":4,\"xattrs\":{\"user.x\":\"YWI=\"}},"
		"{\"name\":\"a\",\"type\":\"chunk\",\"offset\":9,"
		"\"chunkOffset\":4}]}";
	struct toc t;
	char why[256] = "";

	is_int(toc_parse(good, strlen(good), 100, &t, why, sizeof(why)), 0,
	       "TOC parsed: %s", why);
	if (t.n == 2) {
		is_int(t.v[1].chunk_size, 6, "the last chunk is the rest");
		is_int(t.v[0].next_offset, 9, "a member ends at the next");
		is_int(t.v[1].next_offset, 100, "the last ends at the TOC");
		ok(t.v[0].n_xattrs == 1 && t.v[0].xattrs[0].len == 2 &&
			   !memcmp(t.v[0].xattrs[0].value, "ab", 2),
		   "xattr value decoded from base64");
	}
	toc_free(&t);

	/* An offset on an entry without data names no member: it must not
	 * cut short the member before it. */
	static const char stray[] =
		"{\"version\":1,\"entries\":["
		"{\"name\":\"a\",\"type\":\"reg\",\"size\":10,\"offset\":50},"
		"{\"name\":\"d\",\"type\":\"dir\",\"offset\":7},"
		"{\"name\":\"e\",\"type\":\"reg\",\"offset\":3}]}";

	is_int(toc_parse(stray, strlen(stray), 100, &t, why, sizeof(why)), 0,
	       "TOC with offsets on entries without data parsed: %s", why);
	if (t.n == 3)
		is_int(t.v[0].next_offset, 100,
		       "entries without data do not end a member");
	toc_free(&t);

	static const char packed[] =
		"{\"version\":1,\"entries\":["
		"{\"name\":\"a\",\"type\":\"reg\",\"size\":1,\"offset\":5},"
		"{\"name\":\"b\",\"type\":\"reg\",\"size\":1,\"offset\":5,"
		"\"innerOffset\":513}]}";

	ok(toc_parse(packed, strlen(packed), 100, &t, why, sizeof(why)) < 0 &&
		   strstr(why, "entry 1 (b): innerOffset"),
	   "files packed into one member refused by name: %s", why);

	static const char *const bad[] = {
		"{\"version\":1,\"entries\":[{\"name\":\"../"
		"x\",\"type\":\"dir\"}]}",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\","
		"\"size\":10,\"offset\":5}],\"x\":1} trailing",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\","
		"\"size\":10,\"offset\":500}]}",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\","
		"\"size\":10,\"offset\":5,\"chunkSize\":4}]}",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":"
		"\"chunk\","
		"\"offset\":5}]}",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":"
		"\"bogus\"}]}",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\","
		"\"xattrs\":{\"k\":\"!!\"}}]}",
		"{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\","
		"\"size\":1,\"offset\":5,\"innerOffset\":-1}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ok(toc_parse(bad[i], strlen(bad[i]), 100, &t, why,
			     sizeof(why)) < 0,
		   "bad TOC %zu refused: %s", i, why);
	}
}

static void test_footers(void)
{
	uint8_t f[FOOTER_MAX];

	is_int(footer_bytes(SGZ_ESTARGZ, 0x19f, 0, 0, f), 51, "eStargz 51");
	ok(!memcmp(f + 10,
		   "\x1a\x00SG\x16\x00"
		   "000000000000019fSTARGZ",
		   28),
	   "eStargz subfield SG with the hex offset");
	is_int(footer_bytes(SGZ_STARGZ, 0x19f, 0, 0, f), 47, "stargz 47");
	ok(!memcmp(f + 10,
		   "\x16\x00"
		   "000000000000019fSTARGZ",
		   24),
	   "crfs extra field without a subfield header");
	is_int(footer_bytes(SGZ_ZSTD_CHUNKED, 8, 2, 3, f), 48, "zstd 8+40");
	ok(!memcmp(f, "\x50\x2a\x4d\x18\x28\0\0\0\x08", 9) &&
		   !memcmp(f + 40, "GnUlInUx", 8),
	   "zstd skippable frame and magic");
}

static void test_prio_list(void)
{
	char **p, why[128];
	size_t n;

	ok(order_read_prio_list("a/b\n\n{\"path\": \"c\"}\r\n./d\n", &p, &n,
				why, sizeof(why)) == 0 &&
		   n == 3,
	   "three paths, plain and JSON lines");
	if (n == 3) {
		is_str(p[0], "a/b", "plain path");
		is_str(p[1], "c", "JSON-lines path");
		is_str(p[2], "./d", "kept as written");
	}
	order_free_prio_list(p, n);
	ok(order_read_prio_list("{\"nopath\": 1}\n", &p, &n, why, sizeof(why)) <
		   0,
	   "a record without path refused: %s", why);
}

static struct dedup_key key_of(unsigned i, uint64_t len)
{
	struct dedup_key k = { .len = len };

	memcpy(k.digest, &i, sizeof(i));
	k.digest[31] = 0x5a;
	return k;
}

static void test_dedup(void)
{
	struct dedup d = { 0 };
	struct dedup_key a = key_of(1, 8192), b = key_of(1, 8704);
	struct dedup_member *m;
	struct deflate_end end = { .final_bit = 3, .end_bit = 90 };
	static const uint8_t gz[] = "member bytes";
	unsigned reserved = 0, repeats = 0;

	ok(!dedup_repeat(&d, &a) && dedup_repeat(&d, &a) &&
		   !dedup_repeat(&d, &b),
	   "a key is a repeat the second time; the same digest of another "
	   "length is not");
	ok(!dedup_find(&d, &a), "nothing kept before it is reserved");
	{
		struct dedup_key never = key_of(2, 8192);

		ok(!dedup_reserve(&d, &never),
		   "no member for a key never recorded");
	}
	m = dedup_reserve(&d, &a);
	ok(m && m->state == DEDUP_MAKING && dedup_find(&d, &a) == m &&
		   !dedup_find(&d, &b),
	   "a reserved member is found by its whole key, being made");
	dedup_made(&d, m, gz, sizeof(gz), &end);
	ok(m->state == DEDUP_KEPT && m->gz_len == sizeof(gz) &&
		   !memcmp(m->gz, gz, sizeof(gz)) && m->end.end_bit == 90,
	   "made: a copy of its bytes and where its stream ends");
	m = dedup_reserve(&d, &b);
	dedup_made(&d, m, NULL, 0, &end);
	ok(m->state == DEDUP_FAILED, "a member that could not be made failed");
	{
		/* another key of the same fingerprint: taken for a repeat (its
		 * member is then compressed in two parts), but never given
		 * the first key's member */
		struct dedup_key twin = a;
		uint64_t x;

		twin.len = 4096;
		memcpy(&x, twin.digest, 8);
		x ^= a.len * 0x9e3779b97f4a7c15ull ^
		     4096 * 0x9e3779b97f4a7c15ull;
		memcpy(twin.digest, &x, 8);
		twin.digest[20] ^= 1;
		ok(dedup_repeat(&d, &twin) && !dedup_find(&d, &twin) &&
			   !dedup_reserve(&d, &twin),
		   "a key of another's fingerprint never gets its member");
	}
	/* the budget: 8 MiB of members, counted at their data's size until
	 * they are made */
	for (unsigned i = 10; i < 10 + 100; i++) {
		struct dedup_key k = key_of(i, 1 << 20);

		dedup_repeat(&d, &k);
		reserved += dedup_reserve(&d, &k) != NULL;
	}
	ok(reserved >= 6 && reserved < 8,
	   "reservations stop at the budget (%u of 1 MiB)", reserved);
	for (unsigned i = 1000; i < 1000 + 200000; i++) {
		struct dedup_key k = key_of(i, 4096);

		repeats += dedup_repeat(&d, &k);
	}
	ok(repeats == 0, "200000 new keys: none taken for a repeat");
	/* the keys are bounded: past 3/4 of 2^19, no more recorded */
	for (unsigned i = 300000; i < 300000 + 400000; i++) {
		struct dedup_key k = key_of(i, 4096);

		repeats += dedup_repeat(&d, &k);
	}
	{
		struct dedup_key early = key_of(1000, 4096);
		struct dedup_key late = key_of(300000 + 399999, 4096);

		ok(repeats == 0 && d.size == 1u << 19 &&
			   dedup_repeat(&d, &early) && !dedup_repeat(&d, &late),
		   "past half a million slots, new keys are not recorded (%zu)",
		   d.n);
	}
	dedup_free(&d);
	ok(d.slots == NULL && d.size == 0, "freed");
}

int main(void)
{
	test_headers();
	test_names();
	test_json();
	test_toc_parse();
	test_footers();
	test_prio_list();
	test_dedup();
	return done_testing();
}
