// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns's JSON reader: the grammar of RFC 8259 exactly (what is
 * taken, what is refused, what waits for more), strings unescaped and
 * checked as UTF-8, members found, and numbers read as whole numbers. */
#include <string.h>

#include "jsonread.h"

#include "tap.h"

static enum json_result parse(const char *text, bool final)
{
	struct json v;
	size_t end;

	return json_parse(text, strlen(text), final, &v, &end);
}

static void test_grammar(void)
{
	static const char *const good[] = {
		"{}",
		"[]",
		" {\"a\": [1, 2, {\"b\": null}], \"c\": true, \"d\": false} ",
		"\"x\"",
		"-0.5e+3",
		"0",
		"1E-2",
		"\"\\u00e9\\ud83d\\ude00\xc3\xa9\xf0\x9f\x98\x80\"",
	};
	static const char *const bad[] = {
		"{,}",
		"[1,]",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{1:2}",
		"1.",
		".5",
		"+1",
		"1e",
		"-",
		"-x",
		"1.e3",
		"\"\x01\"",
		"\"\\q\"",
		"\"\\ud800\"",
		"\"\\udc00\"",
		"\"\\ud800\\u0041\"",
		"\"\xc0\x80\"",
		"\"\xed\xa0\x80\"",
		"\"\xf5\x80\x80\x80\"",
		"\"\xe2\x28\xa1\"",
		"nul",
		"truE",
		"'a'",
		"NaN",
	};
	static const char *const more[] = {
		"",	      "   ",	   "{\"a\":",	  "{\"a\"",
		"{\"a\":1",   "[1,",	   "\"ab",	  "\"\\",
		"\"\\u12",    "\"\\ud800", "\"\\ud800\\", "\"\\ud800\\udc",
		"\"\xe2\x82", "12",	   "[12",	  "tr",
		"-",	      "1.",	   "1e+",
	};
	struct json v;
	size_t end;
	char deep[2 * JSON_DEPTH_MAX + 3];

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		is_int(parse(good[i], true), JSON_OK, "taken: %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		is_int(parse(bad[i], true), JSON_BAD, "refused: %s", bad[i]);
	for (size_t i = 0; i < sizeof(more) / sizeof(*more); i++)
		is_int(parse(more[i], false), JSON_MORE, "waits for more: '%s'",
		       more[i]);
	is_int(parse("12", true), JSON_OK, "the end of input ends a number");
	is_int(parse("1.", true), JSON_BAD, "but not half of one");
	ok(json_parse("true x", 6, true, &v, &end) == JSON_OK && end == 4 &&
		   v.type == JSON_TRUE,
	   "a value, and where it ends");
	ok(json_parse("01", 2, true, &v, &end) == JSON_OK && end == 1,
	   "a leading zero ends the number");

	memset(deep, '[', JSON_DEPTH_MAX);
	memset(deep + JSON_DEPTH_MAX, ']', JSON_DEPTH_MAX);
	deep[2 * JSON_DEPTH_MAX] = '\0';
	is_int(parse(deep, true), JSON_OK, "%d arrays deep", JSON_DEPTH_MAX);
	memset(deep, '[', JSON_DEPTH_MAX + 1);
	memset(deep + JSON_DEPTH_MAX + 1, ']', JSON_DEPTH_MAX + 1);
	deep[2 * JSON_DEPTH_MAX + 2] = '\0';
	is_int(parse(deep, true), JSON_BAD, "one deeper is refused");
}

static bool member_string(const char *text, const char *key, char *buf,
			  size_t size)
{
	struct json root, m;
	size_t end;

	return json_parse(text, strlen(text), true, &root, &end) == JSON_OK &&
	       json_member(&root, key, &m) && json_string(&m, buf, size);
}

static void test_members(void)
{
	char buf[64];
	struct json root, m;
	size_t end;

	ok(member_string("{\"a\":\"1\",\"b\":{\"c\":\"2\"},\"a\":\"3\"}", "a",
			 buf, sizeof(buf)) &&
		   strcmp(buf, "3") == 0,
	   "a repeated member: the last one, as json-c");
	ok(!member_string("{\"b\":{\"c\":\"2\"}}", "c", buf, sizeof(buf)),
	   "a nested member is not the object's");
	ok(member_string("{\"\\u0065xecute\":\"x\"}", "execute", buf,
			 sizeof(buf)),
	   "a name is compared unescaped");
	ok(!member_string("{}", "a", buf, sizeof(buf)), "{} has no member");
	json_parse("[1]", 3, true, &root, &end);
	ok(!json_member(&root, "a", &m), "an array has no member");
	ok(member_string("{ \"a\" : \"a\\\"b\\\\\\/\\b\\f\\n\\r\\t\\u00e9\" }",
			 "a", buf, sizeof(buf)) &&
		   strcmp(buf, "a\"b\\/\b\f\n\r\t\xc3\xa9") == 0,
	   "every escape unescaped");
	ok(member_string("{\"a\":\"\\ud83d\\ude00\"}", "a", buf, sizeof(buf)) &&
		   strcmp(buf, "\xf0\x9f\x98\x80") == 0,
	   "a surrogate pair is one code point");
	ok(!member_string("{\"a\":\"x\\u0000y\"}", "a", buf, sizeof(buf)),
	   "a string holding a NUL is not taken");
	ok(!member_string("{\"a\":\"12345678\"}", "a", buf, 8),
	   "nor one that does not fit");
	ok(member_string("{\"a\":\"1234567\"}", "a", buf, 8),
	   "one that just fits is");
	ok(!member_string("{\"a\":7}", "a", buf, sizeof(buf)),
	   "a number is not a string");
}

static bool integer(const char *text, long long min, long long max,
		    long long *n)
{
	struct json v;
	size_t end;

	return json_parse(text, strlen(text), true, &v, &end) == JSON_OK &&
	       json_integer(&v, min, max, n);
}

static void test_integers(void)
{
	static const char *const eighty[] = { "80", "80.0", "8e1", "8.0E+1",
					      "800e-1" };
	static const char *const others[] = { "80.5",
					      "1e400",
					      "\"80\"",
					      "-1",
					      "0",
					      "65536",
					      "99999999999999999999",
					      "null" };
	long long n;

	for (size_t i = 0; i < sizeof(eighty) / sizeof(*eighty); i++)
		ok(integer(eighty[i], 1, 65535, &n) && n == 80, "%s is 80",
		   eighty[i]);
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		ok(!integer(others[i], 1, 65535, &n), "%s is not a port",
		   others[i]);
	ok(integer("-9223372036854775808", -9223372036854775807LL - 1, 0, &n) &&
		   n == -9223372036854775807LL - 1,
	   "the least long long");
}

int main(void)
{
	test_grammar();
	test_members();
	test_integers();
	return done_testing();
}
