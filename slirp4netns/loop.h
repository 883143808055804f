/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The event loop: frames from the TAP device into libslirp, libslirp's
 * sockets and timers, the API socket and the exit fd, in one poll(). */
#ifndef SLIRP4NETNS_LOOP_H
#define SLIRP4NETNS_LOOP_H

#include <libslirp.h>
#include <stddef.h>

#include "api.h"
#include "config.h"

/* Frames read per wakeup before the sockets get their turn: enough to
 * drain a burst, few enough that a flood from the namespace cannot starve
 * the host side. */
#define LOOP_BATCH 64

struct loop;

/* Create the libslirp instance for cfg; frames go out on tapfd, each after
 * a virtio-net header when vnet_hdr_len is not 0. */
struct loop *loop_new(const struct net_config *cfg, int tapfd,
		      size_t vnet_hdr_len, int exitfd, struct api *api);
Slirp *loop_slirp(struct loop *loop);
/* Run until the exit fd hangs up (returns 0) or a fatal error (-1). */
int loop_run(struct loop *loop);
void loop_free(struct loop *loop);

#endif
