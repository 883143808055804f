// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns acknowledging ahead, one connection from the namespace
 * driven frame by frame: the window scale option added to libslirp's
 * SYN-ACK, data kept and acknowledged ahead, frames cut to the namespace's
 * window from the back and from the front (where the headers are made in
 * place over kept data, which must be put back), sending again after a
 * timeout, and every frame written with valid checksums and the right
 * bytes. */
#include <stdlib.h>
#include <string.h>

#include "ackahead.h"
#include "tcpframe.h"

#include "tap.h"

#define NS_PORT	   40000
#define SLIRP_PORT 5201
#define DATA_LEN   20000
#define NS_SHIFT   7
#define MTU	   1500

static const uint8_t ns_ip[4] = { 10, 0, 2, 100 };
static const uint8_t slirp_ip[4] = { 10, 0, 2, 2 };
static const uint8_t ns_mac[6] = { 2, 0, 0, 0, 0, 0x64 };
static const uint8_t slirp_mac[6] = { 0x52, 0x55, 10, 0, 2, 2 };

static uint8_t stream[DATA_LEN]; /* the data libslirp sends */

/* The frames written to the namespace and fed to libslirp, last first. */
static uint8_t written[4][ETH_HLEN + 60 + 60 + DATA_LEN];
static size_t written_len[4], nwritten;
static uint8_t fed[ETH_HLEN + 40];
static size_t nfed;

static int record_write(const uint8_t *frame, size_t len, void *ctx)
{
	(void)ctx;
	memmove(written[1], written[0], sizeof(written) - sizeof(written[0]));
	memmove(written_len + 1, written_len,
		sizeof(written_len) - sizeof(written_len[0]));
	memcpy(written[0], frame, len);
	written_len[0] = len;
	nwritten++;
	return 0;
}

static void record_fed(const uint8_t *frame, size_t len, void *ctx)
{
	(void)ctx;
	if (len == sizeof(fed))
		memcpy(fed, frame, len);
	nfed++;
}

/* A frame from one side to the other, with its checksums. */
static size_t frame(uint8_t *f, bool from_slirp, uint8_t flags, uint32_t seq,
		    uint32_t ack, uint16_t window, const uint8_t *opt,
		    size_t opt_len, const uint8_t *data, size_t data_len)
{
	uint8_t *ip = f + ETH_HLEN, *tcp = ip + 20;
	size_t tcp_hl = 20 + opt_len;

	memset(f, 0, ETH_HLEN + 20 + tcp_hl);
	memcpy(f, from_slirp ? ns_mac : slirp_mac, 6);
	memcpy(f + 6, from_slirp ? slirp_mac : ns_mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + tcp_hl + data_len));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, from_slirp ? slirp_ip : ns_ip, 4);
	memcpy(ip + 16, from_slirp ? ns_ip : slirp_ip, 4);
	ip_checksum(ip, 20);
	put16(tcp, from_slirp ? SLIRP_PORT : NS_PORT);
	put16(tcp + 2, from_slirp ? NS_PORT : SLIRP_PORT);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = (uint8_t)(tcp_hl / 4 << 4);
	tcp[13] = flags;
	put16(tcp + 14, window);
	if (opt_len)
		memcpy(tcp + 20, opt, opt_len);
	if (data_len)
		memcpy(tcp + tcp_hl, data, data_len);
	tcp_checksum(ip, tcp, tcp_hl + data_len);
	return ETH_HLEN + 20 + tcp_hl + data_len;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += get16(p);
	if (n)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The last frame written: a whole IPv4 TCP frame whose checksums hold,
 * carrying stream[from - first, to - first) at sequence number from. */
static bool wrote_range(uint32_t first, uint32_t from, uint32_t to)
{
	struct tcp_frame t;
	uint32_t pseudo;

	if (!tcp_frame_parse(written[0], written_len[0], &t))
		return false;
	if (ETH_HLEN + (size_t)get16(t.ip + 2) != written_len[0])
		return false;
	if (sum16(t.ip, t.ihl, 0) != 0xffff)
		return false;
	pseudo = sum16(t.ip + 12, 8, 6 + (uint32_t)(t.tcp_hl + t.data_len));
	if (sum16(t.tcp, t.tcp_hl + t.data_len, pseudo) != 0xffff)
		return false;
	return t.seq == from && t.data_len == to - from &&
	       memcmp(t.tcp + t.tcp_hl, stream + (from - first), to - from) ==
		       0;
}

int main(void)
{
	static const uint8_t ws_opt[4] = { 1, 3, 3, NS_SHIFT };
	static uint8_t f[ETH_HLEN + 60 + 60 + DATA_LEN];
	struct ahead *a = ahead_new(MTU, record_write, record_fed, NULL);
	const uint32_t ns_isn = 1000, slirp_isn = 5000, d = slirp_isn + 1;
	const uint16_t small = 100; /* 100 << NS_SHIFT = 12800 bytes */
	struct tcp_frame t;
	size_t len;
	int64_t now = 1000;

	for (size_t i = 0; i < sizeof(stream); i++)
		stream[i] = (uint8_t)(i * 7 + i / 251);

	len = frame(f, false, TH_SYN, ns_isn, 0, 64240, ws_opt, 4, NULL, 0);
	ok(ahead_from_ns(a, f, len, now), "the namespace's SYN goes on");
	len = frame(f, true, TH_SYN | TH_ACK, slirp_isn, ns_isn + 1, 65535,
		    NULL, 0, NULL, 0);
	ahead_from_slirp(a, f, len, now);
	ok(nwritten == 1 && written_len[0] == len + 4 &&
		   tcp_frame_parse(written[0], written_len[0], &t) &&
		   tcp_wscale_option(&t) == 0 &&
		   wrote_range(d - 1, d - 1, d - 1),
	   "libslirp's SYN-ACK gains a window scale option of 0");
	len = frame(f, false, TH_ACK, ns_isn + 1, d, small, NULL, 0, NULL, 0);
	ok(ahead_from_ns(a, f, len, now), "the handshake's ACK goes on");

	len = frame(f, true, TH_ACK | TH_PSH, d, ns_isn + 1, 65535, NULL, 0,
		    stream, DATA_LEN);
	nwritten = 0;
	ok(ahead_from_slirp(a, f, len, now) == 0 && nwritten == 1,
	   "data from libslirp is written");
	ok(wrote_range(d, d, d + 12800) && !(written[0][47] & TH_PSH),
	   "cut at the back to the namespace's window, without PSH");
	ahead_flush(a);
	ok(nfed == 1 && get32(fed + ETH_HLEN + 20 + 8) == d + DATA_LEN,
	   "libslirp is told all arrived, ahead of the namespace");
	ok(get16(fed + ETH_HLEN + 20 + 14) == AHEAD_WINDOW + MTU - DATA_LEN,
	   "with the window left: its largest and one frame, less what is "
	   "kept");

	now += 250;
	nwritten = 0;
	ahead_timers(a, now);
	ok(nwritten == 1 && wrote_range(d, d, d + 12800),
	   "sent again after a timeout, the same as the first time");

	len = frame(f, false, TH_ACK, ns_isn + 1, d + 30, small, NULL, 0, NULL,
		    0);
	nwritten = 0;
	ok(!ahead_from_ns(a, f, len, now),
	   "an ACK saying no more than libslirp was told is not passed on");
	ok(nwritten == 1 && wrote_range(d, d + 12800, d + 12830),
	   "30 more bytes fit: cut at the front and the back");

	now += 250;
	nwritten = 0;
	ahead_timers(a, now);
	ok(nwritten == 1 && wrote_range(d, d + 30, d + 12830),
	   "go back N: cut 30 bytes in, headers over kept headers and data");

	len = frame(f, false, TH_ACK, ns_isn + 1, d + 12830, 1000, NULL, 0,
		    NULL, 0);
	nwritten = 0;
	ahead_from_ns(a, f, len, now);
	ok(nwritten == 1 && wrote_range(d, d + 12830, d + DATA_LEN) &&
		   (written[0][47] & TH_PSH),
	   "a wider window takes the rest, with its PSH, bytes intact");

	now += 250;
	nwritten = 0;
	ahead_timers(a, now);
	ok(nwritten == 1 && wrote_range(d, d + 12830, d + DATA_LEN),
	   "and the rest again after a timeout");

	len = frame(f, false, TH_ACK, ns_isn + 1, d + DATA_LEN, 1000, NULL, 0,
		    NULL, 0);
	ahead_from_ns(a, f, len, now);
	ok(ahead_timeout(a, now) == -1, "all acknowledged: no timer");
	ahead_free(a);
	return done_testing();
}
