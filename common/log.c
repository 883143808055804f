// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *prog_name = "?";
static bool verbose_enabled;
static int die_exit_status = 1;

void log_init(const char *prog)
{
	prog_name = prog;
}

const char *log_prog(void)
{
	return prog_name;
}

void log_set_verbose(bool verbose)
{
	verbose_enabled = verbose;
}

bool log_verbose(void)
{
	return verbose_enabled;
}

void log_set_die_status(int status)
{
	die_exit_status = status;
}

/* One fprintf per message part, but a single stderr lock around the line so
 * that lines from several processes sharing the terminal do not interleave. */
PRINTF_LIKE(1, 0) static void vlog(const char *fmt, va_list ap, int err)
{
	flockfile(stderr);
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	funlockfile(stderr);
}

void warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	errno = saved;
}

void warn_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, saved);
	va_end(ap);
	errno = saved;
}

void debug(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!verbose_enabled)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	errno = saved;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(die_exit_status);
}

void die_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, saved);
	va_end(ap);
	exit(die_exit_status);
}

void die_status(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(status);
}

void die_usage(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", prog_name);
	exit(2);
}
