// SPDX-License-Identifier: GPL-2.0-or-later
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "changes.h"
#include "cleanup.h"
#include "escape.h"
#include "log.h"
#include "points.h"

const char *change_name(enum change_kind k)
{
	switch (k) {
	case CHANGE_ADDED:
		return "added";
	case CHANGE_CHANGED:
		return "changed";
	case CHANGE_DELETED:
		return "deleted";
	case CHANGE_REPLACED:
		return "replaced";
	}
	return "?";
}

static bool in_lower(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool is_opaque(int fd)
{
	char v[4];
	ssize_t n = fgetxattr(fd, "user.overlay.opaque", v, sizeof(v));

	return n == 1 && v[0] == 'y';
}

struct walker {
	change_fn fn;
	void *ctx;
	struct points points;
};

/* In a kept skeleton, is this entry the host's (a mount point or a copy
 * of a link, points.h)? A state kept by an older version has no record:
 * then every entry the lower has is taken for one. */
static bool host_entry(const struct walker *w, const struct change *c,
		       bool lower)
{
	return w->points.known
		       ? points_is_host(&w->points, c->path, c->dirfd, c->name)
		       : lower;
}

struct deleted_in {
	struct walker *w;
	int fd;
	struct stat st;
};

/* A link of the host's the session deleted from a skeleton directory:
 * told as a whiteout would be, with the directory's owner and time. */
static int deleted_link(const char *path, const char *name, void *ctx)
{
	struct deleted_in *d = ctx;
	struct change c = { .kind = CHANGE_DELETED,
			    .path = path,
			    .dirfd = d->fd,
			    .name = name,
			    .st = d->st };

	return d->w->fn(&c, d->w->ctx);
}

/* Walk the upper directory fd, which is session path dir; in a kept
 * skeleton (skeleton), the host's entries are not changes. */
static int walk_dir(struct walker *w, int fd, const char *dir, bool skeleton)
{
	int dup_fd = dup(fd);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		warn_errno("cannot read the upper directory of `%s'", dir);
		if (dup_fd >= 0)
			close_quietly(dup_fd);
		return -1;
	}
	while (ret == 0 && (e = readdir(d))) {
		char path[PATH_MAX];
		struct change c = { .dirfd = fd, .name = e->d_name };
		bool lower;
		int n;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s",
			     strcmp(dir, "/") ? dir : "", e->d_name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			warn("path too long below `%s'", dir);
			ret = -1;
			break;
		}
		c.path = path;
		if (fstatat(fd, e->d_name, &c.st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISCHR(c.st.st_mode) && c.st.st_rdev == makedev(0, 0)) {
			c.kind = CHANGE_DELETED;
			ret = w->fn(&c, w->ctx);
			continue;
		}
		lower = in_lower(path);
		if (skeleton && host_entry(w, &c, lower))
			continue;
		if (S_ISDIR(c.st.st_mode)) {
			_cleanup_close_ int sub =
				openat(fd, e->d_name,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);

			if (sub < 0) {
				warn_errno("cannot open the upper of `%s'",
					   path);
				ret = -1;
				break;
			}
			if (!lower || is_opaque(sub)) {
				c.kind = lower ? CHANGE_REPLACED : CHANGE_ADDED;
				ret = w->fn(&c, w->ctx);
			}
			if (ret == 0)
				ret = walk_dir(w, sub, path, false);
			continue;
		}
		c.kind = lower ? CHANGE_CHANGED : CHANGE_ADDED;
		ret = w->fn(&c, w->ctx);
	}
	closedir(d);
	if (ret == 0 && skeleton) {
		struct deleted_in del = { .w = w, .fd = fd };

		if (fstat(fd, &del.st) == 0)
			ret = points_each_deleted(&w->points, dir, fd,
						  deleted_link, &del);
	}
	return ret;
}

/* Every overlay's upper and kept skeleton directory of s. */
static int walk_units(const struct state *s, struct walker *w)
{
	static const char *const kinds[] = { "upper", "skel" };

	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < 2; k++) {
			char rel[STATE_KEY_MAX + 8];
			_cleanup_close_ int fd = -1;
			int ret;

			snprintf(rel, sizeof(rel), "%s/%s", kinds[k],
				 s->v[i].key);
			fd = openat(s->dirfd, rel,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
			if (fd < 0 && errno == ENOENT)
				continue;
			if (fd < 0) {
				warn_errno("cannot open `%s/%s'", s->dir, rel);
				return -1;
			}
			ret = walk_dir(w, fd, s->v[i].path, k == 1);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int changes_walk(const struct state *s, change_fn fn, void *ctx)
{
	struct walker w = { .fn = fn, .ctx = ctx };
	int ret = points_load(s, &w.points);

	if (ret == 0)
		ret = walk_units(s, &w);
	points_free(&w.points);
	return ret;
}

static const char *type_name(mode_t m)
{
	return S_ISDIR(m)    ? "directory"
	       : S_ISREG(m)  ? "file"
	       : S_ISLNK(m)  ? "symlink"
	       : S_ISCHR(m)  ? "char-device"
	       : S_ISBLK(m)  ? "block-device"
	       : S_ISFIFO(m) ? "fifo"
	       : S_ISSOCK(m) ? "socket"
			     : "unknown";
}

static int print_one(const struct change *c, void *ctx)
{
	const bool *json = ctx;

	if (*json) {
		fputs("{\"path\":", stdout);
		escape_json(stdout, c->path);
		printf(",\"change\":\"%s\"", change_name(c->kind));
		if (c->kind != CHANGE_DELETED)
			printf(",\"type\":\"%s\"", type_name(c->st.st_mode));
		fputs("}\n", stdout);
	} else {
		const char letter[] = { 'A', 'C', 'D', 'R' };

		/* A newline in a name must not forge a line. */
		printf("%c ", letter[c->kind]);
		escape_c(stdout, c->path);
		putchar('\n');
	}
	return 0;
}

int changes_print(const struct state *s, bool json)
{
	int ret = changes_walk(s, print_one, &json);

	if (fflush(stdout) != 0) {
		warn_errno("write error");
		return -1;
	}
	return ret;
}

/* --- the OCI layer --- */

/* libarchive and what it pulls in (a dozen compression and crypto
 * libraries) cost 2.6 ms at every start when linked: it is loaded only
 * when a layer is exported. */
#define LIBARCHIVE "libarchive.so.13"
#define ARCHIVE_FUNCS(X)                                                       \
	X(archive_write_new)                                                   \
	X(archive_write_set_format_pax_restricted)                             \
	X(archive_write_set_bytes_in_last_block)                               \
	X(archive_write_open_fd)                                               \
	X(archive_write_header)                                                \
	X(archive_write_data)                                                  \
	X(archive_write_close)                                                 \
	X(archive_write_free)                                                  \
	X(archive_error_string)                                                \
	X(archive_entry_new)                                                   \
	X(archive_entry_free)                                                  \
	X(archive_entry_clear)                                                 \
	X(archive_entry_set_pathname)                                          \
	X(archive_entry_set_mode)                                              \
	X(archive_entry_set_uid)                                               \
	X(archive_entry_set_gid)                                               \
	X(archive_entry_set_mtime)                                             \
	X(archive_entry_set_size)                                              \
	X(archive_entry_set_symlink)

static struct {
#define DECLARE(f) __typeof__(f) *f;
	ARCHIVE_FUNCS(DECLARE)
#undef DECLARE
} la;

static int load_libarchive(void)
{
	void *h = dlopen(LIBARCHIVE, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		warn("cannot load %s (package libarchive13): %s", LIBARCHIVE,
		     dlerror());
		return -1;
	}
#define LOAD(f)                                                                \
	if (!(*(void **)&la.f = dlsym(h, #f))) {                               \
		warn("%s has no %s", LIBARCHIVE, #f);                          \
		return -1;                                                     \
	}
	ARCHIVE_FUNCS(LOAD)
#undef LOAD
	return 0;
}

struct exporter {
	struct archive *a;
	struct archive_entry *e;
};

static int add_header(struct exporter *x, const char *name, mode_t mode,
		      const struct stat *st, off_t size)
{
	la.archive_entry_clear(x->e);
	la.archive_entry_set_pathname(x->e, name);
	la.archive_entry_set_mode(x->e, mode);
	la.archive_entry_set_uid(x->e, st->st_uid);
	la.archive_entry_set_gid(x->e, st->st_gid);
	la.archive_entry_set_mtime(x->e, st->st_mtim.tv_sec,
				   st->st_mtim.tv_nsec);
	la.archive_entry_set_size(x->e, size);
	if (la.archive_write_header(x->a, x->e) != ARCHIVE_OK) {
		warn("cannot write the layer entry `%s': %s", name,
		     la.archive_error_string(x->a));
		return -1;
	}
	return 0;
}

/* An empty regular file: a whiteout or an opaque marker. */
static int add_marker(struct exporter *x, const char *dir, const char *name,
		      const struct stat *st)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s%s", dir, *dir ? "/" : "",
			 name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	return add_header(x, path, S_IFREG | 0644, st, 0);
}

static int add_file_data(struct exporter *x, const struct change *c)
{
	_cleanup_close_ int fd =
		openat(c->dirfd, c->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[65536];
	off_t left = c->st.st_size;

	if (fd < 0) {
		warn_errno("cannot open the upper of `%s'", c->path);
		return -1;
	}
	while (left > 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0) {
			warn("`%s' changed while being exported", c->path);
			return -1;
		}
		if (n > left)
			n = (ssize_t)left;
		if (la.archive_write_data(x->a, buf, (size_t)n) != n) {
			warn("cannot write the layer: %s",
			     la.archive_error_string(x->a));
			return -1;
		}
		left -= n;
	}
	return 0;
}

static int export_one(const struct change *c, void *ctx)
{
	struct exporter *x = ctx;
	const char *rel = c->path + 1; /* layers hold relative names */
	char dir[PATH_MAX];
	const char *slash = strrchr(rel, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - rel) : 0, rel);
	switch (c->kind) {
	case CHANGE_DELETED: {
		char wh[NAME_MAX + 8];

		snprintf(wh, sizeof(wh), ".wh.%s", c->name);
		return add_marker(x, dir, wh, &c->st);
	}
	case CHANGE_REPLACED:
		if (add_header(x, rel, c->st.st_mode, &c->st, 0) < 0)
			return -1;
		return add_marker(x, rel, ".wh..wh..opq", &c->st);
	case CHANGE_ADDED:
	case CHANGE_CHANGED:
		break;
	}
	if (S_ISREG(c->st.st_mode)) {
		if (add_header(x, rel, c->st.st_mode, &c->st, c->st.st_size) <
		    0)
			return -1;
		return add_file_data(x, c);
	}
	if (S_ISLNK(c->st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(c->dirfd, c->name, target,
				       sizeof(target) - 1);

		if (n < 0) {
			warn_errno("cannot read the link `%s'", c->path);
			return -1;
		}
		target[n] = '\0';
		la.archive_entry_clear(x->e);
		la.archive_entry_set_pathname(x->e, rel);
		la.archive_entry_set_mode(x->e, S_IFLNK | 0777);
		la.archive_entry_set_symlink(x->e, target);
		la.archive_entry_set_uid(x->e, c->st.st_uid);
		la.archive_entry_set_gid(x->e, c->st.st_gid);
		la.archive_entry_set_mtime(x->e, c->st.st_mtim.tv_sec,
					   c->st.st_mtim.tv_nsec);
		if (la.archive_write_header(x->a, x->e) != ARCHIVE_OK) {
			warn("cannot write the layer entry `%s': %s", rel,
			     la.archive_error_string(x->a));
			return -1;
		}
		return 0;
	}
	if (S_ISDIR(c->st.st_mode))
		return add_header(x, rel, c->st.st_mode, &c->st, 0);
	warn("`%s': a %s is not exported", c->path, type_name(c->st.st_mode));
	return 0;
}

int changes_export(const struct state *s, int fd)
{
	struct exporter x;
	int ret;

	if (load_libarchive() < 0)
		return -1;
	x.a = la.archive_write_new();
	x.e = la.archive_entry_new();
	if (!x.a || !x.e)
		die("out of memory");
	la.archive_write_set_format_pax_restricted(x.a);
	la.archive_write_set_bytes_in_last_block(x.a, 1);
	if (la.archive_write_open_fd(x.a, fd) != ARCHIVE_OK) {
		warn("cannot write the layer: %s",
		     la.archive_error_string(x.a));
		return -1;
	}
	ret = changes_walk(s, export_one, &x);
	if (la.archive_write_close(x.a) != ARCHIVE_OK) {
		warn("cannot finish the layer: %s",
		     la.archive_error_string(x.a));
		ret = -1;
	}
	la.archive_entry_free(x.e);
	la.archive_write_free(x.a);
	return ret;
}
