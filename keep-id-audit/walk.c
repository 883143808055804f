// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fd.h"
#include "log.h"
#include "mounts.h"
#include "walk.h"

/* 256 KiB of directory entries per getdents64 call per thread: few system
 * calls even for a directory of a million entries. */
#define DENTS_BUF_SIZE (256 * 1024)
/* Children are pushed in batches to take the lock less often. */
#define PUSH_BATCH 256

struct walk_dir {
	struct walk_dir *parent;
	/* Open from when the directory is read until its last child
	 * directory has been opened: deep chains hold few fds. */
	int fd;
	/* Children not yet opened, +1 while this directory is being read. */
	atomic_int unopened;
	/* This node's own reference, +1 per child node alive: a node lives
	 * as long as any descendant needs its name for a path. */
	atomic_int refs;
	dev_t dev;
	char name[];
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct walker {
	const struct walk_options *opts;
	walk_file_fn *fn;
	void *ctx;
	struct mountinfo mounts;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct walk_dir **stack;
	size_t depth, cap;
	unsigned int busy;

	atomic_ullong dirs, files, errors;
};

static struct walk_dir *dir_new(struct walk_dir *parent, const char *name,
				size_t len)
{
	struct walk_dir *d = malloc(sizeof(*d) + len + 1);

	if (!d)
		die_errno("malloc");
	d->parent = parent;
	d->fd = -1;
	atomic_init(&d->unopened, 0);
	atomic_init(&d->refs, 1);
	d->dev = 0;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	if (parent)
		atomic_fetch_add(&parent->refs, 1);
	return d;
}

static void dir_close_fd(struct walk_dir *d)
{
	if (d->fd >= 0)
		close_quietly(d->fd);
	d->fd = -1;
}

/* Drop a reference; free the node and walk up as counts reach zero. */
static void dir_unref(struct walk_dir *d)
{
	while (d && atomic_fetch_sub(&d->refs, 1) == 1) {
		struct walk_dir *parent = d->parent;

		dir_close_fd(d);
		free(d);
		d = parent;
	}
}

/* One pending open of d's children is done. */
static void dir_opened_one(struct walk_dir *d)
{
	if (atomic_fetch_sub(&d->unopened, 1) == 1)
		dir_close_fd(d);
}

static size_t append_component(char *buf, size_t pos, const char *name)
{
	size_t n = strlen(name);

	/* A separator unless at the start or after one ("/" as the root). */
	if (pos > 0 && buf[pos - 1] != '/')
		buf[pos++] = '/';
	memcpy(buf + pos, name, n);
	return pos + n;
}

void walk_path(const struct walk_dir *dir, const char *name, char **out)
{
	const struct walk_dir *d, **chain;
	size_t depth = 0, len = name ? strlen(name) + 1 : 0, pos = 0, i;
	char *buf;

	for (d = dir; d; d = d->parent) {
		depth++;
		len += strlen(d->name) + 1;
	}
	chain = malloc(depth * sizeof(*chain));
	buf = malloc(len + 1);
	if (!chain || !buf)
		die_errno("malloc");
	i = depth;
	for (d = dir; d; d = d->parent)
		chain[--i] = d;
	for (i = 0; i < depth; i++)
		pos = append_component(buf, pos, chain[i]->name);
	if (name)
		pos = append_component(buf, pos, name);
	buf[pos] = '\0';
	free(chain);
	*out = buf;
}

static void push_dirs(struct walker *w, struct walk_dir **dirs, size_t n)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->depth + n > w->cap) {
		size_t cap = (w->depth + n) * 2;
		struct walk_dir **stack =
			realloc(w->stack, cap * sizeof(*stack));

		if (!stack)
			die_errno("realloc");
		w->stack = stack;
		w->cap = cap;
	}
	memcpy(w->stack + w->depth, dirs, n * sizeof(*dirs));
	w->depth += n;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void report_error(struct walker *w, const struct walk_dir *dir,
			 const char *name, const char *what)
{
	int err = errno;
	char *path;

	walk_path(dir, name, &path);
	errno = err;
	warn_errno("%s `%s`", what, path);
	free(path);
	atomic_fetch_add(&w->errors, 1);
}

/* Open d relative to its parent and decide whether to enter it. Returns
 * false for a directory to skip (gone, another filesystem, excluded). */
static bool open_dir(struct walker *w, struct walk_dir *d)
{
	int parent_fd = d->parent ? d->parent->fd : AT_FDCWD;
	struct stat st;
	size_t i;

	d->fd = openat(parent_fd, d->name,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
			       O_NONBLOCK | O_NOCTTY);
	if (d->parent)
		dir_opened_one(d->parent);
	if (d->fd < 0) {
		/* Removed, or swapped for a symlink or a file, during the
		 * walk: nothing there to audit. */
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			report_error(w, d->parent, d->name,
				     "cannot open directory");
		return false;
	}
	if (fstat(d->fd, &st) < 0) {
		report_error(w, d, NULL, "cannot stat");
		return false;
	}
	d->dev = st.st_dev;
	for (i = 0; i < w->opts->n_exclude; i++)
		if (st.st_dev == w->opts->exclude_dev[i] &&
		    st.st_ino == w->opts->exclude_ino[i])
			return false;
	if (!d->parent)
		return true;
	if (st.st_dev != d->parent->dev) {
		if (!w->opts->cross_mounts)
			return false;
		if (mounts_is_pseudo(&w->mounts, d->fd))
			return false;
	}
	return true;
}

static void handle_file(struct walker *w, struct walk_dir *d, const char *name,
			const struct statx *stx)
{
	if (!S_ISREG(stx->stx_mode))
		return;
	/* A file bind-mounted from another filesystem. */
	if (!w->opts->cross_mounts &&
	    makedev(stx->stx_dev_major, stx->stx_dev_minor) != d->dev)
		return;
	if (stx->stx_mode & (S_ISUID | S_ISGID | S_IXUSR | S_IXGRP | S_IXOTH))
		w->fn(d, d->fd, name, stx, w->ctx);
}

/* Read d: regular files are stat'ed and handed on, directories pushed. */
static void read_dir(struct walker *w, struct walk_dir *d, char *buf)
{
	struct walk_dir *batch[PUSH_BATCH];
	unsigned long long entries = 0;
	size_t nbatch = 0;

	for (;;) {
		long n = syscall(SYS_getdents64, d->fd, buf, DENTS_BUF_SIZE);
		long off;

		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENOENT: the directory was removed while read. */
			if (errno != ENOENT)
				report_error(w, d, NULL,
					     "cannot read directory");
			break;
		}
		for (off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			const char *name = de->d_name;
			unsigned char type = de->d_type;
			struct statx stx;

			off += de->d_reclen;
			if (name[0] == '.' &&
			    (name[1] == '\0' || (name[1] == '.' && !name[2])))
				continue;
			entries++;
			if (type != DT_DIR && type != DT_REG &&
			    type != DT_UNKNOWN)
				continue;
			if (type != DT_DIR) {
				if (statx(d->fd, name,
					  AT_SYMLINK_NOFOLLOW |
						  AT_NO_AUTOMOUNT |
						  AT_STATX_DONT_SYNC,
					  STATX_TYPE | STATX_MODE | STATX_UID |
						  STATX_GID | STATX_INO,
					  &stx) < 0) {
					if (errno != ENOENT)
						report_error(w, d, name,
							     "cannot stat");
					continue;
				}
				if (!S_ISDIR(stx.stx_mode)) {
					handle_file(w, d, name, &stx);
					continue;
				}
			}
			atomic_fetch_add(&d->unopened, 1);
			batch[nbatch++] = dir_new(d, name, strlen(name));
			if (nbatch == PUSH_BATCH) {
				push_dirs(w, batch, nbatch);
				nbatch = 0;
			}
		}
	}
	push_dirs(w, batch, nbatch);
	/* Shared counters once per directory, not per entry. */
	atomic_fetch_add(&w->dirs, 1);
	atomic_fetch_add(&w->files, entries);
}

static void process_dir(struct walker *w, struct walk_dir *d, char *buf)
{
	/* The +1 of "being read": children may not close our fd early. */
	atomic_fetch_add(&d->unopened, 1);
	if (open_dir(w, d))
		read_dir(w, d, buf);
	dir_opened_one(d);
	dir_unref(d);
}

static void *worker(void *arg)
{
	struct walker *w = arg;
	char *buf = malloc(DENTS_BUF_SIZE);

	if (!buf)
		die_errno("malloc");
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct walk_dir *d;

		while (w->depth == 0 && w->busy > 0)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->depth == 0)
			break;
		d = w->stack[--w->depth];
		w->busy++;
		pthread_mutex_unlock(&w->lock);
		process_dir(w, d, buf);
		pthread_mutex_lock(&w->lock);
		w->busy--;
		if (w->depth == 0 && w->busy == 0)
			pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	free(buf);
	return NULL;
}

int walk_tree(const char *root, const struct walk_options *opts,
	      walk_file_fn *fn, void *ctx, struct walk_stats *stats)
{
	struct walker w = { .opts = opts, .fn = fn, .ctx = ctx };
	unsigned int n = opts->threads ? opts->threads : 1, i;
	pthread_t *threads = calloc(n, sizeof(*threads));
	struct walk_dir *top;
	struct stat st;

	if (!threads)
		return -1;
	if (stat(root, &st) < 0) {
		free(threads);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		free(threads);
		errno = ENOTDIR;
		return -1;
	}
	if (opts->cross_mounts && mountinfo_load(&w.mounts) < 0)
		die_errno("read /proc/self/mountinfo");
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	top = dir_new(NULL, root, strlen(root));
	push_dirs(&w, &top, 1);
	for (i = 1; i < n; i++)
		if (pthread_create(&threads[i], NULL, worker, &w) != 0)
			die("cannot start walker thread %u", i);
	worker(&w);
	for (i = 1; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	free(w.stack);
	if (opts->cross_mounts)
		mountinfo_free(&w.mounts);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	stats->dirs += w.dirs;
	stats->files += w.files;
	stats->errors += w.errors;
	return 0;
}
