/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The API socket (--api-socket): a Unix stream socket taking one JSON
 * request per connection. Every connection is non-blocking with a
 * deadline, so a client that connects and says nothing, or trickles its
 * request, never stalls the network. */
#ifndef SLIRP4NETNS_API_H
#define SLIRP4NETNS_API_H

#include <libslirp.h>
#include <poll.h>
#include <stdint.h>

#include "config.h"

/* At most this many clients at once; more wait in the listen backlog. */
#define API_MAX_CONNS 16
/* A client has this long to send its request and read the reply. */
#define API_DEADLINE_MS 5000
/* Forwards one instance keeps (each holds a listening socket). */
#define API_MAX_FORWARDS 4096

struct api;

/* Bind and listen on path (a stale socket file there is replaced, as
 * upstream does). Returns NULL with the reason printed. */
struct api *api_listen(const char *path, const struct net_config *cfg);
void api_set_slirp(struct api *api, Slirp *slirp);
/* Remove the socket file if it is still the one we bound. */
void api_unlink(struct api *api);
void api_free(struct api *api);

/* The poll set: api_fill appends its fds to pfd (room for
 * API_MAX_CONNS + 1) and returns how many; api_dispatch handles the
 * revents of those same entries. *timeout_ms is lowered to the nearest
 * deadline. */
size_t api_fill(struct api *api, struct pollfd *pfd, int64_t now_ms,
		int *timeout_ms);
void api_dispatch(struct api *api, const struct pollfd *pfd, size_t n,
		  int64_t now_ms);

/* The reply to one request (exposed for the unit tests): writes the JSON
 * into out, NUL-terminated; returns its length. */
size_t api_reply(struct api *api, const char *req, size_t len, char *out,
		 size_t outlen);

#endif
