// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fd.h"
#include "io.h"
#include "syncpipe.h"

int sync_pipe_open(struct sync_pipe *p)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	p->rd = fds[0];
	p->wr = fds[1];
	return 0;
}

int sync_pipe_signal(struct sync_pipe *p, char byte)
{
	return write_all(p->wr, &byte, 1);
}

int sync_pipe_wait(struct sync_pipe *p, char *byte)
{
	ssize_t n = read_all(p->rd, byte, 1);

	if (n < 0)
		return -1;
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

void sync_pipe_close_rd(struct sync_pipe *p)
{
	if (p->rd >= 0)
		close_quietly(p->rd);
	p->rd = -1;
}

void sync_pipe_close_wr(struct sync_pipe *p)
{
	if (p->wr >= 0)
		close_quietly(p->wr);
	p->wr = -1;
}

void sync_pipe_close(struct sync_pipe *p)
{
	sync_pipe_close_rd(p);
	sync_pipe_close_wr(p);
}
