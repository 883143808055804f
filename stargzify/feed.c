// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "feed.h"

int feed_init(struct feed *f)
{
	memset(f, 0, sizeof(*f));
	if (pthread_mutex_init(&f->lock, NULL))
		return -1;
	if (pthread_cond_init(&f->grew, NULL)) {
		pthread_mutex_destroy(&f->lock);
		return -1;
	}
	return 0;
}

void feed_destroy(struct feed *f)
{
	pthread_cond_destroy(&f->grew);
	pthread_mutex_destroy(&f->lock);
}

int feed_grew(struct feed *f, size_t n)
{
	bool cancel;

	pthread_mutex_lock(&f->lock);
	f->avail += n;
	cancel = f->cancel;
	pthread_cond_broadcast(&f->grew);
	pthread_mutex_unlock(&f->lock);
	return cancel ? -1 : 0;
}

void feed_end(struct feed *f, const char *why)
{
	pthread_mutex_lock(&f->lock);
	f->ended = true;
	if (why)
		snprintf(f->why, sizeof(f->why), "%s", why);
	pthread_cond_broadcast(&f->grew);
	pthread_mutex_unlock(&f->lock);
}

uint64_t feed_extent(struct feed *f, uint64_t want)
{
	uint64_t r;

	pthread_mutex_lock(&f->lock);
	while (!f->ended && f->avail < want)
		pthread_cond_wait(&f->grew, &f->lock);
	r = f->avail < want ? f->avail : want;
	pthread_mutex_unlock(&f->lock);
	return r;
}

int feed_failed(struct feed *f, bool wait, char *why, size_t why_len)
{
	int r;

	pthread_mutex_lock(&f->lock);
	while (wait && !f->ended)
		pthread_cond_wait(&f->grew, &f->lock);
	r = f->ended && *f->why ? -1 : 0;
	if (r)
		snprintf(why, why_len, "%s", f->why);
	pthread_mutex_unlock(&f->lock);
	return r;
}

void feed_cancel(struct feed *f)
{
	pthread_mutex_lock(&f->lock);
	f->cancel = true;
	pthread_mutex_unlock(&f->lock);
}
