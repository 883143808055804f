// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns API requests: any bytes from a client of the API socket.
 * A request is either an error whose description is one of upstream's,
 * or a command whose ports and id are in range. The JSON reader agrees
 * with itself: a value taken before the end of input is taken the same
 * at the end, one refused stays refused, and the members of a value
 * taken read within it. */
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "jsonread.h"
#include "request.h"

static void check_reader(const char *buf, size_t size)
{
	static const char *const keys[] = { "execute", "arguments", "id", "" };
	struct json v, w, m;
	size_t end, end_final;
	enum json_result more = json_parse(buf, size, false, &v, &end);
	enum json_result final = json_parse(buf, size, true, &w, &end_final);
	char s[16];
	long long n;

	FUZZ_CHECK(final != JSON_MORE);
	if (more == JSON_OK)
		FUZZ_CHECK(final == JSON_OK && end == end_final &&
			   v.len == w.len && v.type == w.type);
	if (more == JSON_BAD)
		FUZZ_CHECK(final == JSON_BAD);
	if (final != JSON_OK)
		return;
	FUZZ_CHECK(end_final <= size && w.p >= buf &&
		   w.p + w.len == buf + end_final);
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		if (!json_member(&w, keys[i], &m))
			continue;
		FUZZ_CHECK(w.type == JSON_OBJECT && m.p > w.p &&
			   m.p + m.len < w.p + w.len);
		if (json_string(&m, s, sizeof(s)))
			FUZZ_CHECK(strlen(s) < sizeof(s));
		(void)json_integer(&m, 1, 65535, &n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct request r;

	check_reader(buf, size);

	(void)request_complete(buf, size, false);
	FUZZ_CHECK(request_complete(buf, size, true) == 1);
	request_parse(buf, size, size & 1, &r);
	switch (r.kind) {
	case REQ_ERROR:
		FUZZ_CHECK(r.error &&
			   strncmp(r.error, "bad request: ", 13) == 0);
		break;
	case REQ_ADD_HOSTFWD:
		FUZZ_CHECK(r.host_port >= 1 && r.host_port <= 65535);
		FUZZ_CHECK(r.guest_port >= 1 && r.guest_port <= 65535);
		FUZZ_CHECK(r.host_addr.family == 0 ||
			   r.host_addr.family == AF_INET ||
			   r.host_addr.family == AF_INET6);
		FUZZ_CHECK((size & 1) || r.host_addr.family != AF_INET6);
		break;
	case REQ_REMOVE_HOSTFWD:
		FUZZ_CHECK(r.id >= 1 && r.id <= INT32_MAX);
		break;
	case REQ_LIST_HOSTFWD:
		break;
	}
	return 0;
}
