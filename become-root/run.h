/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The last steps in the namespaces: /proc, fds, exec. */
#ifndef BECOME_ROOT_RUN_H
#define BECOME_ROOT_RUN_H

/* Mount a fresh /proc for the new PID namespace. */
int run_mount_proc(void);
/* Pass fds 3 .. 3+preserve_fds-1 to the command (every other fd above 2 is
 * already close-on-exec) and execute it. Exits 127 when it is not found,
 * 126 when it cannot be executed. */
_Noreturn void run_command(char *const argv[], unsigned int preserve_fds);

#endif
