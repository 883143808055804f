// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "pipeline.h"

/* Members in flight: many, so that while one worker compresses a large
 * chunk at the head of the line (a tenth of a second at level 9) the
 * others find enough small members queued behind it (a layer's files
 * are ~15 KB on average); 64 left both cores idle ~3% of the time. The
 * memory they hold is bounded by budget (see pipeline_start()). */
#define RING_MAX 1024
/* Buffers larger than this are freed once their member is written, so a
 * slot that once held a chunk does not keep it... */
#define KEEP_BUFFER (128u << 10)
/* ...and so are the rest once free slots keep this much, so that a
 * thousand slots do not each keep one. */
#define KEEP_TOTAL (1u << 20)
/* Output bytes after which their writeback to the disk is started. */
#define WRITEBACK_STEP (8u << 20)
#define GATHER_SIZE    (1u << 20)

struct worker {
	struct pipeline *p;
	struct member_codec codec;
	uint8_t *scratch, *tmp;
	size_t scratch_cap, tmp_cap;
};

/* The member of j's repeated data alone, compressed into the scratch
 * buffer: its length, 0 if the stream cannot be walked, or -1. */
static ssize_t make_head(struct worker *w, struct job *j,
			 struct deflate_end *end)
{
	size_t n;

	if (buffer_grow(&w->scratch, &w->scratch_cap,
			codec_bound(&w->codec, j->repeat_len)) < 0)
		return -1;
	n = codec_compress(&w->codec, j->in, j->repeat_len, w->scratch,
			   w->scratch_cap);
	if (!n)
		return -1;
	return codec_walk_member(w->scratch, n, end) < 0 ? 0 : (ssize_t)n;
}

/* Whether m, made by the job before that had the same data, is kept: the
 * wait is for a job taken earlier, on another thread or done already. */
static bool wait_made(struct pipeline *p, const struct dedup_member *m)
{
	bool kept;

	pthread_mutex_lock(&p->lock);
	while (m->state == DEDUP_MAKING)
		pthread_cond_wait(&p->made, &p->lock);
	kept = m->state == DEDUP_KEPT;
	pthread_mutex_unlock(&p->lock);
	return kept;
}

/* A member whose data came before: the member kept for it (waiting for
 * it, if another thread is making it), or one made now, then the rest of
 * the member joined to it, so the data is not compressed again. Returns
 * 1, or 0 when they cannot be joined (compress the whole member then),
 * or -1. */
static int compress_repeat(struct worker *w, struct job *j)
{
	struct pipeline *p = w->p;
	struct dedup_member *m = j->member;
	size_t rest = j->in_len - j->repeat_len, head_len, n;
	const uint8_t *head;
	struct deflate_end end;

	if (m && !j->make && wait_made(p, m)) {
		head = m->gz;
		head_len = m->gz_len;
		end = m->end;
	} else {
		ssize_t made = make_head(w, j, &end);

		if (j->make) { /* every job waiting for it is told */
			pthread_mutex_lock(&p->lock);
			dedup_made(&p->dedup, m, made > 0 ? w->scratch : NULL,
				   made > 0 ? (size_t)made : 0, &end);
			pthread_cond_broadcast(&p->made);
			pthread_mutex_unlock(&p->lock);
		}
		if (made <= 0)
			return (int)made;
		head = w->scratch;
		head_len = (size_t)made;
	}
	if (!rest) {
		if (buffer_grow(&j->out, &j->out_cap, head_len) < 0)
			return -1;
		memcpy(j->out, head, head_len);
		j->out_len = head_len;
		return 1;
	}
	if (buffer_grow(&w->tmp, &w->tmp_cap, codec_bound(&w->codec, rest)) <
		    0 ||
	    buffer_grow(&j->out, &j->out_cap, head_len + w->tmp_cap) < 0)
		return -1;
	n = codec_compress_after(&w->codec, head, head_len, &end,
				 j->in + j->repeat_len, rest, w->tmp,
				 w->tmp_cap, j->out, j->out_cap);
	j->out_len = n;
	return n ? 1 : 0;
}

/* Compresses j->in into j->out: into the thread's scratch buffer first,
 * as large as the codec's bound, then copied to a buffer of the member's
 * compressed size (a quarter of its input, for most layers), so the members
 * waiting to be written do not each hold a bound's worth. */
static bool compress_job(struct worker *w, struct job *j)
{
	size_t n;

	if (j->repeat_len) {
		int r = compress_repeat(w, j);

		if (r)
			return r > 0;
	}
	if (buffer_grow(&w->scratch, &w->scratch_cap,
			codec_bound(&w->codec, j->in_len)) < 0)
		return false;
	n = codec_compress(&w->codec, j->in, j->in_len, w->scratch,
			   w->scratch_cap);
	if (!n || buffer_grow(&j->out, &j->out_cap, n) < 0)
		return false;
	memcpy(j->out, w->scratch, n);
	j->out_len = n;
	return true;
}

static void *worker(void *arg)
{
	struct worker w = { .p = arg };
	struct pipeline *p = w.p;
	bool ok = codec_init(&w.codec, p->format, p->level) == 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next_take == p->next_fill)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->next_take == p->next_fill)
			break;
		struct job *j = &p->ring[p->next_take++ % p->n_ring];

		pthread_mutex_unlock(&p->lock);
		bool done = ok && compress_job(&w, j);

		pthread_mutex_lock(&p->lock);
		j->state = done ? JOB_DONE : JOB_FAILED;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	free(w.scratch);
	free(w.tmp);
	codec_free(&w.codec);
	return NULL;
}

/* Writes what pipeline_emit() gathered. */
int pipeline_flush(struct pipeline *p)
{
	if (p->gathered && write_all(p->out_fd, p->gather, p->gathered) < 0)
		return -1;
	p->gathered = 0;
	/* Start writing back what is written now, rather than all of it in
	 * the final fsync (75 ms of a 10 s conversion). Only a hint: on a
	 * pipe it fails, harmlessly. */
	if (p->out_pos - p->synced >= WRITEBACK_STEP) {
		(void)sync_file_range(p->out_fd, (off_t)p->synced,
				      (off_t)(p->out_pos - p->synced),
				      SYNC_FILE_RANGE_WRITE);
		p->synced = p->out_pos;
	}
	return 0;
}

/* Output goes out in writes of GATHER_SIZE, not one per member (20k
 * write calls for the bench layer's 150 MB). */
int pipeline_emit(struct pipeline *p, const void *buf, size_t len)
{
	if (p->blob_hash)
		EVP_DigestUpdate(p->blob_hash, buf, len);
	if (len > GATHER_SIZE - p->gathered && pipeline_flush(p) < 0)
		return -1;
	p->out_pos += len;
	if (len >= GATHER_SIZE) {
		if (write_all(p->out_fd, buf, len) < 0)
			return -1;
		return pipeline_flush(p);
	}
	memcpy(p->gather + p->gathered, buf, len);
	p->gathered += len;
	return 0;
}

/* Writes the oldest member once it is compressed. */
static int write_oldest(struct pipeline *p, char *why, size_t why_len)
{
	struct job *j = &p->ring[p->next_write % p->n_ring];

	pthread_mutex_lock(&p->lock);
	while (j->state == JOB_QUEUED)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	if (j->state == JOB_FAILED) {
		snprintf(why, why_len, "compressing a member failed");
		return -1;
	}
	if (j->has_entry)
		p->toc->v[j->toc_index].offset = p->out_pos;
	if (pipeline_emit(p, j->out, j->out_len) < 0) {
		snprintf(why, why_len, "writing the output: %s",
			 strerror(errno));
		return -1;
	}
	p->inflight -= j->in_cap;
	if (j->in_cap > KEEP_BUFFER || j->out_cap > KEEP_BUFFER ||
	    p->kept + j->in_cap + j->out_cap > KEEP_TOTAL) {
		free(j->in);
		free(j->out);
		j->in = j->out = NULL;
		j->in_cap = j->out_cap = 0;
	}
	p->kept += j->in_cap + j->out_cap;
	j->state = JOB_FREE;
	p->next_write++;
	return 0;
}

struct job *pipeline_open(struct pipeline *p, char *why, size_t why_len)
{
	if (p->cur)
		return p->cur;
	while (p->next_fill > p->next_write &&
	       (p->next_fill - p->next_write == p->n_ring ||
		p->inflight >= p->budget))
		if (write_oldest(p, why, why_len) < 0)
			return NULL;
	struct job *j = &p->ring[p->next_fill % p->n_ring];

	p->kept -= j->in_cap + j->out_cap;
	j->in_len = j->repeat_len = 0;
	j->has_entry = j->make = false;
	j->member = NULL;
	j->state = JOB_FILLING;
	return p->cur = j;
}

void pipeline_close(struct pipeline *p)
{
	struct job *j = p->cur;

	if (!j)
		return;
	if (p->diff_hash)
		EVP_DigestUpdate(p->diff_hash, j->in, j->in_len);
	p->raw_size += j->in_len;
	p->inflight += j->in_cap;
	pthread_mutex_lock(&p->lock);
	j->state = JOB_QUEUED;
	p->next_fill++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	p->cur = NULL;
}

/* Once every member is written: the buffers free slots keep, and the heap
 * pages they and the members queued leave behind, go back to the system
 * before the TOC is built, which needs as much again. */
void pipeline_release(struct pipeline *p)
{
	for (size_t i = 0; i < p->n_ring; i++) {
		free(p->ring[i].in);
		free(p->ring[i].out);
		p->ring[i].in = p->ring[i].out = NULL;
		p->ring[i].in_cap = p->ring[i].out_cap = 0;
	}
	p->kept = 0;
	dedup_free(&p->dedup);
	malloc_trim(0);
}

/* zstd is fast enough without, and its frames cannot be joined. */
void pipeline_note_repeat(struct pipeline *p, const uint8_t *digest)
{
	struct job *j = p->cur;
	struct dedup_key key = { .len = j->in_len };

	if (p->format == SGZ_ZSTD_CHUNKED || j->in_len < DEDUP_MIN)
		return;
	memcpy(key.digest, digest, SHA256_LEN);
	pthread_mutex_lock(&p->lock);
	if (dedup_repeat(&p->dedup, &key)) {
		j->repeat_len = j->in_len;
		j->member = dedup_find(&p->dedup, &key);
		if (!j->member) {
			j->member = dedup_reserve(&p->dedup, &key);
			j->make = j->member != NULL;
		}
	}
	pthread_mutex_unlock(&p->lock);
}

int pipeline_drain(struct pipeline *p, char *why, size_t why_len)
{
	pipeline_close(p);
	while (p->next_write < p->next_fill)
		if (write_oldest(p, why, why_len) < 0)
			return -1;
	return 0;
}

int pipeline_start(struct pipeline *p, const struct pipeline_options *o,
		   char *why, size_t why_len)
{
	memset(p, 0, sizeof(*p));
	/* Chunk buffers come and go a hundred times a second: reused from
	 * the heap, not mapped and unmapped each time at a page fault per 4
	 * KiB (130k faults and 3% of the time for a 600 MB layer). What the
	 * heap holds is bounded by the budget; pipeline_release() returns it
	 * before the TOC is built. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	pthread_cond_init(&p->made, NULL);
	p->format = o->format;
	p->level = o->level;
	p->out_fd = o->out_fd;
	p->toc = o->toc;
	p->n_ring = RING_MAX;
	p->budget = o->budget;
	p->ring = calloc(p->n_ring, sizeof(*p->ring));
	p->gather = malloc(GATHER_SIZE);
	p->threads = calloc(o->threads, sizeof(*p->threads));
	if (o->layer_digests) {
		p->blob_hash = sha256_ctx();
		p->diff_hash = sha256_ctx();
	}
	if (!p->ring || !p->gather || !p->threads ||
	    (o->layer_digests && (!p->blob_hash || !p->diff_hash))) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	for (; p->started < o->threads; p->started++) {
		if (pthread_create(&p->threads[p->started], NULL, worker, p)) {
			snprintf(why, why_len, "starting a thread failed");
			return -1;
		}
	}
	return 0;
}

void pipeline_stop(struct pipeline *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	/* workers finish what was queued; nothing more is written */
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->threads[i], NULL);
	if (p->ring)
		pipeline_release(p);
	free(p->ring);
	free(p->gather);
	free(p->threads);
	EVP_MD_CTX_free(p->blob_hash);
	EVP_MD_CTX_free(p->diff_hash);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->made);
}
