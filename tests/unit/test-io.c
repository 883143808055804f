// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "syncpipe.h"
#include "tap.h"

static void test_pipe_roundtrip(void)
{
	static char big[256 * 1024], back[sizeof(big)];
	int fds[2];
	pid_t pid;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	if (pipe(fds) < 0)
		return;
	/* More than a pipe holds: write_all must loop over short writes. */
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(write_all(fds[1], big, sizeof(big)) == 0 ? 0 : 1);
	}
	close(fds[1]);
	is_int(read_all(fds[0], back, sizeof(back)), sizeof(big),
	       "read_all gets everything write_all sent");
	ok(memcmp(big, back, sizeof(big)) == 0, "and the bytes are the same");
	is_int(read_all(fds[0], back, 10), 0, "read_all at EOF returns 0");
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static void test_read_file(void)
{
	char path[] = "/tmp/test-io.XXXXXX";
	char *buf = NULL;
	size_t len = 0;
	int fd = mkstemp(path);

	write_all(fd, "0123456789", 10);
	close(fd);
	ok(read_file_at(AT_FDCWD, path, 10, &buf, &len) == 0 && len == 10 &&
		   strcmp(buf, "0123456789") == 0,
	   "a file of exactly max bytes is read");
	free(buf);
	buf = NULL;
	ok(read_file_at(AT_FDCWD, path, 9, &buf, &len) == -1 &&
		   errno == EFBIG && buf == NULL,
	   "a file one byte over max fails with EFBIG");
	ok(read_file_at(AT_FDCWD, "/nonexistent/x", 10, &buf, &len) == -1 &&
		   errno == ENOENT,
	   "a missing file fails with ENOENT");
	unlink(path);
}

static void test_sync_pipe(void)
{
	struct sync_pipe p = SYNC_PIPE_INIT;
	char byte = 0;

	ok(sync_pipe_open(&p) == 0, "open a sync pipe");
	ok((fcntl(p.rd, F_GETFD) & FD_CLOEXEC) &&
		   (fcntl(p.wr, F_GETFD) & FD_CLOEXEC),
	   "both ends are close-on-exec");
	ok(sync_pipe_signal(&p, 'x') == 0 && sync_pipe_wait(&p, &byte) == 0 &&
		   byte == 'x',
	   "a byte goes through");
	sync_pipe_close_wr(&p);
	ok(sync_pipe_wait(&p, &byte) == -1 && errno == EPIPE,
	   "a closed peer is EPIPE, not a hang");
	sync_pipe_close(&p);
	ok(p.rd == -1 && p.wr == -1, "closing resets both ends");
}

static void test_mkdir_p(void)
{
	char dir[] = "/tmp/test-io.XXXXXX";
	int fd;
	struct stat st;

	if (!mkdtemp(dir) || (fd = open(dir, O_PATH | O_DIRECTORY)) < 0) {
		ok(0, "scratch directory");
		return;
	}
	ok(mkdir_p_at(fd, "a/b/c", 0755) == 0, "mkdir -p of a/b/c");
	ok(fstatat(fd, "a/b/c", &st, 0) == 0 && S_ISDIR(st.st_mode),
	   "a/b/c is a directory");
	ok(mkdir_p_at(fd, "a/b/c", 0755) == 0, "existing directories are fine");
	close(fd);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			warn("could not remove %s", dir);
	}
}

static void test_buffer_grow(void)
{
	uint8_t *buf = NULL;
	size_t cap = 0;

	ok(buffer_grow(&buf, &cap, 10) == 0 && cap == 4096,
	   "a new buffer starts at 4 KiB");
	buf[0] = 'x';
	ok(buffer_grow(&buf, &cap, 4096) == 0 && cap == 4096,
	   "no growth while need fits");
	ok(buffer_grow(&buf, &cap, 4097) == 0 && cap == 8192 && buf[0] == 'x',
	   "an append doubles it, keeping the bytes");
	ok(buffer_grow(&buf, &cap, 100000) == 0 && cap == 100000,
	   "a larger need gets just what it asks, not a power of two past it");
	errno = 0;
	ok(buffer_grow(&buf, &cap, SIZE_MAX) < 0 && errno == ENOMEM &&
		   cap == 100000 && buf[0] == 'x',
	   "an impossible size fails with ENOMEM, the buffer as it was");
	free(buf);
}

int main(void)
{
	test_pipe_roundtrip();
	test_read_file();
	test_sync_pipe();
	test_mkdir_p();
	test_buffer_grow();
	return done_testing();
}
