// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ackahead.h"
#include "ackq.h"
#include "fd.h"
#include "log.h"
#include "loop.h"

/* Free heap kept for reuse; trim_heap() gives back more. */
#define TRIM_SLACK (1 << 20)

/* One frame: the largest MTU plus the Ethernet header, rounded up. */
#define FRAME_MAX (MAX_MTU + 64)
/* What one read from the TAP device may return. */
#define READ_MAX (sizeof(struct virtio_net_hdr) + FRAME_MAX)

struct timer {
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms; /* -1: not armed */
	struct timer *next;
};

struct loop {
	Slirp *slirp;
	int tapfd, exitfd;
	struct api *api;
	struct timer *timers;
	struct pollfd *pfd;
	size_t npfd, cap;
	size_t slirp_first;  /* index of libslirp's first fd in pfd */
	size_t vnet_hdr_len; /* 0, or the virtio_net_hdr before each frame */
	bool batching;	     /* feeding a batch: pure ACKs are held */
	int64_t trim_checked_ms;
	bool trim_pending; /* free heap to give back: wake up to check */
	struct ackq acks;
	struct ahead *ahead;
	int64_t now_ms; /* at the start of the round */
	/* Allocated apart, not cleared: calloc would clear all 64 KiB and
	 * make it resident, where ACKs from the namespace touch a page or two
	 * (measured: 64 KiB of the peak toward the namespace). */
	uint8_t *frame;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- libslirp's callbacks --- */

/* One frame to the namespace, after a zeroed virtio-net header when the
 * device has one (an inherited --netns-type=tapfd may). Marking frames
 * VIRTIO_NET_HDR_F_DATA_VALID was measured to save nothing: tun on Linux
 * 6.18 still verifies the checksums. */
static int tap_write(const uint8_t *frame, size_t len, void *opaque)
{
	struct loop *loop = opaque;
	struct virtio_net_hdr hdr = { 0 };
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = loop->vnet_hdr_len },
		{ .iov_base = (void *)frame, .iov_len = len },
	};
	ssize_t n;

	do
		n = loop->vnet_hdr_len ? writev(loop->tapfd, iov, 2)
				       : write(loop->tapfd, frame, len);
	while (n < 0 && errno == EINTR);
	/* The TAP queue drops rather than blocks when the namespace is not
	 * reading: TCP recovers, as libslirp's contract allows. */
	if (n < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

/* A frame on its way to the namespace, past the ACK coalescing. */
static int ns_write(const uint8_t *frame, size_t len, void *opaque)
{
	struct loop *loop = opaque;

	return loop->batching
		       ? ackq_send(&loop->acks, frame, len, tap_write, loop)
		       : tap_write(frame, len, loop);
}

/* A frame for libslirp that the namespace did not send: an ACK ahead. */
static void slirp_feed(const uint8_t *frame, size_t len, void *opaque)
{
	struct loop *loop = opaque;

	slirp_input(loop->slirp, frame, (int)len);
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct loop *loop = opaque;
	int ret = ahead_from_slirp(loop->ahead, buf, len, loop->now_ms);

	return ret < 0 ? -1 : (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	warn("guest error: %s", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	return now_ns();
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct loop *loop = opaque;
	struct timer *t = calloc(1, sizeof(*t));

	if (!t)
		die("out of memory");
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = loop->timers;
	loop->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct loop *loop = opaque;

	for (struct timer **p = &loop->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
	}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	((struct timer *)timer)->expire_ms = expire_ms;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
}

static const SlirpCb callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

/* --- the poll set --- */

/* Room for n more entries; the array only ever grows, so a steady state
 * costs no allocation per round. */
static void pfd_reserve(struct loop *loop, size_t n)
{
	size_t cap = loop->cap ? loop->cap : 64;
	struct pollfd *p;

	while (cap < loop->npfd + n)
		cap *= 2;
	if (cap == loop->cap)
		return;
	p = realloc(loop->pfd, cap * sizeof(*p));
	if (!p)
		die("out of memory");
	loop->pfd = p;
	loop->cap = cap;
}

static struct pollfd *pfd_push(struct loop *loop)
{
	pfd_reserve(loop, 1);
	return &loop->pfd[loop->npfd++];
}

static int cb_add_poll(int fd, int events, void *opaque)
{
	struct loop *loop = opaque;
	struct pollfd *p = pfd_push(loop);
	short ev = 0;

	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	*p = (struct pollfd){ .fd = fd, .events = ev };
	return (int)(p - loop->pfd - loop->slirp_first);
}

static int cb_get_revents(int idx, void *opaque)
{
	struct loop *loop = opaque;
	short rev = loop->pfd[loop->slirp_first + (size_t)idx].revents;
	int ev = 0;

	if (rev & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (rev & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (rev & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (rev & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (rev & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

struct loop *loop_new(const struct net_config *cfg, int tapfd,
		      size_t vnet_hdr_len, int exitfd, struct api *api)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	SlirpConfig sc = {
		.version = 4,
		.in_enabled = true,
		.vnetwork = cfg->network,
		.vnetmask = cfg->netmask,
		.vhost = cfg->gateway,
		.in6_enabled = cfg->enable_ipv6,
		.vprefix_len = 64,
		.vdhcp_start = cfg->dhcp_start,
		.vnameserver = cfg->nameserver,
		.if_mtu = cfg->mtu,
		.if_mru = cfg->mtu,
		.disable_host_loopback = cfg->disable_host_loopback,
		.outbound_addr = cfg->has_outbound4
					 ? (struct sockaddr_in *)&cfg->outbound4
					 : NULL,
		.outbound_addr6 =
			cfg->has_outbound6
				? (struct sockaddr_in6 *)&cfg->outbound6
				: NULL,
		.disable_dns = cfg->disable_dns,
	};

	if (!loop || !(loop->frame = malloc(READ_MAX)))
		die("out of memory");
	/* The IPv6 network of upstream: fd00::/64, host fd00::2, DNS
	 * fd00::3. */
	inet_pton(AF_INET6, "fd00::", &sc.vprefix_addr6);
	inet_pton(AF_INET6, "fd00::2", &sc.vhost6);
	inet_pton(AF_INET6, "fd00::3", &sc.vnameserver6);
	loop->tapfd = tapfd;
	loop->vnet_hdr_len = vnet_hdr_len;
	loop->exitfd = exitfd;
	loop->api = api;
	/* Drain the TAP queue without ever blocking in read(). */
	if (fcntl(tapfd, F_SETFL, fcntl(tapfd, F_GETFL) | O_NONBLOCK) < 0)
		die_errno("cannot make the TAP fd non-blocking");
	/* Frames kept for the namespace come and go by the thousand a
	 * second: glibc's own trimming of the heap's top would move the
	 * break (brk) for each (measured: about 900 a second). And no pad
	 * on the top: a spare top took libslirp's first 128 KiB socket
	 * buffer, whose growth to 192 KiB then copied it into a new mapping
	 * (128 KiB more resident per connection, measured); from mmap, as
	 * upstream's land, the growth is an mremap that touches nothing. */
	mallopt(M_TRIM_THRESHOLD, TRIM_SLACK);
	mallopt(M_TOP_PAD, 0);
	loop->ahead = ahead_new(cfg->mtu, ns_write, slirp_feed, loop);
	if (!loop->ahead)
		die("out of memory");
	loop->slirp = slirp_new(&sc, &callbacks, loop);
	if (!loop->slirp)
		die("slirp_new failed");
	return loop;
}

Slirp *loop_slirp(struct loop *loop)
{
	return loop->slirp;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	slirp_cleanup(loop->slirp);
	ahead_free(loop->ahead);
	while (loop->timers) {
		struct timer *t = loop->timers;

		loop->timers = t->next;
		free(t);
	}
	free(loop->pfd);
	free(loop->frame);
	free(loop);
}

/* Read frames until the queue is empty or a batch is done. Returns -1
 * when the TAP device is gone. */
static int drain_tap(struct loop *loop)
{
	int ret = 0;

	loop->batching = true;
	for (int i = 0; i < LOOP_BATCH; i++) {
		ssize_t n = read(loop->tapfd, loop->frame, READ_MAX);

		if (n > (ssize_t)loop->vnet_hdr_len) {
			uint8_t *frame = loop->frame + loop->vnet_hdr_len;
			size_t len = (size_t)n - loop->vnet_hdr_len;

			if (ahead_from_ns(loop->ahead, frame, len,
					  loop->now_ms))
				slirp_input(loop->slirp, frame, (int)len);
			continue;
		}
		if (n >= 0 && n <= (ssize_t)loop->vnet_hdr_len && n != 0)
			continue; /* a runt: nothing to feed */
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0)
			warn_errno("read from the TAP device");
		ret = -1;
		break;
	}
	ahead_flush(loop->ahead);
	loop->batching = false;
	ackq_flush(&loop->acks, tap_write, loop);
	return ret;
}

/* libslirp keeps each closed connection's buffers (hundreds of KiB) until
 * its TIME_WAIT ends, so a burst of connections grows the heap by hundreds
 * of MiB, which glibc keeps once freed. Once a second at most, when more
 * than TRIM_SLACK of the heap is free, give it back; while some is, the
 * loop wakes at least once a second to check, even when idle. */
static void trim_heap(struct loop *loop, int64_t now_ms)
{
	struct mallinfo2 mi;

	if (now_ms - loop->trim_checked_ms < 1000)
		return;
	loop->trim_checked_ms = now_ms;
	mi = mallinfo2();
	loop->trim_pending = mi.fordblks > TRIM_SLACK;
	if (loop->trim_pending && mi.fordblks > mi.uordblks) {
		malloc_trim(0);
		loop->trim_pending = false;
	}
}

static int timers_timeout(struct loop *loop, int64_t now_ms, int timeout)
{
	for (struct timer *t = loop->timers; t; t = t->next) {
		int64_t left;

		if (t->expire_ms < 0)
			continue;
		left = t->expire_ms > now_ms ? t->expire_ms - now_ms : 0;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	return timeout;
}

static void timers_fire(struct loop *loop, int64_t now_ms)
{
	/* slirp_handle_timer may re-arm or free timers: restart the walk
	 * after each one that fires. */
	for (struct timer *t = loop->timers; t;) {
		if (t->expire_ms >= 0 && t->expire_ms <= now_ms) {
			t->expire_ms = -1;
			slirp_handle_timer(loop->slirp, t->id, t->cb_opaque);
			t = loop->timers;
			continue;
		}
		t = t->next;
	}
}

int loop_run(struct loop *loop)
{
	const size_t tap_idx = 0, exit_idx = 1, api_idx = 2;

	for (;;) {
		int64_t now_ms = now_ns() / 1000000;
		uint32_t slirp_timeout = UINT32_MAX;
		int timeout = -1, ahead_ms, n;
		size_t napi = 0;

		loop->npfd = 0;
		*pfd_push(loop) =
			(struct pollfd){ .fd = loop->tapfd, .events = POLLIN };
		*pfd_push(loop) =
			(struct pollfd){ .fd = loop->exitfd, .events = POLLIN };
		if (loop->api) {
			pfd_reserve(loop, API_MAX_CONNS + 1);
			napi = api_fill(loop->api, &loop->pfd[api_idx], now_ms,
					&timeout);
			loop->npfd += napi;
		}
		loop->slirp_first = loop->npfd;
		slirp_pollfds_fill(loop->slirp, &slirp_timeout, cb_add_poll,
				   loop);
		if (slirp_timeout != UINT32_MAX &&
		    (timeout < 0 || slirp_timeout < (uint32_t)timeout))
			timeout = (int)slirp_timeout;
		timeout = timers_timeout(loop, now_ms, timeout);
		ahead_ms = ahead_timeout(loop->ahead, now_ms);
		if (ahead_ms >= 0 && (timeout < 0 || ahead_ms < timeout))
			timeout = ahead_ms;
		trim_heap(loop, now_ms);
		if (loop->trim_pending && (timeout < 0 || timeout > 1000))
			timeout = 1000;

		n = poll(loop->pfd, loop->npfd, timeout);
		if (n < 0 && errno != EINTR) {
			warn_errno("poll");
			return -1;
		}
		if (n < 0) {
			for (size_t i = 0; i < loop->npfd; i++)
				loop->pfd[i].revents = 0;
		}
		/* Socket I/O every round, whatever else happened: a round
		 * that moved frames must not leave the sockets waiting. */
		loop->now_ms = now_ns() / 1000000;
		slirp_pollfds_poll(loop->slirp, n < 0, cb_get_revents, loop);
		ahead_flush(loop->ahead);
		if (loop->pfd[tap_idx].revents & (POLLIN | POLLERR | POLLHUP) &&
		    drain_tap(loop) < 0)
			return -1;
		if (loop->pfd[exit_idx].revents) {
			debug("exit fd hung up");
			return 0;
		}
		now_ms = now_ns() / 1000000;
		if (loop->api)
			api_dispatch(loop->api, &loop->pfd[api_idx], napi,
				     now_ms);
		timers_fire(loop, now_ms);
		ahead_timers(loop->ahead, now_ms);
		ahead_flush(loop->ahead);
	}
}
