// SPDX-License-Identifier: GPL-2.0-or-later
/* --verify: every file of the blob checked, files spread over threads.
 * Members are independent, so each thread reads and inflates its own with
 * a decoder of its own; the reader is shared and does not change. What is
 * reported does not depend on the threads: the first bad file in TOC
 * order, as one thread would find it. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define WHY_MAX 512

struct verify {
	const struct sgz_reader *r;
	pthread_mutex_t lock;
	size_t next;	  /* the next entry to look at */
	size_t failed_at; /* the first bad file found; r->toc.n if none */
	char why[WHY_MAX];
	uint64_t bytes_read;
};

/* The next file's first entry (a "reg" with data; its chunks follow it),
 * or -1 when none is left before a failure. */
static ssize_t take_file(struct verify *v)
{
	const struct toc_entry *e = v->r->toc.v;
	ssize_t idx = -1;

	pthread_mutex_lock(&v->lock);
	while (v->next < v->failed_at &&
	       !(e[v->next].type == TOC_REG && toc_entry_has_data(&e[v->next])))
		v->next++;
	if (v->next < v->failed_at)
		idx = (ssize_t)v->next++;
	pthread_mutex_unlock(&v->lock);
	return idx;
}

static void *verify_files(void *arg)
{
	struct verify *v = arg;
	struct sgz_decoder dec = { 0 };
	uint8_t *buf = NULL;
	size_t cap = 0;
	char why[WHY_MAX];
	ssize_t idx;

	while ((idx = take_file(v)) >= 0) {
		if (sgz_read_file(v->r, &dec, (size_t)idx, -1, &buf, &cap, why,
				  sizeof(why)) >= 0)
			continue;
		pthread_mutex_lock(&v->lock);
		if ((size_t)idx < v->failed_at) {
			v->failed_at = (size_t)idx;
			memcpy(v->why, why, sizeof(why));
		}
		pthread_mutex_unlock(&v->lock);
	}
	pthread_mutex_lock(&v->lock);
	v->bytes_read += dec.bytes_read;
	pthread_mutex_unlock(&v->lock);
	free(buf);
	sgz_decoder_free(&dec);
	return NULL;
}

int sgz_verify(struct sgz_reader *r, unsigned threads, char *why,
	       size_t why_len)
{
	struct verify v = { .r = r, .failed_at = r->toc.n };
	pthread_t *tid = calloc(threads, sizeof(*tid));
	unsigned started = 0;

	pthread_mutex_init(&v.lock, NULL);
	/* the calling thread is one of them; fewer if threads cannot start */
	while (tid && started + 1 < threads &&
	       pthread_create(&tid[started], NULL, verify_files, &v) == 0)
		started++;
	verify_files(&v);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	pthread_mutex_destroy(&v.lock);
	r->dec.bytes_read += v.bytes_read;
	if (v.failed_at < r->toc.n) {
		snprintf(why, why_len, "%s", v.why);
		return -1;
	}
	return 0;
}
