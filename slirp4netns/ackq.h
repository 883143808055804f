/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure-ACK coalescing for frames going to the namespace.
 *
 * libslirp acknowledges every TCP segment it receives with a frame of its
 * own, and each frame written to the TAP device runs the namespace's whole
 * TCP receive path in our process. While a batch of frames from the
 * namespace is being fed to libslirp, its pure ACKs (no data, no flag but
 * ACK) are held here; a later pure ACK of the same connection that
 * acknowledges more replaces the held one, since ACKs are cumulative.
 * Duplicate ACKs (the same number: fast retransmit counts them) and
 * window updates are never merged. Any other frame first flushes what is
 * held, so the order of frames on the wire never changes.
 */
#ifndef SLIRP4NETNS_ACKQ_H
#define SLIRP4NETNS_ACKQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A TCP 4-tuple and what a pure ACK says. */
struct ack_info {
	uint8_t flow[36]; /* addresses and ports, zero-padded */
	uint32_t ack;
	uint16_t window;
};

/* Is frame (Ethernet, IPv4 or IPv6, no IP options or extension headers)
 * a pure TCP ACK? Fills info when it is. */
bool frame_pure_ack(const uint8_t *frame, size_t len, struct ack_info *info);

/* Held frames are small: a header-only TCP segment over IPv6 with
 * options. */
#define ACKQ_FRAME_MAX 128
#define ACKQ_SLOTS     16

struct ackq_slot {
	struct ack_info info;
	size_t len;
	uint8_t frame[ACKQ_FRAME_MAX];
};

struct ackq {
	struct ackq_slot slot[ACKQ_SLOTS];
	size_t n;
};

/* Writes one frame; returns <0 on error. */
typedef int (*ackq_write_fn)(const uint8_t *frame, size_t len, void *ctx);

/* Take frame (when it is a pure ACK) or flush and write it. */
int ackq_send(struct ackq *q, const uint8_t *frame, size_t len,
	      ackq_write_fn write, void *ctx);
/* Write everything held, in order. */
void ackq_flush(struct ackq *q, ackq_write_fn write, void *ctx);

#endif
