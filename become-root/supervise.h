/* SPDX-License-Identifier: GPL-2.0-or-later */
/* When a new PID or time namespace is asked for, only a child enters it:
 * become-root forks, the child runs the command (as PID 1 of the new PID
 * namespace), and the parent stays to forward signals and pass on the exit
 * status. The child is killed if the parent dies. */
#ifndef BECOME_ROOT_SUPERVISE_H
#define BECOME_ROOT_SUPERVISE_H

#include <sys/types.h>

typedef void supervise_announce_fn(pid_t child, void *ctx);

/* Returns in the child only, after the parent has run announce(child) (to
 * write the pid file and the ready byte). The parent never returns. Exits
 * 125 if it cannot fork. */
void supervise_fork(supervise_announce_fn *announce, void *ctx);

/* The exit status a shell would give for a wait() status: the code, or
 * 128 + signal. */
int supervise_exit_status(int wstatus);

#endif
