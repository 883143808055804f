// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "fd.h"
#include "log.h"
#include "request.h"

struct forward {
	int id;
	bool is_udp;
	struct api_addr host, guest;
	int host_port, guest_port;
};

struct conn {
	int fd;
	int64_t deadline;
	size_t len; /* request bytes in buf */
	char *out;  /* reply, once the request is complete */
	size_t outlen, outoff;
	char buf[REQUEST_MAX];
};

struct api {
	int listenfd;
	char *path;
	dev_t dev;
	ino_t ino;
	const struct net_config *cfg;
	Slirp *slirp;
	struct forward *fwd;
	size_t nfwd;
	int next_id;
	struct conn *conns[API_MAX_CONNS];
	size_t nconns;
};

struct api *api_listen(const char *path, const struct net_config *cfg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct api *api;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		warn("API socket path too long (at most %zu bytes): %s",
		     sizeof(sun.sun_path) - 1, path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		warn_errno("api_bindlisten: socket");
		return NULL;
	}
	/* Only a socket is replaced: a typo must not delete a file. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		warn_errno("api_bindlisten: bind `%s'", path);
		close_quietly(fd);
		return NULL;
	}
	if (listen(fd, API_MAX_CONNS) < 0 || fstat(fd, &st) < 0 ||
	    lstat(path, &st) < 0) {
		warn_errno("api_bindlisten: listen `%s'", path);
		close_quietly(fd);
		return NULL;
	}
	api = calloc(1, sizeof(*api));
	if (!api || !(api->path = strdup(path)))
		die("out of memory");
	api->listenfd = fd;
	api->dev = st.st_dev;
	api->ino = st.st_ino;
	api->cfg = cfg;
	api->next_id = 1;
	return api;
}

void api_set_slirp(struct api *api, Slirp *slirp)
{
	api->slirp = slirp;
}

void api_unlink(struct api *api)
{
	struct stat st;

	if (api && lstat(api->path, &st) == 0 && st.st_dev == api->dev &&
	    st.st_ino == api->ino)
		unlink(api->path);
}

static void conn_close(struct api *api, size_t i)
{
	struct conn *c = api->conns[i];
	char sink[4096];

	/* Closing a Unix socket with unread bytes resets the peer, which
	 * could lose the reply still queued for it: read what the client
	 * sent beyond its request (an oversized one, say) first. */
	shutdown(c->fd, SHUT_WR);
	for (int n = 0; n < 64 && read(c->fd, sink, sizeof(sink)) > 0; n++)
		;
	close_quietly(c->fd);
	free(c->out);
	free(c);
	api->conns[i] = api->conns[--api->nconns];
}

void api_free(struct api *api)
{
	if (!api)
		return;
	while (api->nconns)
		conn_close(api, 0);
	close_quietly(api->listenfd);
	free(api->fwd);
	free(api->path);
	free(api);
}

/* --- executing requests --- */

static socklen_t to_sockaddr(const struct api_addr *a, int port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->v6;
		s6->sin6_port = htons((uint16_t)port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_addr = a->v4;
	s4->sin_port = htons((uint16_t)port);
	return sizeof(*s4);
}

/* IPv4 forwards use the classic call (as upstream); one with an IPv6 end
 * uses libslirp's hostxfwd. */
static int slirp_add(Slirp *slirp, const struct forward *f)
{
	struct sockaddr_storage h, g;
	socklen_t hl, gl;

	if (f->host.family == AF_INET && f->guest.family == AF_INET)
		return slirp_add_hostfwd(slirp, f->is_udp, f->host.v4,
					 f->host_port, f->guest.v4,
					 f->guest_port);
	hl = to_sockaddr(&f->host, f->host_port, &h);
	gl = to_sockaddr(&f->guest, f->guest_port, &g);
	return slirp_add_hostxfwd(
		slirp, (struct sockaddr *)&h, hl, (struct sockaddr *)&g, gl,
		(f->is_udp ? SLIRP_HOSTFWD_UDP : 0) |
			(f->host.family == AF_INET6 ? SLIRP_HOSTFWD_V6ONLY
						    : 0));
}

static int slirp_remove(Slirp *slirp, const struct forward *f)
{
	struct sockaddr_storage h;
	socklen_t hl;

	if (f->host.family == AF_INET && f->guest.family == AF_INET)
		return slirp_remove_hostfwd(slirp, f->is_udp, f->host.v4,
					    f->host_port);
	hl = to_sockaddr(&f->host, f->host_port, &h);
	return slirp_remove_hostxfwd(slirp, (struct sockaddr *)&h, hl,
				     (f->is_udp ? SLIRP_HOSTFWD_UDP : 0) |
					     (f->host.family == AF_INET6
						      ? SLIRP_HOSTFWD_V6ONLY
						      : 0));
}

static size_t reply_error(char *out, size_t outlen, const char *desc)
{
	int n = snprintf(out, outlen, "{\"error\":{\"desc\":\"%s\"}}", desc);
	return n < 0 ? 0 : (size_t)n < outlen ? (size_t)n : outlen - 1;
}

static size_t do_add(struct api *api, const struct request *r, char *out,
		     size_t outlen)
{
	struct forward f = {
		.is_udp = r->is_udp,
		.host = r->host_addr,
		.guest = r->guest_addr,
		.host_port = r->host_port,
		.guest_port = r->guest_port,
	};
	struct forward *grown;

	if (f.host.family == 0)
		f.host.family = AF_INET; /* 0.0.0.0 */
	if (f.guest.family == 0) {
		/* The guest address --configure gives, of the host's
		 * family. */
		f.guest.family = f.host.family;
		f.guest.v4 = api->cfg->guest;
		f.guest.v6 = api->cfg->guest6;
	}
	if (api->nfwd >= API_MAX_FORWARDS)
		return reply_error(out, outlen,
				   "bad request: add_hostfwd: too many "
				   "forwards");
	if (!api->slirp || slirp_add(api->slirp, &f) < 0)
		return reply_error(out, outlen,
				   "bad request: add_hostfwd: "
				   "slirp_add_hostfwd failed");
	grown = realloc(api->fwd, (api->nfwd + 1) * sizeof(*grown));
	if (!grown)
		die("out of memory");
	api->fwd = grown;
	f.id = api->next_id++;
	api->fwd[api->nfwd++] = f;
	return (size_t)snprintf(out, outlen, "{\"return\":{\"id\":%d}}", f.id);
}

static const char *addr_str(const struct api_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET6)
		return inet_ntop(AF_INET6, &a->v6, buf, (socklen_t)len);
	return inet_ntop(AF_INET, &a->v4, buf, (socklen_t)len);
}

/* {"entries":[...]}, as the 1.2.0 binary answers. */
static char *list_json(const struct api *api, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		die("out of memory");
	fputs("{\"entries\":[", f);
	for (size_t i = 0; i < api->nfwd; i++) {
		const struct forward *w = &api->fwd[i];
		char h[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

		fprintf(f,
			"%s{\"id\":%d,\"proto\":\"%s\",\"host_addr\":\"%s\","
			"\"host_port\":%d,\"guest_addr\":\"%s\","
			"\"guest_port\":%d}",
			i ? "," : "", w->id, w->is_udp ? "udp" : "tcp",
			addr_str(&w->host, h, sizeof(h)), w->host_port,
			addr_str(&w->guest, g, sizeof(g)), w->guest_port);
	}
	fputs("]}", f);
	if (fclose(f) != 0)
		die("out of memory");
	*len = size;
	return buf;
}

static size_t do_remove(struct api *api, const struct request *r, char *out,
			size_t outlen)
{
	for (size_t i = 0; i < api->nfwd; i++) {
		if (api->fwd[i].id != r->id)
			continue;
		if (!api->slirp || slirp_remove(api->slirp, &api->fwd[i]) < 0)
			return reply_error(out, outlen,
					   "bad request: remove_hostfwd: "
					   "slirp_remove_hostfwd failed");
		memmove(&api->fwd[i], &api->fwd[i + 1],
			(api->nfwd - i - 1) * sizeof(api->fwd[0]));
		api->nfwd--;
		return (size_t)snprintf(out, outlen, "{\"return\":{}}");
	}
	return reply_error(out, outlen,
			   "bad request: remove_hostfwd: bad arguments.id");
}

/* The reply to a complete request, malloc'd. */
static char *execute(struct api *api, const char *req, size_t len,
		     size_t *outlen)
{
	struct request r;
	char small[256];
	size_t n;

	request_parse(req, len, api->cfg->enable_ipv6, &r);
	switch (r.kind) {
	case REQ_LIST_HOSTFWD:
		return list_json(api, outlen);
	case REQ_ADD_HOSTFWD:
		n = do_add(api, &r, small, sizeof(small));
		break;
	case REQ_REMOVE_HOSTFWD:
		n = do_remove(api, &r, small, sizeof(small));
		break;
	default:
		n = reply_error(small, sizeof(small), r.error);
		break;
	}
	*outlen = n;
	char *out = strndup(small, n);
	if (!out)
		die("out of memory");
	return out;
}

size_t api_reply(struct api *api, const char *req, size_t len, char *out,
		 size_t outlen)
{
	size_t n;
	char *s = execute(api, req, len, &n);

	n = n < outlen ? n : outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	free(s);
	return n;
}

/* --- connections --- */

static void conn_accept(struct api *api, int64_t now)
{
	while (api->nconns < API_MAX_CONNS) {
		struct conn *c;
		int fd = accept4(api->listenfd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				warn_errno("api_handler: accept");
			return;
		}
		c = calloc(1, sizeof(*c));
		if (!c)
			die("out of memory");
		c->fd = fd;
		c->deadline = now + API_DEADLINE_MS;
		api->conns[api->nconns++] = c;
	}
}

static void conn_answer(struct api *api, struct conn *c)
{
	/* Logged as upstream does, but escaped: the request is untrusted. */
	if (log_verbose())
		debug("api_handler: got request of %zu bytes", c->len);
	c->out = execute(api, c->buf, c->len, &c->outlen);
}

/* Returns false when the connection is done. */
static bool conn_read(struct api *api, struct conn *c)
{
	for (;;) {
		ssize_t n =
			read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		if (n == 0 || c->len + (size_t)n == sizeof(c->buf) ||
		    request_complete(c->buf, c->len + (size_t)n, false)) {
			c->len += (size_t)n;
			conn_answer(api, c);
			return true;
		}
		c->len += (size_t)n;
	}
}

static bool conn_write(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff,
				 c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->outoff += (size_t)n;
	}
	return false;
}

size_t api_fill(struct api *api, struct pollfd *pfd, int64_t now_ms,
		int *timeout_ms)
{
	size_t n = 0;

	pfd[n++] = (struct pollfd){
		.fd = api->nconns < API_MAX_CONNS ? api->listenfd : -1,
		.events = POLLIN,
	};
	for (size_t i = 0; i < api->nconns; i++) {
		struct conn *c = api->conns[i];
		int64_t left = c->deadline - now_ms;

		pfd[n++] = (struct pollfd){
			.fd = c->fd,
			.events = c->out ? POLLOUT : POLLIN,
		};
		if (left < 0)
			left = 0;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	return n;
}

void api_dispatch(struct api *api, const struct pollfd *pfd, size_t n,
		  int64_t now_ms)
{
	/* Walk backwards: conn_close moves the last connection into the
	 * freed slot, and entries past the ones filled are new. */
	size_t filled = n - 1;

	for (size_t i = filled; i-- > 0;) {
		struct conn *c = api->conns[i];
		bool alive = true;

		if (pfd[1 + i].revents & (POLLERR | POLLNVAL))
			alive = false;
		else if (!c->out && pfd[1 + i].revents)
			alive = conn_read(api, c);
		if (alive && c->out)
			alive = conn_write(c);
		if (alive && now_ms >= c->deadline)
			alive = false;
		if (!alive)
			conn_close(api, i);
	}
	if (pfd[0].revents & POLLIN)
		conn_accept(api, now_ms);
}
