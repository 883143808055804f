// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "jsonread.h"
#include "request.h"

#define DESC(s) "bad request: " s

/* A request is complete when its value is (whatever follows is ignored,
 * like a newline from echo) or cannot be (the reply will say so). */
int request_complete(const char *buf, size_t len, bool eof)
{
	struct json v;
	size_t end;

	return eof || json_parse(buf, len, false, &v, &end) != JSON_MORE;
}

/* The whole request is one value, with only white space after it. */
static bool parse_json(const char *buf, size_t len, struct json *root)
{
	size_t end;

	if (json_parse(buf, len, true, root, &end) != JSON_OK)
		return false;
	for (; end < len; end++)
		if (!strchr(" \t\r\n", buf[end]) || buf[end] == '\0')
			return false;
	return true;
}

/* arguments.key, when there is one. */
static bool argument(const struct json *root, const char *key, struct json *v)
{
	struct json args;

	return json_member(root, "arguments", &args) &&
	       args.type == JSON_OBJECT && json_member(&args, key, v);
}

/* A whole number in [min, max]; 1.0 counts, 1.5 and "1" do not. */
static bool integer_arg(const struct json *root, const char *key, long long min,
			long long max, long long *out)
{
	struct json v;

	return argument(root, key, &v) && json_integer(&v, min, max, out);
}

/* Absent, null or "" leave addr->family 0 (the default applies). */
static bool addr_arg(const struct json *root, const char *key, bool allow_ipv6,
		     struct api_addr *addr)
{
	char s[INET6_ADDRSTRLEN + 1];
	struct json v;

	memset(addr, 0, sizeof(*addr));
	if (!argument(root, key, &v) || v.type == JSON_NULL)
		return true;
	if (!json_string(&v, s, sizeof(s)))
		return false;
	if (s[0] == '\0')
		return true;
	if (inet_pton(AF_INET, s, &addr->v4) == 1) {
		addr->family = AF_INET;
		return true;
	}
	if (allow_ipv6 && inet_pton(AF_INET6, s, &addr->v6) == 1) {
		addr->family = AF_INET6;
		return true;
	}
	return false;
}

static void parse_add(const struct json *root, bool allow_ipv6,
		      struct request *r)
{
	struct json proto;
	char p[8] = "";
	long long port;

	r->kind = REQ_ERROR;
	if (argument(root, "proto", &proto))
		(void)json_string(&proto, p, sizeof(p));
	if (strcmp(p, "tcp") == 0) {
		r->is_udp = false;
	} else if (strcmp(p, "udp") == 0) {
		r->is_udp = true;
	} else {
		r->error = DESC("add_hostfwd: bad arguments.proto");
		return;
	}
	if (!addr_arg(root, "host_addr", allow_ipv6, &r->host_addr)) {
		r->error = DESC("add_hostfwd: bad arguments.host_addr");
		return;
	}
	if (!integer_arg(root, "host_port", 1, 65535, &port)) {
		r->error = DESC("add_hostfwd: bad arguments.host_port");
		return;
	}
	r->host_port = (int)port;
	if (!addr_arg(root, "guest_addr", allow_ipv6, &r->guest_addr)) {
		r->error = DESC("add_hostfwd: bad arguments.guest_addr");
		return;
	}
	if (!integer_arg(root, "guest_port", 1, 65535, &port)) {
		r->error = DESC("add_hostfwd: bad arguments.guest_port");
		return;
	}
	r->guest_port = (int)port;
	r->kind = REQ_ADD_HOSTFWD;
}

void request_parse(const char *buf, size_t len, bool allow_ipv6,
		   struct request *r)
{
	struct json root, exec;
	char cmd[32];

	memset(r, 0, sizeof(*r));
	r->kind = REQ_ERROR;
	if (len >= REQUEST_MAX) {
		r->error = DESC("too large message");
		return;
	}
	if (!parse_json(buf, len, &root)) {
		r->error = DESC("cannot parse JSON");
		return;
	}
	if (root.type != JSON_OBJECT) {
		r->error = DESC("json_object() failed");
	} else if (!json_member(&root, "execute", &exec) ||
		   exec.type != JSON_STRING) {
		r->error = DESC("no execute found");
	} else if (!json_string(&exec, cmd, sizeof(cmd))) {
		r->error = DESC("unknown execute"); /* too long for any */
	} else if (strcmp(cmd, "add_hostfwd") == 0) {
		parse_add(&root, allow_ipv6, r);
	} else if (strcmp(cmd, "list_hostfwd") == 0) {
		r->kind = REQ_LIST_HOSTFWD;
	} else if (strcmp(cmd, "remove_hostfwd") == 0) {
		if (integer_arg(&root, "id", 1, INT32_MAX, &r->id))
			r->kind = REQ_REMOVE_HOSTFWD;
		else
			r->error = DESC("remove_hostfwd: bad arguments.id");
	} else {
		r->error = DESC("unknown execute");
	}
}
