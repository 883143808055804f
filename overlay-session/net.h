/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --net: the session gets a network namespace of its own, connected to the
 * world by slirp4netns (ours, next to this binary, else the one in PATH),
 * started for the session's PID and stopped with it. */
#ifndef OVERLAY_SESSION_NET_H
#define OVERLAY_SESSION_NET_H

#include <sys/types.h>

/* The session's resolver: slirp4netns forwards DNS from 10.0.2.3. */
#define NET_RESOLV_CONF "nameserver 10.0.2.3\n"

struct net {
	pid_t pid;   /* slirp4netns */
	int exit_wr; /* its --exit-fd: closing it stops it */
};

/* Start slirp4netns for the network namespace of pid and wait until it is
 * up. Returns 0, or -1 with the reason printed. */
int net_start(struct net *n, pid_t pid);
/* Stop it and wait for it. */
void net_stop(struct net *n);

#endif
