// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "io.h"
#include "log.h"
#include "net.h"
#include "points.h"
#include "rootfs.h"
#include "session.h"
#include "syncpipe.h"

#define EXIT_SETUP 125

/* The caller keeps its own uid and gid inside. */
static int map_self(uid_t uid, gid_t gid)
{
	char line[64];

	snprintf(line, sizeof(line), "%u %u 1\n", uid, uid);
	if (write_text_file("/proc/self/uid_map", line) < 0)
		return -1;
	if (write_text_file("/proc/self/setgroups", "deny") < 0 &&
	    errno != ENOENT)
		return -1;
	snprintf(line, sizeof(line), "%u %u 1\n", gid, gid);
	return write_text_file("/proc/self/gid_map", line);
}

static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

/* A detached tmpfs (the new root, or the discarded session's storage). */
static int new_tmpfs(const char *what)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	int mnt;

	if (fs < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		warn_errno("cannot create a tmpfs for %s", what);
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		warn_errno("cannot mount a tmpfs for %s", what);
	return mnt;
}

/* Put the detached mount mnt at path of the new root. */
static int attach(int mnt, int root, const char *path)
{
	if (move_mount(mnt, "", root, rel(path), MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		warn_errno("cannot mount on `%s' in the session", path);
		return -1;
	}
	return 0;
}

/* What host_tree(), place_host() and overlay() return, unreported, for an
 * entry of a host directory that is gone since the plan listed it. */
#define HOST_GONE (-2)

/* A detached clone of the host's source (with the mounts below it if
 * recursive), read-only if asked. An entry planned from a host directory
 * (planned) is taken as it was listed, never through a symbolic link, and
 * may be gone by now: HOST_GONE. */
static int host_tree(const char *source, bool readonly, bool recursive,
		     bool planned)
{
	unsigned int rec = recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int mnt =
		open_tree(AT_FDCWD, source,
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec |
				  (planned ? AT_SYMLINK_NOFOLLOW : 0));
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (mnt < 0) {
		if (planned && errno == ENOENT)
			return HOST_GONE;
		warn_errno("cannot bind `%s'", source);
		return -1;
	}
	if (readonly && mount_setattr(mnt, "", AT_EMPTY_PATH | rec, &attr,
				      sizeof(attr)) < 0) {
		warn_errno("cannot make `%s' read-only", source);
		return -1;
	}
	return steal_fd(&mnt);
}

/* A detached overlay of lowerdir (overlayfs syntax) for what; storage
 * holds its upper/KEY and work/KEY. */
static int overlay_mount(const char *lowerdir, int storage, const char *key,
			 const char *what)
{
	char upper[96], work[96];
	_cleanup_close_ int fs = -1;
	int mnt;

	snprintf(upper, sizeof(upper), "upper/%s", key);
	snprintf(work, sizeof(work), "work/%s", key);
	if ((mkdirat(storage, upper, 0755) < 0 && errno != EEXIST) ||
	    (mkdirat(storage, work, 0700) < 0 && errno != EEXIST)) {
		warn_errno("cannot create the upper of `%s'", what);
		return -1;
	}
	snprintf(upper, sizeof(upper), "/proc/self/fd/%d/upper/%s", storage,
		 key);
	snprintf(work, sizeof(work), "/proc/self/fd/%d/work/%s", storage, key);
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lowerdir, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		warn_errno("cannot overlay `%s'", what);
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		warn_errno("cannot mount the overlay of `%s'", what);
	return mnt;
}

/* Put mnt, a clone of u's host entry, at u's place in root. The clone of
 * an entry removed from the host since cannot be attached (ENOENT): it is
 * left out, with its mount point if made for it (made). */
static int place_host(int mnt, int root, const struct unit *u, bool made)
{
	struct stat st;

	if (move_mount(mnt, "", root, rel(u->path), MOVE_MOUNT_F_EMPTY_PATH) ==
	    0)
		return 0;
	if (errno == ENOENT && fstat(mnt, &st) == 0 && st.st_nlink == 0) {
		if (made)
			unlinkat(root, rel(u->path),
				 S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
		return HOST_GONE;
	}
	warn_errno("cannot mount on `%s' in the session", u->path);
	return -1;
}

/* Make u's mount point in root, a directory or an empty file: 1 when
 * made, 0 when there already (a resumed session finds those of its kept
 * skeletons, --root finds the tree's own), -1 on failure. */
static int mount_point(int root, const struct unit *u, bool dir)
{
	int fd;

	if (dir && mkdirat(root, rel(u->path), u->mode) == 0)
		return 1;
	if (!dir) {
		fd = openat(root, rel(u->path),
			    O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, u->mode);
		if (fd >= 0) {
			close_quietly(fd);
			return 1;
		}
	}
	if (errno == EEXIST)
		return 0;
	warn_errno("cannot create `%s' in the session", u->path);
	return -1;
}

/* A host entry of the plan, bound at its place in root (0, -1 or
 * HOST_GONE). */
static int bind_planned(int root, const struct unit *u, bool readonly,
			bool recursive)
{
	_cleanup_close_ int mnt = host_tree(u->path, readonly, recursive, true);
	int made;

	if (mnt < 0)
		return mnt;
	made = mount_point(root, u, u->kind != UNIT_FILE);
	return made < 0 ? -1 : place_host(mnt, root, u, made);
}

/* The overlay of one unit, at its place in root. The lower is given by
 * fd: overlayfs splits a lowerdir at ':' and ',', which any directory's
 * name may hold. */
static int overlay(int root, const struct unit *u, int storage, const char *key)
{
	_cleanup_close_ int dir =
		open(u->path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int mnt = -1;
	char lower[32];

	if (dir < 0) {
		if (errno == ENOENT)
			return HOST_GONE;
		warn_errno("cannot open `%s'", u->path);
		return -1;
	}
	if (mount_point(root, u, true) < 0)
		return -1;
	snprintf(lower, sizeof(lower), "/proc/self/fd/%d", dir);
	mnt = overlay_mount(lower, storage, key, u->path);
	return mnt < 0 ? -1 : attach(mnt, root, u->path);
}

bool session_unit_kept(const struct unit *u)
{
	return u->kind == UNIT_OVERLAY ||
	       (u->kind == UNIT_DIR && u->writable && strcmp(u->path, "/"));
}

/* A skeleton directory the caller may write in, in a kept session: what
 * the session creates in it lives in the state (skel/KEY), under the
 * mounts of the entries planned on their own, whose mount points stay
 * there (recorded as the host's: points.h). */
static int keep_skeleton(int root, const struct unit *u, int storage,
			 const char *key)
{
	char dir[STATE_KEY_MAX + 8];
	_cleanup_close_ int mnt = -1;

	snprintf(dir, sizeof(dir), "skel/%s", key);
	if (mkdir_p_at(storage, dir, u->mode) < 0) {
		warn_errno("cannot create the session's `%s'", dir);
		return -1;
	}
	mnt = open_tree(storage, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (mnt < 0) {
		warn_errno("cannot bind the session's `%s'", dir);
		return -1;
	}
	return attach(mnt, root, u->path);
}

/* For each unit of p, the innermost skeleton directory kept in the
 * state that holds it, or NULL. Kept skeletons are few (/tmp, home): each
 * unit is compared with those only. */
static const struct unit **kept_skeletons_of(const struct plan *p)
{
	const struct unit **of = calloc(p->n + 1, sizeof(*of));
	_cleanup_free_ const struct unit **kept =
		calloc(p->n + 1, sizeof(*kept));
	size_t n_kept = 0;

	if (!of || !kept)
		die("out of memory");
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == UNIT_DIR && session_unit_kept(&p->v[i]))
			kept[n_kept++] = &p->v[i];
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < n_kept; k++)
			if (is_below(p->v[i].path, kept[k]->path, false) &&
			    (!of[i] ||
			     strlen(kept[k]->path) > strlen(of[i]->path)))
				of[i] = kept[k];
	return of;
}

/* A directory of a kept skeleton lives in the state, where a mode without
 * write permission would stay and keep the caller from removing the
 * state: it is sealed by a read-only mount of itself instead (with the
 * mounts below it, which keep their own modes). */
static int seal_by_mount(int root, const struct unit *u)
{
	_cleanup_close_ int mnt =
		open_tree(root, rel(u->path),
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (mnt < 0 ||
	    mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		warn_errno("cannot protect `%s' in the session", u->path);
		return -1;
	}
	return attach(mnt, root, u->path);
}

/* Skeleton directories the caller may not write in on the host are the
 * caller's in the new root: made read-only, as on the host, once every
 * mount point in them exists. kept_of: kept_skeletons_of(), or NULL when
 * the session is not kept. */
static int seal_skeletons(int root, const struct plan *p,
			  const struct unit *const *kept_of,
			  const bool *left_out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct unit *u = &p->v[i];

		if (u->kind != UNIT_DIR || u->writable || left_out[i])
			continue;
		if (kept_of && kept_of[i]) {
			if (seal_by_mount(root, u) < 0)
				return -1;
		} else if (fchmodat(root, rel(u->path), u->mode & ~0222, 0) <
			   0) {
			warn_errno("cannot protect `%s' in the session",
				   u->path);
			return -1;
		}
	}
	return 0;
}

/* The end of a unit (ret: 0, -1 or HOST_GONE). A skeleton's entries are
 * planned one by one, and in a busy /tmp some go away before the session
 * is built: those are left out (1), not a failure. */
static int unit_done(const struct unit *u, int ret)
{
	if (ret != HOST_GONE)
		return ret < 0 ? -1 : 0;
	debug("`%s' is gone from the host: left out", u->path);
	return 1;
}

/* One unit in root: 0 when built, 1 when left out, -1 on failure. */
static int build_unit(int root, const struct unit *u, int storage,
		      struct state *state, size_t index)
{
	char key[STATE_KEY_MAX + 24];
	_cleanup_close_ int mnt = -1;

	switch (u->kind) {
	case UNIT_DIR:
		if (strcmp(u->path, "/") != 0 && mount_point(root, u, true) < 0)
			return -1;
		if (state && session_unit_kept(u))
			return keep_skeleton(root, u, storage,
					     state_key(state, u->path));
		return 0;
	case UNIT_LINK:
		if (symlinkat(u->source, root, rel(u->path)) < 0 &&
		    errno != EEXIST) {
			warn_errno("cannot create `%s' in the session",
				   u->path);
			return -1;
		}
		return 0;
	case UNIT_FILE:
		return unit_done(u, bind_planned(root, u, true, false));
	case UNIT_PASS:
	case UNIT_RO:
		return unit_done(
			u, bind_planned(root, u, u->kind == UNIT_RO, true));
	case UNIT_BIND:
		mnt = host_tree(u->source, false, true, false);
		return mnt < 0 ? -1 : attach(mnt, root, u->path);
	case UNIT_TMPFS:
		mnt = new_tmpfs(u->path);
		return mnt < 0 ? -1 : attach(mnt, root, u->path);
	case UNIT_OVERLAY:
		if (state)
			snprintf(key, sizeof(key), "%s",
				 state_key(state, u->path));
		else
			snprintf(key, sizeof(key), "u%zu", index);
		return unit_done(u, overlay(root, u, storage, key));
	}
	return -1;
}

/* Every unit of the plan in root but those left_out, then the skeletons
 * sealed. A unit left out while built (its host entry gone) is marked so,
 * and is in no kept skeleton (kept_of). */
static int build_units(const struct session *s, int root, int storage,
		       const struct unit **kept_of, bool *left_out)
{
	for (size_t i = 0; i < s->plan->n; i++) {
		int ret;

		if (left_out[i])
			continue;
		ret = build_unit(root, &s->plan->v[i], storage, s->state, i);
		if (ret < 0)
			return -1;
		if (ret == 1) {
			left_out[i] = true;
			if (kept_of)
				kept_of[i] = NULL;
		}
	}
	return seal_skeletons(root, s->plan, kept_of, left_out);
}

/* In a resumed session, the host's entries the session has replaced in
 * its kept skeletons are left out, with everything below them: a link it
 * deleted, and any entry where it has one of its own (the session's
 * entries win over the host's, as an overlay's upper over its lower). */
static void leave_out_replaced(const struct session *s, int storage,
			       const struct points *p,
			       const struct unit **kept_of, bool *left_out)
{
	/* the last unit left out that is not below another: units come
	 * parents first, so those below it follow it */
	const char *top = NULL;
	/* a skeleton's entries come together: its key looked up once */
	const struct unit *skeleton = NULL;
	const char *key = NULL;

	for (size_t i = 0; i < s->plan->n; i++) {
		const struct unit *u = &s->plan->v[i];
		bool below = top && is_below(u->path, top, false);

		/* --bind and --tmpfs are the caller's, not the host's */
		if (!kept_of[i] || u->kind == UNIT_BIND ||
		    u->kind == UNIT_TMPFS)
			continue;
		if (kept_of[i] != skeleton) {
			skeleton = kept_of[i];
			key = state_path_key(s->state, skeleton->path);
		}
		if (!below && !points_deleted(p, u->path) &&
		    !(key &&
		      points_taken(p, storage, key, kept_of[i]->path, u->path)))
			continue;
		debug("`%s' is the session's own: the host's left out",
		      u->path);
		kept_of[i] = NULL;
		left_out[i] = true;
		if (!below)
			top = u->path;
	}
}

/* The session's tree in root. A kept session's skeletons first lose the
 * host's entries of the last session (points.h), which are made again if
 * still there and not replaced by the session, and what is made is
 * recorded. */
static int build_tree(const struct session *s, int root, int storage)
{
	_cleanup_free_ const struct unit **kept_of =
		s->state ? kept_skeletons_of(s->plan) : NULL;
	_cleanup_free_ bool *left_out =
		calloc(s->plan->n + 1, sizeof(*left_out));
	struct points p;
	int ret;

	if (!left_out)
		die("out of memory");
	if (!s->state)
		return build_units(s, root, storage, NULL, left_out);
	if (points_load(s->state, &p) < 0)
		return -1;
	ret = points_note_deletions(s->state, storage, &p);
	if (ret == 0) {
		leave_out_replaced(s, storage, &p, kept_of, left_out);
		ret = points_clear(s->state, storage, &p, s->plan, kept_of);
	}
	points_free(&p);
	if (ret < 0 || build_units(s, root, storage, kept_of, left_out) < 0)
		return -1;
	return points_save(s->state, s->plan, kept_of);
}

/* pivot_root into root (attached first: pivot_root wants a mount of our
 * namespace), then the caller's directory. */
static int enter(int root, const char *cwd)
{
	const char *where = access("/tmp", F_OK) == 0 ? "/tmp" : "/mnt";

	if (move_mount(root, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH) <
		    0 ||
	    chdir(where) < 0) {
		warn_errno("cannot attach the session's root");
		return -1;
	}
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		warn_errno("pivot_root");
		return -1;
	}
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		warn_errno("cannot detach the old root");
		return -1;
	}
	if (cwd && chdir(cwd) < 0)
		warn_errno("cannot enter `%s' in the session: staying in /",
			   cwd);
	return 0;
}

/* A file of the storage tmpfs bound over the session's resolv.conf: with
 * --net the host's resolver (often 127.0.0.53) is not reachable. */
static int bind_resolv_conf(int root, int storage)
{
	int fd = openat(storage, "resolv.conf",
			O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	_cleanup_close_ int mnt = -1;

	if (fd < 0 ||
	    write_all(fd, NET_RESOLV_CONF, strlen(NET_RESOLV_CONF)) < 0) {
		warn_errno("cannot write the session's resolv.conf");
		if (fd >= 0)
			close_quietly(fd);
		return -1;
	}
	close_quietly(fd);
	if (faccessat(root, "etc/resolv.conf", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	mnt = open_tree(storage, "resolv.conf",
			OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (mnt < 0 || move_mount(mnt, "", root, "etc/resolv.conf",
				  MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		warn_errno("cannot mount the session's resolv.conf");
		return -1;
	}
	return 0;
}

/* Tell the parent c, and wait for its go-ahead. */
static int handshake(struct sync_pipe *up, struct sync_pipe *go, char c)
{
	char byte;

	return sync_pipe_signal(up, c) < 0 || sync_pipe_wait(go, &byte) < 0 ||
			       byte != 'G'
		       ? -1
		       : 0;
}

/* --root: the FUSE view of / (served by the parent once it is mounted)
 * under the seeded lock files, and the session's upper over both. */
static int root_tree(const struct session *s, int fuse_fd, int storage,
		     struct sync_pipe *up, struct sync_pipe *go)
{
	const char *key = s->state ? state_key(s->state, "/") : "root";
	/* The fd must then be the server's alone, so that its death ends
	 * the connection instead of hanging the session. */
	_cleanup_close_ int lower = rootfs_mount(fuse_fd);
	char lowers[128];

	close_quietly(fuse_fd);
	if (lower < 0 || handshake(up, go, 'M') < 0 ||
	    rootfs_prepare(storage, key) < 0)
		return -1;
	snprintf(lowers, sizeof(lowers),
		 "/proc/self/fd/%d/seed/%s:/proc/self/fd/%d", storage, key,
		 lower);
	return overlay_mount(lowers, storage, key, "/");
}

/* In the session's new namespaces from its start (see spawn_session). */
_Noreturn static void child(const struct session *s, uid_t uid, gid_t gid,
			    pid_t parent, struct sync_pipe *up,
			    struct sync_pipe *go, int fuse_fd)
{
	_cleanup_close_ int root = -1, storage = -1;

	if (!s->root && map_self(uid, gid) < 0) {
		warn_errno("cannot write the id maps of the session");
		_exit(EXIT_SETUP);
	}
	/* With --net the parent starts slirp4netns for our namespaces now,
	 * and says when the network is up. */
	if (s->net && handshake(up, go, 'N') < 0)
		_exit(EXIT_SETUP);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		warn_errno("cannot make the mounts private");
		_exit(EXIT_SETUP);
	}
	if (s->state) {
		/* Opened again from inside: overlayfs takes an upper only from
		 * a mount of the namespace it is mounted in, and the state's
		 * fd was opened in the caller's. */
		storage =
			open(s->state->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (storage < 0)
			warn_errno("cannot open `%s'", s->state->dir);
	} else {
		storage = new_tmpfs("the session's changes");
		if (storage >= 0 && (mkdirat(storage, "upper", 0755) < 0 ||
				     mkdirat(storage, "work", 0700) < 0))
			storage = -1;
	}
	if (storage < 0)
		_exit(EXIT_SETUP);
	if (s->root)
		root = root_tree(s, fuse_fd, storage, up, go);
	else
		root = new_tmpfs("the session's root");
	if (root < 0)
		_exit(EXIT_SETUP);
	if (build_tree(s, root, storage) < 0)
		_exit(EXIT_SETUP);
	if (s->net && bind_resolv_conf(root, storage) < 0)
		_exit(EXIT_SETUP);
	if (enter(root, s->cwd) < 0)
		_exit(EXIT_SETUP);
	/* The session dies with overlay-session (kill -9 included). Set
	 * last: a change of credentials, such as entering the new user
	 * namespace, clears it; and the parent may be gone already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(EXIT_SETUP);
	execvp(s->argv[0], s->argv);
	{
		int err = errno;

		warn_errno("cannot run `%s'", s->argv[0]);
		_exit(err == ENOENT ? 127 : 126);
	}
}

/* fork(), with the child born in the session's namespaces: the raw clone
 * system call, as bubblewrap makes its sandbox. glibc's fork() cannot
 * create namespaces, and its clone() runs the child on a stack of our own,
 * which AddressSanitizer does not know (it warns, and may report falsely).
 * Skipping fork()'s atfork handlers is safe: the caller has one thread.
 * unshare() in a fork() child would fail under ThreadSanitizer, whose
 * fork() starts a thread in the child (a new user namespace wants a
 * single-threaded caller); made here, make check-threads can run --root's
 * threaded FUSE server. */
static pid_t spawn_session(const struct session *s)
{
	/* --root: already root of become-root's user namespace */
	unsigned long flags = SIGCHLD | CLONE_NEWNS |
			      (s->root ? 0 : CLONE_NEWUSER) |
			      (s->net ? CLONE_NEWNET : 0);

#if defined(__s390__) || defined(__CRIS__)
	return (pid_t)syscall(SYS_clone, NULL, flags); /* arguments swapped */
#else
	return (pid_t)syscall(SYS_clone, flags, NULL);
#endif
}

static pid_t session_pid;

static void forward(int sig)
{
	if (session_pid > 0)
		kill(session_pid, sig);
}

int session_run(const struct session *s)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t self = getpid();
	struct sigaction sa = { .sa_handler = forward };
	struct sync_pipe up = SYNC_PIPE_INIT, go = SYNC_PIPE_INIT;
	struct net net = { .pid = -1, .exit_wr = -1 };
	int status, fuse_fd = -1;
	pid_t pid, daemon = -1;

	if ((s->net || s->root) &&
	    (sync_pipe_open(&up) < 0 || sync_pipe_open(&go) < 0))
		die_errno("pipe");
	if (s->root) {
		fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
		if (fuse_fd < 0)
			die_status(EXIT_SETUP, "--root needs /dev/fuse: %s",
				   strerror(errno));
	}
	/* A terminal's ^C reaches the whole process group: the session gets
	 * it from the terminal, not twice. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	fflush(NULL);
	pid = spawn_session(s);
	if (pid < 0) {
		warn_errno("cannot create a user and mount namespace (are "
			   "unprivileged user namespaces allowed? "
			   "kernel.unprivileged_userns_clone, "
			   "user.max_user_namespaces)");
		return EXIT_SETUP;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		sync_pipe_close_rd(&up);
		sync_pipe_close_wr(&go);
		child(s, uid, gid, self, &up, &go, fuse_fd);
	}
	session_pid = pid;
	if (s->net || s->root) {
		char byte;

		sync_pipe_close_wr(&up);
		sync_pipe_close_rd(&go);
		/* The child is in its namespaces once it says so; if it
		 * failed, it is gone and the wait fails. */
		if (s->net && sync_pipe_wait(&up, &byte) == 0 && byte == 'N' &&
		    net_start(&net, pid) == 0)
			sync_pipe_signal(&go, 'G');
		/* --root: the fuse mount exists; serve it */
		if (s->root && sync_pipe_wait(&up, &byte) == 0 && byte == 'M' &&
		    (daemon = rootfs_daemon_start(fuse_fd)) > 0)
			sync_pipe_signal(&go, 'G');
		sync_pipe_close(&up);
		sync_pipe_close(&go);
	}
	if (fuse_fd >= 0)
		close_quietly(fuse_fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	rootfs_daemon_stop(daemon);
	net_stop(&net);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
