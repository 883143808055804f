/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One-byte handshakes between a parent and a child over a pipe. A peer that
 * dies closes its end, so a waiter never hangs on a dead process. */
#ifndef COMMON_SYNCPIPE_H
#define COMMON_SYNCPIPE_H

struct sync_pipe {
	int rd;
	int wr;
};

#define SYNC_PIPE_INIT                                                         \
	{                                                                      \
		.rd = -1, .wr = -1                                             \
	}

/* Both ends close-on-exec. Returns 0, or -1 with errno. */
int sync_pipe_open(struct sync_pipe *p);
/* Write one byte. */
int sync_pipe_signal(struct sync_pipe *p, char byte);
/* Read one byte. The peer closing without writing fails with EPIPE. */
int sync_pipe_wait(struct sync_pipe *p, char *byte);
void sync_pipe_close_rd(struct sync_pipe *p);
void sync_pipe_close_wr(struct sync_pipe *p);
void sync_pipe_close(struct sync_pipe *p);

#endif
