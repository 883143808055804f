/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One API request, parsed from its JSON text: pure logic, fuzzed. The error
 * descriptions are slirp4netns 1.2.0's, word for word, since clients show
 * them to users and scripts match them. */
#ifndef SLIRP4NETNS_REQUEST_H
#define SLIRP4NETNS_REQUEST_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* Requests are small; upstream refuses 4096 bytes or more, and so do we. */
#define REQUEST_MAX 4096

enum request_kind {
	REQ_ERROR,
	REQ_ADD_HOSTFWD,
	REQ_LIST_HOSTFWD,
	REQ_REMOVE_HOSTFWD,
};

/* An address of either family, as the API carries it. */
struct api_addr {
	int family; /* AF_INET or AF_INET6; 0 when absent or empty */
	struct in_addr v4;
	struct in6_addr v6;
};

struct request {
	enum request_kind kind;
	const char *error; /* REQ_ERROR: the "desc" of the reply */
	bool is_udp;
	struct api_addr host_addr, guest_addr;
	int host_port, guest_port;
	long long id;
};

/* Is buf[0..len) a whole request yet? 1 yes, 0 needs more bytes, and at
 * end of input (eof) always 1. */
int request_complete(const char *buf, size_t len, bool eof);

/* Parse a whole request. IPv6 addresses are accepted when allow_ipv6. */
void request_parse(const char *buf, size_t len, bool allow_ipv6,
		   struct request *req);

#endif
