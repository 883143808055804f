// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * become-root: run a command in a new user namespace in which the caller is
 * root and all of its subordinate uid and gid ranges are mapped.
 *
 *   main.c       options and the sequence of steps, top to bottom
 *   plan.c       which maps: subordinate ranges, helpers, or the fallback
 *   idmap.c      the map extents and their text (pure logic)
 *   mapwriter.c  newuidmap + newgidmap (or root itself) writing both maps
 *                in parallel, from outside the new namespace
 *   userns.c     why the kernel refused a namespace
 *   supervise.c  the fork a PID or time namespace needs; signal forwarding
 *   pidfile.c    --pid-file, written atomically
 *   run.c        a fresh /proc, the fds to pass on, exec
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fd.h"
#include "io.h"
#include "log.h"
#include "parse.h"
#include "pidfile.h"
#include "plan.h"
#include "run.h"
#include "supervise.h"
#include "userns.h"

/* Exit statuses of our own, as env(1) and podman use them. */
#define EXIT_SETUP 125

struct options {
	int ns_flags;
	bool mount_proc;
	bool keep_id;
	bool require_subids;
	bool quiet;
	const char *pid_file;
	int ready_fd;
	unsigned int preserve_fds;
	char **command;
};

/* What the process that will run the command announces about itself. */
struct announce_ctx {
	const struct options *opts;
	struct pidfile *pidfile;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: become-root [OPTION]... [--] [COMMAND [ARG]...]\n"
		"Run COMMAND (default: $SHELL, else /bin/sh) in a new user "
		"namespace\n"
		"in which the caller is root and all of its subordinate uid "
		"and gid\n"
		"ranges (/etc/subuid, /etc/subgid) are mapped contiguously "
		"from 1.\n"
		"\n"
		"  -m, --mount            new mount namespace (mounts made "
		"private)\n"
		"  -n, --net              new network namespace\n"
		"  -p, --pid              new PID namespace: COMMAND is its "
		"PID 1\n"
		"  -i, --ipc              new IPC namespace\n"
		"  -u, --uts              new UTS namespace\n"
		"  -C, --cgroup           new cgroup namespace\n"
		"  -T, --time             new time namespace\n"
		"      --mount-proc       mount a fresh /proc (implies --mount "
		"--pid)\n"
		"      --keep-id          map the caller to its own uid and "
		"gid, not 0\n"
		"      --require-subids   fail rather than map only the "
		"caller's ids\n"
		"      --pid-file=PATH    write the host PID of the process "
		"running\n"
		"                         COMMAND to PATH\n"
		"      --ready-fd=N       write one byte to fd N once the maps "
		"are set\n"
		"      --preserve-fds=N   pass fds 3 .. 3+N-1 to COMMAND\n"
		"  -q, --quiet            no warning when falling back to one "
		"id\n"
		"  -v, --verbose          print the maps written\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"Environment: NEWUIDMAP and NEWGIDMAP name other map helpers.\n"
		"Exit status: COMMAND's, 128+N if it was killed by signal N, "
		"125 if\n"
		"become-root failed, 126 if COMMAND cannot run, 127 if not "
		"found.\n");
}

enum {
	OPT_KEEP_ID = 256,
	OPT_REQUIRE_SUBIDS,
	OPT_MOUNT_PROC,
	OPT_PID_FILE,
	OPT_READY_FD,
	OPT_PRESERVE_FDS,
};

static const struct option longopts[] = {
	{ "mount", no_argument, NULL, 'm' },
	{ "net", no_argument, NULL, 'n' },
	{ "pid", no_argument, NULL, 'p' },
	{ "ipc", no_argument, NULL, 'i' },
	{ "uts", no_argument, NULL, 'u' },
	{ "cgroup", no_argument, NULL, 'C' },
	{ "time", no_argument, NULL, 'T' },
	{ "mount-proc", no_argument, NULL, OPT_MOUNT_PROC },
	{ "keep-id", no_argument, NULL, OPT_KEEP_ID },
	{ "require-subids", no_argument, NULL, OPT_REQUIRE_SUBIDS },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "ready-fd", required_argument, NULL, OPT_READY_FD },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The short option of each namespace type, and its clone flag. */
static const struct {
	char opt;
	int flag;
} ns_options[] = {
	{ 'm', CLONE_NEWNS },	{ 'n', CLONE_NEWNET }, { 'p', CLONE_NEWPID },
	{ 'i', CLONE_NEWIPC },	{ 'u', CLONE_NEWUTS }, { 'C', CLONE_NEWCGROUP },
	{ 'T', CLONE_NEWTIME },
};

static int ns_flag_of(int opt)
{
	size_t i;

	for (i = 0; i < sizeof(ns_options) / sizeof(ns_options[0]); i++)
		if (ns_options[i].opt == opt)
			return ns_options[i].flag;
	return 0;
}

static void parse_options(struct options *o, int argc, char **argv)
{
	uint32_t n;
	int c;

	/* '+': options end at COMMAND, whose own options are its own. */
	while ((c = getopt_long(argc, argv, "+mnpiuCTqvhV", longopts, NULL)) !=
	       -1) {
		if (ns_flag_of(c)) {
			o->ns_flags |= ns_flag_of(c);
			continue;
		}
		switch (c) {
		case OPT_MOUNT_PROC:
			o->mount_proc = true;
			o->ns_flags |= CLONE_NEWNS | CLONE_NEWPID;
			break;
		case OPT_KEEP_ID:
			o->keep_id = true;
			break;
		case OPT_REQUIRE_SUBIDS:
			o->require_subids = true;
			break;
		case OPT_PID_FILE:
			if (!*optarg) {
				warn("--pid-file: empty path");
				die_usage();
			}
			o->pid_file = optarg;
			break;
		case OPT_READY_FD:
			if (parse_fd(optarg, &o->ready_fd) < 0) {
				warn("--ready-fd: `%s` is not a "
				     "file descriptor number",
				     optarg);
				die_usage();
			}
			break;
		case OPT_PRESERVE_FDS:
			if (parse_u32(optarg, &n) < 0 || n > 1024 * 1024) {
				warn("--preserve-fds: `%s` is not a number of "
				     "fds",
				     optarg);
				die_usage();
			}
			o->preserve_fds = n;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			log_set_verbose(true);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("become-root %s\n", PROJECT_VERSION);
			exit(0);
		default:
			die_usage();
		}
	}
	o->command = argv + optind;
}

static void check_fds(const struct options *o)
{
	unsigned int i;

	if (o->ready_fd >= 0 && !fd_is_open(o->ready_fd))
		die("--ready-fd: fd %d is not open", o->ready_fd);
	for (i = 0; i < o->preserve_fds; i++)
		if (!fd_is_open(3 + (int)i))
			die("--preserve-fds=%u: fd %u is not open",
			    o->preserve_fds, 3 + i);
}

static void plan_or_die(struct map_plan *plan, const struct options *o)
{
	struct passwd *pw;
	struct caller c = { .uid = getuid(), .gid = getgid() };
	char reason[512];

	pw = getpwuid(c.uid);
	if (pw && !(c.name = strdup(pw->pw_name)))
		die_errno("strdup");
	switch (plan_mappings(plan, &c, o->keep_id, o->quiet, reason,
			      sizeof(reason))) {
	case PLAN_FULL:
		break;
	case PLAN_FALLBACK:
		if (o->require_subids)
			die("%s (--require-subids)", reason);
		if (!o->quiet)
			warn("%s: mapping only uid %u and gid %u%s", reason,
			     (unsigned int)c.uid, (unsigned int)c.gid,
			     plan->method == MAP_SELF ? " (setgroups denied)"
						      : "");
		break;
	case PLAN_ERROR:
		die("%s", reason);
	}
	free((char *)c.name);
}

static void debug_maps(const struct map_plan *plan)
{
	char text[IDMAP_MAX_TEXT + 1];

	if (!log_verbose())
		return;
	if (idmap_format(&plan->uid, text, sizeof(text)) > 0)
		debug("uid_map:\n%.*s", (int)strlen(text) - 1, text);
	if (idmap_format(&plan->gid, text, sizeof(text)) > 0)
		debug("gid_map:\n%.*s", (int)strlen(text) - 1, text);
}

/* unshare() and the maps, in the only order that works: the writers must
 * exist in the parent namespace before we leave it. */
static void enter_namespaces(const struct map_plan *plan, int ns_flags)
{
	int flags = CLONE_NEWUSER | ns_flags;
	struct map_writers writers;
	char why[256];

	if (plan->method != MAP_SELF &&
	    mapwriter_start(&writers, plan, getpid()) < 0)
		die_errno("fork the map writers");
	if (unshare(flags) < 0) {
		int err = errno;

		if (plan->method != MAP_SELF)
			mapwriter_abort(&writers);
		userns_explain(err, flags, why, sizeof(why));
		die("cannot create the namespaces: %s", why);
	}
	if (plan->method == MAP_SELF) {
		if (mapwriter_write_self(plan) < 0)
			die("cannot write the maps of the new user namespace");
	} else if (mapwriter_finish(&writers, plan) < 0) {
		die("cannot write the maps of the new user namespace");
	}
	/* Mount events must not leak back to the host's mount namespace. */
	if ((ns_flags & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno("make the mounts private");
}

static void announce(pid_t pid, void *ctx_)
{
	const struct announce_ctx *ctx = ctx_;
	const struct options *o = ctx->opts;

	if (o->pid_file && pidfile_write(ctx->pidfile, pid) < 0)
		die_errno("write the pid file `%s`", o->pid_file);
	pidfile_close(ctx->pidfile);
	if (o->ready_fd >= 0) {
		if (write_all(o->ready_fd, "1", 1) < 0)
			die_errno("--ready-fd: write to fd %d", o->ready_fd);
		/* Close it unless it is also passed on to the command. */
		if (o->ready_fd < 3 ||
		    (unsigned int)o->ready_fd >= 3 + o->preserve_fds)
			close_quietly(o->ready_fd);
	}
}

int main(int argc, char **argv)
{
	struct options opts = { .ready_fd = -1 };
	struct pidfile pidfile = PIDFILE_INIT;
	struct announce_ctx ctx = { &opts, &pidfile };
	struct map_plan *plan;
	char *shell[2];

	log_init("become-root");
	log_set_die_status(EXIT_SETUP);
	parse_options(&opts, argc, argv);
	if (fd_ensure_stdio() < 0)
		die_errno("open /dev/null");
	/* Nothing inherited reaches a helper or the command unless asked. */
	if (fd_cloexec_from(3) < 0)
		die_errno("mark inherited fds close-on-exec");
	check_fds(&opts);
	/* no_new_privs is not set: newuidmap and newgidmap are setuid, and
	 * nested containers inside need them too. */
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		die_errno("calloc");
	plan_or_die(plan, &opts);
	debug_maps(plan);
	if (opts.pid_file && pidfile_prepare(&pidfile, opts.pid_file) < 0)
		die_errno("--pid-file `%s`", opts.pid_file);
	enter_namespaces(plan, opts.ns_flags);
	free(plan);

	/* Only children enter a new PID or time namespace. */
	if (opts.ns_flags & (CLONE_NEWPID | CLONE_NEWTIME))
		supervise_fork(announce, &ctx);
	else
		announce(getpid(), &ctx);

	if (opts.mount_proc && run_mount_proc() < 0)
		die_errno("mount a new /proc");
	if (!*opts.command) {
		const char *sh = getenv("SHELL");

		shell[0] = sh && *sh ? (char *)sh : "/bin/sh";
		shell[1] = NULL;
		opts.command = shell;
	}
	run_command(opts.command, opts.preserve_fds);
}
