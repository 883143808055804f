/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages to stderr prefixed with the tool's name; die() for tool code. */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdbool.h>
#include <stdlib.h>

#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))

/* Name printed before every message; call first thing in main(). */
void log_init(const char *prog);
const char *log_prog(void);
void log_set_verbose(bool verbose);
bool log_verbose(void);
/* Exit status of die(): 1 by default, 125 for tools that run a command. */
void log_set_die_status(int status);

void warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warn_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
void debug(const char *fmt, ...) PRINTF_LIKE(1, 2);
_Noreturn void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
_Noreturn void die_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "Try 'PROG --help' for more information." and exit 2: after a usage
 * error has been reported. */
_Noreturn void die_usage(void);
/* Like die(), with an explicit exit status (2 for usage errors). */
_Noreturn void die_status(int status, const char *fmt, ...) PRINTF_LIKE(2, 3);

#define ASSERT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			warn("assertion failed in %s:%d: %s", __func__,        \
			     __LINE__, #cond);                                 \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
