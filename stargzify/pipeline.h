/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Members compressed on worker threads and written in order. The main
 * thread fills one member at a time (pipeline_open(), then appends to its
 * job's in), closes it (pipeline_close()) and goes on while a worker
 * compresses it; pipeline_open() writes the oldest members out when too
 * much is in flight. Data a layer repeats is compressed once (dedup.h).
 * Which bytes go into which member is the caller's: the output never
 * depends on the number of threads. */
#ifndef STARGZIFY_PIPELINE_H
#define STARGZIFY_PIPELINE_H

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dedup.h"
#include "member.h"
#include "toc.h"

enum job_state { JOB_FREE, JOB_FILLING, JOB_QUEUED, JOB_DONE, JOB_FAILED };

struct job {
	uint8_t *in, *out;
	size_t in_len, in_cap, out_len, out_cap;
	size_t toc_index; /* the entry whose offset is this member's */
	bool has_entry;
	/* in[0..repeat_len): data seen before in the layer (dedup.h) */
	size_t repeat_len;
	struct dedup_member *member; /* its member, kept or being made */
	bool make;		     /* by this job */
	enum job_state state;
};

struct pipeline {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_cond_t made; /* a dedup member is made */
	struct job *ring;
	size_t n_ring;
	size_t inflight, budget; /* input buffer bytes of members not written */
	size_t kept;		 /* buffer bytes free slots keep */
	uint64_t next_fill, next_take, next_write; /* member numbers */
	bool stop;
	enum sgz_format format;
	int level;
	struct dedup dedup; /* under lock */

	struct job *cur; /* being filled by the main thread */
	int out_fd;
	uint64_t out_pos, raw_size;
	uint64_t synced; /* output before this is being written back */
	uint8_t *gather; /* output not written yet */
	size_t gathered;
	EVP_MD_CTX *blob_hash, *diff_hash; /* NULL unless layer_digests */
	struct toc *toc; /* its entries' offsets are set as members go out */

	pthread_t *threads;
	unsigned started;
};

struct pipeline_options {
	enum sgz_format format;
	int level;
	unsigned threads;
	size_t budget; /* input bytes in flight before members are written */
	int out_fd;
	struct toc *toc;
	bool layer_digests; /* blob_hash and diff_hash */
};

/* Starts the workers: 0, or -1 and why. pipeline_stop() in either case. */
int pipeline_start(struct pipeline *p, const struct pipeline_options *o,
		   char *why, size_t why_len);
/* Lets the workers finish what was queued and frees everything; what was
 * not written is not. */
void pipeline_stop(struct pipeline *p);

/* The member being filled, or a new one: NULL and why on failure. */
struct job *pipeline_open(struct pipeline *p, char *why, size_t why_len);
/* Queues the member being filled, if any, for a worker. */
void pipeline_close(struct pipeline *p);
/* Marks the member being filled, which holds a chunk of data and perhaps
 * its padding, as a repeat if those bytes came before (dedup.h). */
void pipeline_note_repeat(struct pipeline *p, const uint8_t *digest);
/* Closes the member being filled and writes every member out. */
int pipeline_drain(struct pipeline *p, char *why, size_t why_len);
/* Once drained: frees the buffers kept for members to come. */
void pipeline_release(struct pipeline *p);

/* Appends bytes to the output, at out_pos (and to blob_hash). */
int pipeline_emit(struct pipeline *p, const void *buf, size_t len);
/* Writes what pipeline_emit() gathered. */
int pipeline_flush(struct pipeline *p);

#endif
