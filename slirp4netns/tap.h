/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The child's side: join the target's namespaces, open the TAP device,
 * configure it (--configure) and hand its fd back to the parent. */
#ifndef SLIRP4NETNS_TAP_H
#define SLIRP4NETNS_TAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

struct tap_target {
	pid_t pid;		 /* --netns-type=pid, else 0 */
	const char *netns_path;	 /* --netns-type=path */
	const char *userns_path; /* --userns-path */
	const char *tapname;
	bool configure;
};

/* Open a namespace file of the target (from the path given, else from
 * /proc/PID/ns/NAME). Returns the fd or -1 with a message printed. */
int target_ns_open(const struct tap_target *t, const char *name,
		   const char *path);

/* Run in a forked child: never returns. Exit status 0 once the fd was sent
 * over sock; 1 with the reason printed otherwise. */
_Noreturn void tap_child(const struct tap_target *t,
			 const struct net_config *cfg, int sock);

#endif
