/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP over IPv4 in Ethernet frames, as libslirp and the TAP device carry
 * them: big-endian fields, sequence-number order, the Internet checksum
 * (RFC 1071, and RFC 1624 to follow one changed field) and a strict parse
 * of a frame from either side.
 */
#ifndef SLIRP4NETNS_TCPFRAME_H
#define SLIRP4NETNS_TCPFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN 14
#define TH_FIN	 0x01
#define TH_SYN	 0x02
#define TH_RST	 0x04
#define TH_PSH	 0x08
#define TH_ACK	 0x10

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* a is after b in sequence-number arithmetic. */
static inline bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Fill in the IPv4 header's checksum. */
void ip_checksum(uint8_t *ip, size_t ihl);
/* Fill in the checksum of the TCP segment at tcp, tcp_len bytes, whose
 * IPv4 header is at ip. */
void tcp_checksum(uint8_t *ip, uint8_t *tcp, size_t tcp_len);
/* The 16- or 32-bit field at p becomes v; the checksum at csum follows. */
void replace16(uint8_t *csum, uint8_t *p, uint16_t v);
void replace32(uint8_t *csum, uint8_t *p, uint32_t v);

struct tcp_frame {
	uint8_t *ip, *tcp;
	size_t ihl, tcp_hl, data_len;
	uint32_t seq, ack;
	uint16_t window;
	uint8_t flags;
};

/* Is frame an Ethernet frame carrying one whole IPv4 TCP segment (not a
 * fragment)? Fills t, pointing into frame, when it is. */
bool tcp_frame_parse(const uint8_t *frame, size_t len, struct tcp_frame *t);

/* The window scale option of a SYN (at most 14), or -1. */
int tcp_wscale_option(const struct tcp_frame *t);

#endif
