// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "fdpass.h"
#include "tap.h"

static bool is_cloexec(int fd)
{
	return fcntl(fd, F_GETFD) & FD_CLOEXEC;
}

static int closes_on_scope_exit(void)
{
	_cleanup_close_ int fd = open("/dev/null", O_RDONLY);

	return fd;
}

static int stolen(void)
{
	_cleanup_close_ int fd = open("/dev/null", O_RDONLY);

	return steal_fd(&fd);
}

static void test_cleanup(void)
{
	int fd = closes_on_scope_exit();

	ok(!fd_is_open(fd), "_cleanup_close_ closes at scope exit");
	fd = stolen();
	ok(fd_is_open(fd), "steal_fd hands the fd on");
	close(fd);
	errno = 1234;
	close_quietly(999);
	is_int(errno, 1234, "close_quietly keeps errno");
}

static void test_cloexec(void)
{
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);

	ok(!is_cloexec(a) && !is_cloexec(b), "plain open is inheritable");
	ok(fd_cloexec_from((unsigned int)b) == 0 && !is_cloexec(a) &&
		   is_cloexec(b),
	   "fd_cloexec_from marks only fds from its first");
	ok(fd_set_cloexec(b, false) == 0 && !is_cloexec(b),
	   "fd_set_cloexec clears");
	ok(fd_close_from((unsigned int)b) == 0 && !fd_is_open(b) &&
		   fd_is_open(a),
	   "fd_close_from closes only fds from its first");
	close(a);
}

static void test_stdio(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd;

		close(0);
		close(2);
		if (fd_ensure_stdio() < 0)
			_exit(1);
		fd = open("/dev/null", O_RDONLY);
		_exit(fd_is_open(0) && fd_is_open(2) && fd > 2 ? 0 : 2);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "fd_ensure_stdio fills closed stdio fds");
}

static void test_fdpass(void)
{
	int sv[2], fd, got, extra[2];
	struct stat a, b;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	fd = open("/dev/null", O_RDONLY);
	ok(fdpass_send(sv[0], fd) == 0, "send an fd");
	got = fdpass_recv(sv[1]);
	fstat(fd, &a);
	fstat(got, &b);
	ok(got >= 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	   "the received fd is the same file");
	ok(is_cloexec(got), "and close-on-exec (MSG_CMSG_CLOEXEC)");
	close(got);

	/* A peer sending two fds: both must be closed, none leaked. */
	if (pipe(extra) < 0)
		return;
	{
		struct iovec iov = { .iov_base = "x", .iov_len = 1 };
		union {
			char buf[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} ctl = { 0 };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = ctl.buf,
				      .msg_controllen = sizeof(ctl.buf) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(2 * sizeof(int));
		memcpy(CMSG_DATA(c), extra, sizeof(extra));
		sendmsg(sv[0], &msg, 0);
	}
	close(extra[0]);
	close(extra[1]);
	{
		int probe = open("/dev/null", O_RDONLY);

		close(probe);
		ok(fdpass_recv(sv[1]) == -1 && errno == EBADMSG,
		   "two fds at once are refused");
		fd = open("/dev/null", O_RDONLY);
		is_int(fd, probe, "and neither of them is left open");
		close(fd);
	}
	ok(write(sv[0], "x", 1) == 1 && fdpass_recv(sv[1]) == -1 &&
		   errno == EBADMSG,
	   "a message without an fd is refused");
	close(sv[0]);
	ok(fdpass_recv(sv[1]) == -1 && errno == ECONNRESET,
	   "a closed peer is ECONNRESET");
	close(sv[1]);
}

int main(void)
{
	test_cleanup();
	test_cloexec();
	test_stdio();
	test_fdpass();
	return done_testing();
}
