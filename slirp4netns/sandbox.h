/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --enable-sandbox and --enable-seccomp: what the long-running process may
 * still see and do once the network is up. */
#ifndef SLIRP4NETNS_SANDBOX_H
#define SLIRP4NETNS_SANDBOX_H

/* A private mount namespace whose root is an empty read-only tmpfs holding
 * only /etc and /run (read-only, nosuid, nodev, noexec) and the target of
 * /etc/resolv.conf; every capability dropped but CAP_NET_BIND_SERVICE;
 * no_new_privs. userns_fd: the target's user namespace, joined first when
 * we are not root (the mount namespace must belong to a namespace where
 * we hold CAP_SYS_ADMIN), or -1. Returns 0 or -1 with the reason
 * printed. */
int sandbox_enter(int userns_fd);

/* The seccomp allowlist: any other system call, or any other architecture,
 * kills the process. Returns 0 or -1 with the reason printed. */
int seccomp_enter(void);

#endif
