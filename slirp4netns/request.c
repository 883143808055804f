// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <json.h>
#include <math.h>
#include <string.h>

#include "request.h"

#define DESC(s) "bad request: " s

/* Feed the bytes to a fresh tokener: a request is complete when the
 * tokener finished a value (whatever follows is ignored, like a newline
 * from echo) or failed (the reply will say so). */
int request_complete(const char *buf, size_t len, bool eof)
{
	struct json_tokener *tok;
	json_object *obj;
	enum json_tokener_error err;

	if (eof)
		return 1;
	tok = json_tokener_new();
	if (!tok)
		return 1;
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	err = json_tokener_get_error(tok);
	json_object_put(obj);
	json_tokener_free(tok);
	return err != json_tokener_continue;
}

static json_object *parse_json(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *obj;
	size_t end;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!obj && json_tokener_get_error(tok) == json_tokener_continue) {
		/* End of input ends a bare number ("123"), having consumed
		 * all of it. */
		obj = json_tokener_parse_ex(tok, "", 1);
		end = len;
	}
	json_tokener_free(tok);
	if (obj) {
		/* Only white space may follow the value. */
		for (; end < len; end++) {
			if (!strchr(" \t\r\n", buf[end])) {
				json_object_put(obj);
				return NULL;
			}
		}
	}
	return obj;
}

static json_object *argument(json_object *root, const char *key)
{
	json_object *args, *v;

	if (!json_object_object_get_ex(root, "arguments", &args) ||
	    !json_object_is_type(args, json_type_object) ||
	    !json_object_object_get_ex(args, key, &v))
		return NULL;
	return v;
}

/* A whole number in [min, max]; 1.0 counts, 1.5 and "1" do not. */
static bool integer_arg(json_object *root, const char *key, long long min,
			long long max, long long *out)
{
	json_object *v = argument(root, key);
	long long n;

	if (json_object_is_type(v, json_type_int)) {
		errno = 0;
		n = json_object_get_int64(v);
		if (errno)
			return false;
	} else if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);

		if (!isfinite(d) || d != floor(d) || d < (double)min ||
		    d > (double)max)
			return false;
		n = (long long)d;
	} else {
		return false;
	}
	if (n < min || n > max)
		return false;
	*out = n;
	return true;
}

/* Absent, null or "" leave addr->family 0 (the default applies). */
static bool addr_arg(json_object *root, const char *key, bool allow_ipv6,
		     struct api_addr *addr)
{
	json_object *v = argument(root, key);
	const char *s;

	memset(addr, 0, sizeof(*addr));
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
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

static void parse_add(json_object *root, bool allow_ipv6, struct request *r)
{
	json_object *proto = argument(root, "proto");
	const char *p = json_object_is_type(proto, json_type_string)
				? json_object_get_string(proto)
				: "";
	long long port;

	r->kind = REQ_ERROR;
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
	json_object *root, *exec;
	const char *cmd;

	memset(r, 0, sizeof(*r));
	r->kind = REQ_ERROR;
	if (len >= REQUEST_MAX) {
		r->error = DESC("too large message");
		return;
	}
	root = parse_json(buf, len);
	if (!root) {
		r->error = DESC("cannot parse JSON");
		return;
	}
	if (!json_object_is_type(root, json_type_object)) {
		r->error = DESC("json_object() failed");
	} else if (!json_object_object_get_ex(root, "execute", &exec) ||
		   !json_object_is_type(exec, json_type_string)) {
		r->error = DESC("no execute found");
	} else if (cmd = json_object_get_string(exec),
		   strcmp(cmd, "add_hostfwd") == 0) {
		parse_add(root, allow_ipv6, r);
	} else if (strcmp(cmd, "list_hostfwd") == 0) {
		r->kind = REQ_LIST_HOSTFWD;
	} else if (strcmp(cmd, "remove_hostfwd") == 0) {
		if (integer_arg(root, "id", 1, INT32_MAX, &r->id))
			r->kind = REQ_REMOVE_HOSTFWD;
		else
			r->error = DESC("remove_hostfwd: bad arguments.id");
	} else {
		r->error = DESC("unknown execute");
	}
	json_object_put(root);
}
