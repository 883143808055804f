// SPDX-License-Identifier: GPL-2.0-or-later
/* LD_PRELOAD shim for the race tests: on the SWAP_SHIM_NTH-th
 * openat(..., O_PATH) of the name SWAP_SHIM_NAME, first replace that name
 * with a symlink to SWAP_SHIM_TARGET, as an attacker racing the tool
 * would, then let the open go on. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);

static int swap_then_open(const char *sym, int dirfd, const char *path,
			  int flags, mode_t mode)
{
	static int seen;
	int (*real)(int, const char *, int, ...) =
		(int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, sym);
	const char *name = getenv("SWAP_SHIM_NAME");
	const char *target = getenv("SWAP_SHIM_TARGET");
	const char *nth = getenv("SWAP_SHIM_NTH");

	if (name && target && (flags & O_PATH) && strcmp(path, name) == 0 &&
	    ++seen == (nth ? atoi(nth) : 1)) {
		unlinkat(dirfd, path, 0);
		if (symlinkat(target, dirfd, path) != 0)
			_exit(99);
	}
	return real(dirfd, path, flags, mode);
}

/* openat() and openat64() alike: the mode is there only with O_CREAT or
 * O_TMPFILE. */
#define SHIM_OPENAT(sym)                                                       \
	int sym(int dirfd, const char *path, int flags, ...)                   \
	{                                                                      \
		mode_t mode = 0;                                               \
		va_list ap;                                                    \
                                                                               \
		va_start(ap, flags);                                           \
		if (flags & (O_CREAT | O_TMPFILE))                             \
			mode = va_arg(ap, mode_t);                             \
		va_end(ap);                                                    \
		return swap_then_open(#sym, dirfd, path, flags, mode);         \
	}

SHIM_OPENAT(openat)
SHIM_OPENAT(openat64)
