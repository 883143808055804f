/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File descriptor primitives: close-on-exec control and bulk closing. */
#ifndef COMMON_FD_H
#define COMMON_FD_H

#include <stdbool.h>

/* close() that keeps errno and is never retried: on Linux the fd is gone
 * even when close() reports EINTR. */
void close_quietly(int fd);

int fd_set_cloexec(int fd, bool cloexec);
/* Is fd open in this process? */
bool fd_is_open(int fd);
/* Mark every fd >= first close-on-exec (or close them), so nothing that was
 * inherited leaks into a program we execute. Returns 0 or -1 with errno. */
int fd_cloexec_from(unsigned int first);
int fd_close_from(unsigned int first);
/* Open /dev/null on any of fds 0, 1, 2 that is closed, so that no later
 * open() or pipe() lands there and gets mistaken for stdio. */
int fd_ensure_stdio(void);
/* open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY). */
int openc_read(const char *path);

#endif
