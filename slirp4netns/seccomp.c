// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp allowlist. Upstream kills on a list of forbidden calls and
 * allows the rest; we allow what the loop needs and kill on anything else,
 * including a call made under another architecture's numbering (the i386
 * entry of an x86_64 kernel is the classic way around a filter).
 *
 * What the loop needs: libslirp's sockets (TCP/UDP/ICMP to the world, the
 * forwards' listening sockets, the DNS forwarder reading resolv.conf),
 * the TAP fd, the API socket, poll, timers, and memory for glib and libc.
 */
#include <errno.h>
#include <seccomp.h>
#include <linux/sockios.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

static const char *const allowed[] = {
	/* I/O on sockets, the TAP device and the API socket */
	"read",
	"write",
	"readv",
	"writev",
	"pread64",
	"recvfrom",
	"sendto",
	"recvmsg",
	"sendmsg",
	"recvmmsg",
	"sendmmsg",
	"close",
	"shutdown",
	"poll",
	"ppoll",
	"fcntl",
	"lseek",
	/* libslirp's sockets, forwards and the API */
	"socket",
	"connect",
	"bind",
	"listen",
	"accept",
	"accept4",
	"getsockname",
	"getpeername",
	"getsockopt",
	"setsockopt",
	"socketpair",
	/* resolv.conf (read-only: O_CREAT would still fail on the mounts) */
	"open",
	"openat",
	"stat",
	"fstat",
	"lstat",
	"newfstatat",
	"statx",
	/* time */
	"clock_gettime",
	"clock_getres",
	"gettimeofday",
	"time",
	"clock_nanosleep",
	"nanosleep",
	/* memory (libc, glib) */
	"brk",
	"mmap",
	"munmap",
	"mremap",
	"mprotect",
	"madvise",
	/* threads and signals, as libc uses them */
	"futex",
	"rt_sigreturn",
	"rt_sigprocmask",
	"rt_sigaction",
	"sigaltstack",
	"restart_syscall",
	/* who we are (glib, getpid for libc), randomness (glib's hash
	 * tables, libslirp's TCP sequence numbers) */
	"getpid",
	"gettid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getrandom",
	"uname",
	/* the end */
	"exit",
	"exit_group",
};

/* Calls allowed only with some arguments: a signal only to ourselves
 * (abort()), and of the ioctls only the socket queries libslirp makes
 * (never TIOCSTI on an inherited terminal, say). */
/* Argument N equal to value (spelled out: libseccomp's SCMP_A0() leaves
 * datum_b to the compiler, which clang's -Wextra reports). */
static struct scmp_arg_cmp arg_eq(unsigned int n, scmp_datum_t value)
{
	struct scmp_arg_cmp cmp = {
		.arg = n,
		.op = SCMP_CMP_EQ,
		.datum_a = value,
		.datum_b = 0,
	};
	return cmp;
}

static int add_conditional(scmp_filter_ctx ctx)
{
	const unsigned long ioctls[] = { FIONREAD, FIONBIO, SIOCOUTQ };
	int ret;

	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			       arg_eq(0, (scmp_datum_t)getpid()));
	for (size_t i = 0; ret == 0 && i < sizeof(ioctls) / sizeof(*ioctls);
	     i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       arg_eq(1, ioctls[i]));
	return ret;
}

int seccomp_enter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int ret = 0;

	if (!ctx) {
		warn("seccomp: cannot create a filter");
		return -1;
	}
	/* A call of another architecture is killed too, not merely
	 * refused. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; ret == 0 && i < sizeof(allowed) / sizeof(*allowed);
	     i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);

		/* A name this architecture does not have (open, stat on
		 * arm64) is simply not there to allow. */
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	if (ret == 0)
		ret = add_conditional(ctx);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0) {
		errno = -ret;
		warn_errno("seccomp: cannot load the filter");
		return -1;
	}
	return 0;
}
