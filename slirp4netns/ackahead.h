/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Acknowledging ahead of the namespace, for TCP data libslirp sends to it.
 *
 * libslirp has no TCP window scaling, so it never has more than 64 KiB
 * unacknowledged toward the namespace: each 64 KiB waits for a round trip
 * through the namespace's TCP and its reader, and the two cores take turns
 * instead of working at once. Here, for each IPv4 connection whose
 * namespace side offers window scaling:
 *   - window scaling is negotiated with the namespace on libslirp's behalf
 *     (a shift of 0 for libslirp's own windows, so they need no change);
 *   - libslirp's data segments are kept here and acknowledged to libslirp
 *     at once, up to a limit per connection, so it sends on;
 *   - they go to the namespace as far as its (scaled) window allows, and
 *     are sent again on a timeout or a third duplicate ACK until the
 *     namespace acknowledges them;
 *   - the namespace's windows are unscaled again and its acknowledgements
 *     never fall behind what libslirp was told.
 * A FIN is never acknowledged ahead: libslirp learns its connection is
 * closed from the namespace itself. Connections that do not negotiate
 * scaling, IPv6 and everything else pass through untouched.
 */
#ifndef SLIRP4NETNS_ACKAHEAD_H
#define SLIRP4NETNS_ACKAHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The window libslirp is told is what may still be kept: keeping its
 * largest window (it has no scaling) plus one frame in the namespace lets
 * it send at full speed, and more only costs memory. Measured host->ns,
 * ratio to slirp4netns 1.2.0: at MTU 65520, 64 KiB 1.1x, 96 KiB 1.1-1.4x
 * (two sessions), 128 KiB 1.4-1.6x, 1 MiB 1.7x at 800 KiB more resident;
 * at MTU 1500, 64 KiB as fast as 128 KiB, and 4 KiB, which shuts
 * libslirp's window, 0.15x. */
#define AHEAD_WINDOW 65535u
/* Bytes acknowledged ahead, all connections together. */
#define AHEAD_TOTAL (16u << 20)
/* Connections followed at once; more pass through untouched. */
#define AHEAD_FLOWS 4096

struct ahead;

/* Writes one frame to the namespace; returns <0 on error. frame is good
 * only during the call (a cut frame is made in place and put back). */
typedef int (*ahead_write_fn)(const uint8_t *frame, size_t len, void *ctx);
/* Feeds one frame to libslirp as if it came from the namespace. */
typedef void (*ahead_input_fn)(const uint8_t *frame, size_t len, void *ctx);

/* mtu: the link's, which bounds the frames kept. */
struct ahead *ahead_new(unsigned mtu, ahead_write_fn write,
			ahead_input_fn input, void *ctx);
void ahead_free(struct ahead *a);

/* A frame from libslirp to the namespace: written (maybe changed), kept,
 * or both. Returns <0 when a write failed. */
int ahead_from_slirp(struct ahead *a, const uint8_t *frame, size_t len,
		     int64_t now_ms);

/* A frame from the namespace to libslirp, changed in place where needed.
 * Returns false when libslirp must not see it. */
bool ahead_from_ns(struct ahead *a, uint8_t *frame, size_t len, int64_t now_ms);

/* Acknowledge to libslirp what was kept since the last call. Call it only
 * outside libslirp's own calls (it calls input). */
void ahead_flush(struct ahead *a);

/* Milliseconds until ahead_timers() has work, or -1. */
int ahead_timeout(const struct ahead *a, int64_t now_ms);
/* Send again what the namespace has not acknowledged in time. */
void ahead_timers(struct ahead *a, int64_t now_ms);

#endif
