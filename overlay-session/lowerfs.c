// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A read-only FUSE view of /, owned by 0:0: the lower layer of --root.
 *
 * Why not fuse-overlayfs as the lower: overlayfs opens lower files with
 * O_NOATIME, FUSE passes the flag on, and fuse-overlayfs opens the host's
 * file with it, which the kernel refuses (EPERM) to anyone but the file's
 * owner. Here it is dropped: we only ever read.
 *
 * Nodes are found by their path from the root, opened with openat2() and
 * RESOLVE_NO_SYMLINKS, so that no symbolic link on the host is followed
 * on the way, and each is checked to be the inode that was looked up. No
 * fd is kept per node: the kernel keeps every inode it has looked up until
 * memory runs short, and RLIMIT_NOFILE is far below the number of files
 * under /.
 *
 * Everything the kernel caches it may cache for long (TIMEOUT): the
 * overlayfs on top caches the lower's dentries anyway, and a session that
 * needs the host's later changes starts again.
 */
#define FUSE_USE_VERSION 34

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "log.h"
#include "lowerfs.h"

/* libfuse is loaded only for --root: linked, it costs every session
 * 0.2-0.3 ms of its start (about 5%). */
#define LIBFUSE "libfuse3.so.3"
#define FUSE_FUNCS(X)                                                          \
	X(fuse_session_new)                                                    \
	X(fuse_session_mount)                                                  \
	X(fuse_session_loop_mt_32)                                             \
	X(fuse_session_destroy)                                                \
	X(fuse_add_direntry)                                                   \
	X(fuse_reply_attr)                                                     \
	X(fuse_reply_buf)                                                      \
	X(fuse_reply_data)                                                     \
	X(fuse_reply_entry)                                                    \
	X(fuse_reply_err)                                                      \
	X(fuse_reply_none)                                                     \
	X(fuse_reply_open)                                                     \
	X(fuse_reply_readlink)                                                 \
	X(fuse_reply_statfs)                                                   \
	X(fuse_reply_xattr)

static struct {
#define DECLARE(f) __typeof__(f) *f;
	FUSE_FUNCS(DECLARE)
#undef DECLARE
} lf;

static int load_libfuse(void)
{
	void *h = dlopen(LIBFUSE, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		warn("cannot load %s (package libfuse3-3): %s", LIBFUSE,
		     dlerror());
		return -1;
	}
#define LOAD(f)                                                                \
	if (!(*(void **)&lf.f = dlsym(h, #f))) {                               \
		warn("%s has no %s", LIBFUSE, #f);                             \
		return -1;                                                     \
	}
	FUSE_FUNCS(LOAD)
#undef LOAD
	return 0;
}

#define TIMEOUT 86400.0
/* overlayfs keeps its whiteouts, opaque marks and redirects in these:
 * the host's own (a container's storage under /var/lib) must not steer
 * the session's overlay. */
static const char *const hidden_xattrs[] = { "trusted.overlay.",
					     "user.overlay." };

struct node {
	struct node *next; /* in its hash bucket */
	dev_t dev;
	ino_t ino;
	uint64_t nlookup;
	char path[]; /* from the root: "." or "usr/bin" */
};

struct dir {
	DIR *dp;
	off_t off;
	struct dirent *pending; /* read, but did not fit the last reply */
};

static struct {
	pthread_mutex_t lock;
	struct node **buckets;
	size_t nbuckets, count;
	int root_fd;
	struct node *root;
} fs = { .lock = PTHREAD_MUTEX_INITIALIZER, .root_fd = -1 };

static size_t bucket_of(dev_t dev, ino_t ino, size_t n)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (size_t)(h >> 17) & (n - 1);
}

static int table_grow(void)
{
	size_t n = fs.nbuckets ? fs.nbuckets * 2 : 1024;
	struct node **b = calloc(n, sizeof(*b));

	if (!b)
		return -1;
	for (size_t i = 0; i < fs.nbuckets; i++)
		for (struct node *x = fs.buckets[i], *next; x; x = next) {
			size_t k = bucket_of(x->dev, x->ino, n);

			next = x->next;
			x->next = b[k];
			b[k] = x;
		}
	free(fs.buckets);
	fs.buckets = b;
	fs.nbuckets = n;
	return 0;
}

/* The node of (dev, ino), looked up once more; made with path if new. */
static struct node *node_get(const struct stat *st, const char *path)
{
	struct node *n;
	size_t k;

	pthread_mutex_lock(&fs.lock);
	if (fs.count >= fs.nbuckets && table_grow() < 0) {
		pthread_mutex_unlock(&fs.lock);
		return NULL;
	}
	k = bucket_of(st->st_dev, st->st_ino, fs.nbuckets);
	for (n = fs.buckets[k]; n; n = n->next)
		if (n->dev == st->st_dev && n->ino == st->st_ino)
			break;
	if (!n) {
		size_t len = strlen(path) + 1;

		n = malloc(sizeof(*n) + len);
		if (n) {
			n->dev = st->st_dev;
			n->ino = st->st_ino;
			n->nlookup = 0;
			memcpy(n->path, path, len);
			n->next = fs.buckets[k];
			fs.buckets[k] = n;
			fs.count++;
		}
	}
	if (n)
		n->nlookup++;
	pthread_mutex_unlock(&fs.lock);
	return n;
}

static void node_forget(struct node *n, uint64_t nlookup)
{
	if (n == fs.root)
		return;
	pthread_mutex_lock(&fs.lock);
	n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup;
	if (n->nlookup == 0) {
		struct node **p =
			&fs.buckets[bucket_of(n->dev, n->ino, fs.nbuckets)];

		while (*p != n)
			p = &(*p)->next;
		*p = n->next;
		fs.count--;
		free(n);
	}
	pthread_mutex_unlock(&fs.lock);
}

static struct node *node_of(fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID ? fs.root : (struct node *)(uintptr_t)ino;
}

/* openat2() refuses O_PATH with any flag it would ignore (O_NOCTTY). */
static int open_beneath(const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC |
				    (flags & O_PATH ? 0 : O_NOCTTY)),
		.resolve = RESOLVE_NO_SYMLINKS,
	};

	return (int)syscall(SYS_openat2, fs.root_fd, path, &how, sizeof(how));
}

/* Open node n (flags as open(2)) and stat it; ESTALE if its path leads
 * to another inode now (the host replaced the file). */
static int node_open(const struct node *n, int flags, struct stat *st)
{
	int fd = open_beneath(n->path, flags);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		int err = errno;

		close_quietly(fd);
		errno = err;
		return -1;
	}
	if (st->st_dev != n->dev || st->st_ino != n->ino) {
		close_quietly(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

static void squash(struct stat *st)
{
	st->st_uid = 0;
	st->st_gid = 0;
}

static void op_init(void *data, struct fuse_conn_info *conn)
{
	(void)data;
	if (conn->capable & FUSE_CAP_SPLICE_WRITE)
		conn->want |= FUSE_CAP_SPLICE_WRITE;
	if (conn->capable & FUSE_CAP_SPLICE_MOVE)
		conn->want |= FUSE_CAP_SPLICE_MOVE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	const struct node *p = node_of(parent);
	struct fuse_entry_param e = { .attr_timeout = TIMEOUT,
				      .entry_timeout = TIMEOUT };
	char path[PATH_MAX];
	int n, fd;

	/* The kernel sends single names; anything else would not stay
	 * below the node. */
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		lf.fuse_reply_err(req, EINVAL);
		return;
	}
	n = strcmp(p->path, ".") == 0
		    ? snprintf(path, sizeof(path), "%s", name)
		    : snprintf(path, sizeof(path), "%s/%s", p->path, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		lf.fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	fd = open_beneath(path, O_PATH | O_NOFOLLOW);
	if (fd < 0) {
		/* ino 0: a negative entry, which the kernel caches too */
		if (errno == ENOENT)
			lf.fuse_reply_entry(req, &e);
		else
			lf.fuse_reply_err(req, errno);
		return;
	}
	if (fstat(fd, &e.attr) < 0) {
		lf.fuse_reply_err(req, errno);
		close_quietly(fd);
		return;
	}
	close_quietly(fd);
	struct node *child = node_get(&e.attr, path);

	if (!child) {
		lf.fuse_reply_err(req, ENOMEM);
		return;
	}
	e.ino = (fuse_ino_t)(uintptr_t)child;
	squash(&e.attr);
	if (lf.fuse_reply_entry(req, &e) < 0)
		node_forget(child, 1);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	node_forget(node_of(ino), nlookup);
	lf.fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		node_forget(node_of(forgets[i].ino), forgets[i].nlookup);
	lf.fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;
	int fd = node_open(node_of(ino), O_PATH | O_NOFOLLOW, &st);

	(void)fi;
	if (fd < 0) {
		lf.fuse_reply_err(req, errno);
		return;
	}
	close_quietly(fd);
	squash(&st);
	lf.fuse_reply_attr(req, &st, TIMEOUT);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char target[PATH_MAX];
	struct stat st;
	_cleanup_close_ int fd =
		node_open(node_of(ino), O_PATH | O_NOFOLLOW, &st);
	ssize_t n;

	if (fd < 0) {
		lf.fuse_reply_err(req, errno);
		return;
	}
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	if (n < 0) {
		lf.fuse_reply_err(req, errno);
		return;
	}
	target[n] = '\0';
	lf.fuse_reply_readlink(req, target);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;
	int fd;

	/* Writes go to the overlay's upper; it never opens us for one. */
	if ((fi->flags & O_ACCMODE) != O_RDONLY) {
		lf.fuse_reply_err(req, EROFS);
		return;
	}
	fd = node_open(node_of(ino), O_RDONLY | O_NONBLOCK, &st);
	if (fd < 0) {
		lf.fuse_reply_err(req, errno);
		return;
	}
	fi->fh = (uint64_t)fd;
	fi->keep_cache = 1;
	fi->noflush = 1;
	if (lf.fuse_reply_open(req, fi) < 0)
		close_quietly(fd);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	(void)ino;
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = (int)fi->fh;
	buf.buf[0].pos = off;
	lf.fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

static void op_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	(void)ino;
	close_quietly((int)fi->fh);
	lf.fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;
	struct dir *d = calloc(1, sizeof(*d));
	int fd = d ? node_open(node_of(ino), O_RDONLY | O_DIRECTORY, &st) : -1;

	if (fd < 0 || !(d->dp = fdopendir(fd))) {
		int err = d ? errno : ENOMEM;

		if (fd >= 0)
			close_quietly(fd);
		free(d);
		lf.fuse_reply_err(req, err);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)d;
	fi->keep_cache = 1;
	fi->cache_readdir = 1;
	if (lf.fuse_reply_open(req, fi) < 0) {
		closedir(d->dp);
		free(d);
	}
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct dir *d = (struct dir *)(uintptr_t)fi->fh;
	_cleanup_free_ char *buf = malloc(size);
	size_t used = 0;

	(void)ino;
	if (!buf) {
		lf.fuse_reply_err(req, ENOMEM);
		return;
	}
	if (off != d->off) {
		seekdir(d->dp, off);
		d->pending = NULL;
		d->off = off;
	}
	for (;;) {
		struct dirent *e = d->pending;

		if (!e) {
			errno = 0;
			e = readdir(d->dp);
			if (!e) {
				if (errno && used == 0) {
					lf.fuse_reply_err(req, errno);
					return;
				}
				break;
			}
		}
		struct stat st = { .st_ino = e->d_ino,
				   .st_mode = DTTOIF(e->d_type) };
		size_t len = lf.fuse_add_direntry(req, buf + used, size - used,
						  e->d_name, &st, e->d_off);

		if (len > size - used) {
			d->pending = e;
			break;
		}
		d->pending = NULL;
		used += len;
		d->off = e->d_off;
	}
	lf.fuse_reply_buf(req, buf, used);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct dir *d = (struct dir *)(uintptr_t)fi->fh;

	(void)ino;
	closedir(d->dp);
	free(d);
	lf.fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;
	struct stat st;
	_cleanup_close_ int fd = node_open(node_of(ino), O_PATH, &st);

	if (fd < 0 || fstatvfs(fd, &sv) < 0)
		lf.fuse_reply_err(req, errno);
	else
		lf.fuse_reply_statfs(req, &sv);
}

static bool xattr_hidden(const char *name)
{
	for (size_t i = 0; i < sizeof(hidden_xattrs) / sizeof(*hidden_xattrs);
	     i++)
		if (!strncmp(name, hidden_xattrs[i], strlen(hidden_xattrs[i])))
			return true;
	return false;
}

/* A path to node n for the xattr calls, which take no O_PATH fd; -1 with
 * ENODATA for a symbolic link (no race-free way to reach its own). */
static int xattr_path(fuse_ino_t ino, char *path, size_t len)
{
	struct stat st;
	int fd = node_open(node_of(ino), O_PATH | O_NOFOLLOW, &st);

	if (fd < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		close_quietly(fd);
		errno = ENODATA;
		return -1;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void reply_xattr(fuse_req_t req, const char *data, ssize_t n,
			size_t size)
{
	if (n < 0)
		lf.fuse_reply_err(req, errno);
	else if (size == 0)
		lf.fuse_reply_xattr(req, (size_t)n);
	else if ((size_t)n > size)
		lf.fuse_reply_err(req, ERANGE);
	else
		lf.fuse_reply_buf(req, data, (size_t)n);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	char path[32];
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (xattr_hidden(name)) {
		lf.fuse_reply_err(req, ENODATA);
		return;
	}
	fd = xattr_path(ino, path, sizeof(path));
	if (fd < 0) {
		lf.fuse_reply_err(req, errno);
		return;
	}
	if (size && !(buf = malloc(size))) {
		lf.fuse_reply_err(req, ENOMEM);
		return;
	}
	n = getxattr(path, name, buf, size);
	reply_xattr(req, buf, n, size);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	char path[32];
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = xattr_path(ino, path, sizeof(path));
	ssize_t n, kept = 0;

	if (fd < 0) {
		/* a symbolic link: none */
		reply_xattr(req, "", errno == ENODATA ? 0 : -1, size);
		return;
	}
	/* The whole list, whatever size asks for: the hidden names are
	 * dropped from it. */
	n = listxattr(path, NULL, 0);
	if (n > 0 && (buf = malloc((size_t)n)))
		n = listxattr(path, buf, (size_t)n);
	else if (n > 0)
		n = -1, errno = ENOMEM;
	for (ssize_t i = 0; n > 0 && i < n;) {
		size_t len = strnlen(buf + i, (size_t)(n - i)) + 1;

		if (!xattr_hidden(buf + i)) {
			memmove(buf + kept, buf + i, len);
			kept += (ssize_t)len;
		}
		i += (ssize_t)len;
	}
	reply_xattr(req, buf, n < 0 ? -1 : kept, size);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.readlink = op_readlink,
	.open = op_open,
	.read = op_read,
	.release = op_release,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
};

/* Reading is all it does: of root's capabilities in the user namespace
 * it keeps those to read any file the session's root may (the caller's
 * and its subordinate ids' files of any mode), and no way to regain more. */
static int keep_only_reading(void)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	data[0].effective = data[0].permitted =
		1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_capset, &head, data) < 0) {
		warn_errno("cannot drop the capabilities of the session's "
			   "view of /");
		return -1;
	}
	return 0;
}

int lowerfs_serve(int fuse_fd)
{
	char *argv[] = { "overlay-session", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_loop_config loop = { .clone_fd = 0, .max_idle_threads = 4 };
	struct fuse_session *se;
	char mountpoint[32];
	struct stat st;
	int ret;

	if (load_libfuse() < 0 || keep_only_reading() < 0)
		return -1;
	fs.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs.root_fd < 0 || fstat(fs.root_fd, &st) < 0 ||
	    !(fs.root = node_get(&st, "."))) {
		warn_errno("cannot open / for the session");
		return -1;
	}
	se = lf.fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se) {
		warn("cannot start serving / for the session");
		return -1;
	}
	/* libfuse takes an open /dev/fuse as "/dev/fd/N" */
	snprintf(mountpoint, sizeof(mountpoint), "/dev/fd/%d", fuse_fd);
	if (lf.fuse_session_mount(se, mountpoint) < 0) {
		warn("cannot serve the session's /dev/fuse");
		lf.fuse_session_destroy(se);
		return -1;
	}
	ret = lf.fuse_session_loop_mt_32(se, &loop);
	lf.fuse_session_destroy(se);
	return ret == 0 ? 0 : -1;
}
