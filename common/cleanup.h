/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scope-bound ownership: _cleanup_free_ / _cleanup_close_, and the steal_*()
 * helpers that hand ownership on without a double free or double close. */
#ifndef COMMON_CLEANUP_H
#define COMMON_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>

#include "fd.h"

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(const int *fd)
{
	if (*fd >= 0)
		close_quietly(*fd);
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_	 __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_	 __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))

static inline int steal_fd(int *fd)
{
	int ret = *fd;

	*fd = -1;
	return ret;
}

#define steal_ptr(pp)                                                          \
	({                                                                     \
		__typeof__(*(pp)) steal_ptr_tmp_ = *(pp);                      \
		*(pp) = NULL;                                                  \
		steal_ptr_tmp_;                                                \
	})

#endif
