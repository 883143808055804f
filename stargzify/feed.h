/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A file that one thread writes while others read it: a reader waits for
 * the bytes it needs, or learns where the file ended. It lets a tar.gz be
 * converted while it is still being inflated into the temporary file. */
#ifndef STARGZIFY_FEED_H
#define STARGZIFY_FEED_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct feed {
	pthread_mutex_t lock;
	pthread_cond_t grew;
	uint64_t avail; /* bytes written so far */
	bool ended;	/* avail is the file's size */
	bool cancel;	/* the readers stopped: the writer may too */
	char why[256];	/* why the writer failed; "" when it did not */
};

int feed_init(struct feed *f);
void feed_destroy(struct feed *f);

/* The writer: n more bytes are in the file. Returns -1 when the readers
 * asked it to stop. */
int feed_grew(struct feed *f, size_t n);
/* The writer is done: why is NULL, or the reason it failed. */
void feed_end(struct feed *f, const char *why);

/* Readers: want when the file has that many bytes, else its size once it
 * ended (short: the writer failed, or the stream was that long). */
uint64_t feed_extent(struct feed *f, uint64_t want);
/* Waits for the end when wait; copies the writer's failure to why and
 * returns -1, 0 when it has not failed (yet). */
int feed_failed(struct feed *f, bool wait, char *why, size_t why_len);
void feed_cancel(struct feed *f);

#endif
