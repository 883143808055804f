/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Passing one file descriptor over a Unix socket (SCM_RIGHTS). */
#ifndef COMMON_FDPASS_H
#define COMMON_FDPASS_H

/* Send fd with a one-byte payload. Returns 0, or -1 with errno. */
int fdpass_send(int sock, int fd);
/* Receive exactly one fd, close-on-exec. Returns it, or -1 with errno:
 * ECONNRESET when the peer closed without sending, EBADMSG when the message
 * was truncated or did not carry exactly one fd (any fds that did arrive are
 * closed, never leaked). */
int fdpass_recv(int sock);

#endif
