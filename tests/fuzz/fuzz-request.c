// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns API requests: any bytes from a client of the API socket.
 * A request is either an error whose description is one of upstream's,
 * or a command whose ports and id are in range. */
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct request r;

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
