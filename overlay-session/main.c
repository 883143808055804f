// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * overlay-session: fork the running system into a disposable copy-on-write
 * session, in a user and mount namespace of the caller's own.
 *
 *   main.c     options and the sequence of steps, top to bottom
 *   layout.c   the visible tree cut into overlays, skeleton and binds
 *   session.c  the namespaces, the new root, pivot_root, the command
 *   state.c    a kept session's directory; lower.c what its lower was
 *   changes.c  what a session changed: --changes, --export-layer
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "changes.h"
#include "cleanup.h"
#include "helper.h"
#include "log.h"
#include "lower.h"
#include "mountinfo.h"
#include "layout.h"
#include "rootfs.h"
#include "session.h"
#include "state.h"

#define EXIT_SETUP 125

enum mode { MODE_RUN, MODE_CHANGES, MODE_EXPORT };

struct options {
	enum mode mode;
	const char *keep, *resume, *dir;
	bool json, force, net, root;
	struct plan extra; /* --bind, --tmpfs */
	char **command;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: overlay-session [OPTION]... [--] [COMMAND [ARG]...]\n"
		"       overlay-session --changes=DIR [--json]\n"
		"       overlay-session --export-layer=DIR > layer.tar\n"
		"Run COMMAND (default: $SHELL) in a copy-on-write session of "
		"the running\n"
		"system: everything it writes is captured, nothing reaches "
		"the real files.\n"
		"\n"
		"  -k, --keep=DIR         keep the session's changes in DIR "
		"(a new or\n"
		"                         empty directory)\n"
		"  -r, --resume=DIR       enter the session kept in DIR "
		"again\n"
		"  -f, --force            resume even though the lower "
		"changed\n"
		"  -n, --net              a network namespace of its own, "
		"with slirp4netns\n"
		"  -R, --root             be root inside, with the subordinate "
		"ids, and\n"
		"                         change any file (become-root, "
		"FUSE)\n"
		"  -b, --bind=SRC[:DST]   pass the host's SRC through at DST, "
		"writable\n"
		"  -t, --tmpfs=DIR        an empty tmpfs at DIR\n"
		"  -c, --changes=DIR      list what the session kept in DIR "
		"added (A),\n"
		"                         changed (C), deleted (D) or "
		"replaced (R)\n"
		"  -e, --export-layer=DIR write those changes to stdout as an "
		"OCI layer tar\n"
		"  -j, --json             --changes as JSON lines\n"
		"  -v, --verbose          say what is being done\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"The exit status is COMMAND's (128+N for signal N); 125 when "
		"the session\n"
		"could not be set up, 126/127 when COMMAND cannot be run or "
		"found.\n");
}

static const struct option longopts[] = {
	{ "keep", required_argument, NULL, 'k' },
	{ "resume", required_argument, NULL, 'r' },
	{ "force", no_argument, NULL, 'f' },
	{ "net", no_argument, NULL, 'n' },
	{ "root", no_argument, NULL, 'R' },
	{ "bind", required_argument, NULL, 'b' },
	{ "tmpfs", required_argument, NULL, 't' },
	{ "changes", required_argument, NULL, 'c' },
	{ "export-layer", required_argument, NULL, 'e' },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void add_bind(struct options *o, const char *arg)
{
	_cleanup_free_ char *src = strdup(arg);
	char *colon = src ? strchr(src, ':') : NULL;
	const char *dst;

	if (!src)
		die("out of memory");
	if (colon)
		*colon = '\0';
	dst = colon ? colon + 1 : src;
	if (src[0] != '/' || dst[0] != '/') {
		warn("--bind needs absolute paths: `%s'", arg);
		die_usage();
	}
	if (plan_add(&o->extra, UNIT_BIND, dst, src) < 0)
		die_usage();
}

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "+k:r:fnRb:t:c:e:jvhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'k':
			o->keep = optarg;
			break;
		case 'r':
			o->resume = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case 'n':
			o->net = true;
			break;
		case 'R':
			o->root = true;
			break;
		case 'b':
			add_bind(o, optarg);
			break;
		case 't':
			if (plan_add(&o->extra, UNIT_TMPFS, optarg, NULL) < 0)
				die_usage();
			break;
		case 'c':
			o->mode = MODE_CHANGES;
			o->dir = optarg;
			break;
		case 'e':
			o->mode = MODE_EXPORT;
			o->dir = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			log_set_verbose(true);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("overlay-session %s\n", PROJECT_VERSION);
			exit(0);
		default:
			die_usage();
		}
	}
	if (o->keep && o->resume) {
		warn("--keep and --resume: a resumed session keeps its "
		     "changes in its own directory already");
		die_usage();
	}
	if (o->mode != MODE_RUN && (o->keep || o->resume || optind < argc)) {
		warn("--changes and --export-layer read a kept session: they "
		     "take no command");
		die_usage();
	}
	if (o->json && o->mode != MODE_CHANGES) {
		warn("--json goes with --changes");
		die_usage();
	}
	o->command = argv + optind;
}

/* The upper must take the user.* xattrs overlayfs keeps its whiteouts and
 * opaque marks in (tmpfs only since Linux 6.6). */
static void check_xattrs(const struct state *s)
{
	char probe[PATH_MAX];

	snprintf(probe, sizeof(probe), "%s/work", s->dir);
	if (setxattr(probe, "user.overlay-session.probe", "1", 1, 0) < 0) {
		if (errno == ENOTSUP || errno == EOPNOTSUPP)
			die_status(EXIT_SETUP,
				   "`%s' is on a filesystem without user "
				   "extended attributes, which overlayfs needs "
				   "for an unprivileged upper (tmpfs has them "
				   "since Linux 6.6): keep the session "
				   "elsewhere",
				   s->dir);
		die_errno("cannot set an extended attribute on `%s'", probe);
	}
	removexattr(probe, "user.overlay-session.probe");
}

/* A session directory inside the tree it overlays would be its own lower:
 * overlayfs refuses it, and the session could edit its own state. */
static void check_outside(const struct plan *p, const char *dir)
{
	char real[PATH_MAX];
	const struct unit *u;

	if (!realpath(dir, real))
		die_errno("`%s'", dir);
	u = plan_overlay_of(p, real);
	if (u)
		die_status(EXIT_SETUP,
			   "the session directory `%s' is inside `%s', which "
			   "the session overlays: put it where the session "
			   "does not overlay (/dev/shm, $XDG_RUNTIME_DIR "
			   "under /run, or a filesystem mounted outside `%s')",
			   real, u->path, u->path);
}

/* --root overlays all of / but what passes through: the session's
 * directory must be in one of those, or it would be its own lower. */
static void check_passed_through(const char *dir)
{
	char real[PATH_MAX];

	if (!realpath(dir, real))
		die_errno("`%s'", dir);
	for (size_t i = 0; plan_passthrough[i]; i++) {
		size_t n = strlen(plan_passthrough[i]);

		if (!strncmp(real, plan_passthrough[i], n) && real[n] == '/')
			return;
	}
	die_status(EXIT_SETUP,
		   "with --root the session overlays all of /: keep `%s' "
		   "under /dev/shm or /run (passed through) instead",
		   real);
}

/* --root: one overlay over the FUSE view of / is the tree (rootfs.h), but
 * the caller's own trees (its uid is 0 here, so plan_build() planned them
 * as overlays) keep overlays of their own on top, whose lowers are the
 * real directories: reading them needs no FUSE. The kernel's file systems
 * pass through. */
static void root_plan(struct plan *plan)
{
	struct plan fast = { 0 };

	for (size_t i = 0; plan_passthrough[i]; i++)
		plan_add(&fast, UNIT_PASS, plan_passthrough[i], NULL);
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].kind == UNIT_OVERLAY)
			plan_add(&fast, UNIT_OVERLAY, plan->v[i].path, NULL);
	plan_free(plan);
	*plan = fast;
}

/* --root as a user: the same command again as root of a user namespace
 * with the caller's subordinate ids, made by become-root. */
static void reexec_as_root(char **argv)
{
	char self[PATH_MAX], br[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t argc = 0;

	if (!helper_exists("become-root"))
		die_status(EXIT_SETUP, "--root needs become-root, from this "
				       "suite, next to overlay-session or in "
				       "PATH");
	if (n <= 0)
		die_errno("cannot find this program");
	self[n] = '\0';
	while (argv[argc])
		argc++;
	char **args = calloc(argc + 5, sizeof(*args));

	if (!args)
		die("out of memory");
	helper_path("become-root", br, sizeof(br));
	args[0] = br;
	args[1] = "--mount";
	args[2] = "--";
	args[3] = self;
	for (size_t i = 1; i < argc; i++)
		args[3 + i] = argv[i];
	execvp(br, args);
	die_errno("cannot run `%s'", br);
}

/* Where the caller writes, which the session must be able to capture:
 * its home, its working directory, $TMPDIR, and the shared temporary
 * directories. */
#define ANCHORS_MAX 8

static void anchors_find(char **out, size_t max)
{
	const char *cands[] = { getenv("HOME"), getenv("TMPDIR"), ".", "/tmp",
				"/var/tmp" };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cands) / sizeof(*cands) && n < max; i++) {
		char *real = cands[i] ? realpath(cands[i], NULL) : NULL;

		if (real && strcmp(real, "/") != 0)
			out[n++] = real;
		else
			free(real);
	}
	out[n] = NULL;
}

static int run(struct options *o)
{
	struct mountinfo m;
	struct plan plan;
	struct state st, *state = NULL;
	char cwd[PATH_MAX];
	char *shell_argv[] = { getenv("SHELL"), NULL };
	char *anchors[ANCHORS_MAX + 1];
	int status;

	if (mountinfo_load(&m) < 0)
		die_errno("cannot read /proc/self/mountinfo");
	anchors_find(anchors, ANCHORS_MAX);
	if (plan_build(&plan, &m, (const char *const *)anchors, getuid()) < 0)
		return EXIT_SETUP;
	for (size_t i = 0; anchors[i]; i++)
		free(anchors[i]);
	mountinfo_free(&m);
	if (o->root)
		root_plan(&plan);
	for (size_t i = 0; i < o->extra.n; i++)
		plan_add(&plan, o->extra.v[i].kind, o->extra.v[i].path,
			 o->extra.v[i].source);

	if (o->keep || o->resume) {
		const char *dir = o->keep ? o->keep : o->resume;

		if (o->keep && mkdir(dir, 0700) < 0 && errno != EEXIST)
			die_status(EXIT_SETUP, "cannot create `%s': %s", dir,
				   strerror(errno));
		if (o->root)
			check_passed_through(dir);
		check_outside(&plan, dir);
		if (state_open(&st, dir, o->keep != NULL) < 0)
			return EXIT_SETUP;
		state = &st;
		check_xattrs(state);
		if (o->resume) {
			int diffs = lower_check(state);

			if (diffs < 0)
				return EXIT_SETUP;
			if (diffs > 0 && !o->force)
				die_status(EXIT_SETUP,
					   "the lower changed under the kept "
					   "session in `%s' (listed above): "
					   "--force to resume anyway",
					   dir);
		}
		/* Keys are given out here, so that the units file names
		 * every upper before the session writes to it. */
		for (size_t i = 0; i < plan.n; i++)
			if (session_unit_kept(&plan.v[i]))
				state_key(state, plan.v[i].path);
		if (o->root)
			state_key(state, "/");
		if (state_save(state) < 0)
			return EXIT_SETUP;
	}
	if (!shell_argv[0] || !shell_argv[0][0])
		shell_argv[0] = "/bin/sh";
	{
		struct session s = {
			.plan = &plan,
			.state = state,
			.argv = o->command[0] ? o->command : shell_argv,
			.cwd = getcwd(cwd, sizeof(cwd)),
			.net = o->net,
			.root = o->root,
		};

		debug("%zu units in the session's tree", plan.n);
		status = session_run(&s);
	}
	if (state) {
		if (lower_record(state) < 0)
			warn("the lower of `%s' could not be recorded: the "
			     "next --resume will ask for --force",
			     state->dir);
		state_close(state);
	}
	plan_free(&plan);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct state st;
	int ret;

	log_init("overlay-session");
	parse_options(argc, argv, &o);
	switch (o.mode) {
	case MODE_CHANGES:
	case MODE_EXPORT:
		if (state_open(&st, o.dir, false) < 0)
			return 1;
		if (o.mode == MODE_EXPORT && isatty(STDOUT_FILENO))
			die("the layer is a tar archive: redirect stdout to "
			    "a file or a pipe");
		ret = o.mode == MODE_CHANGES ? changes_print(&st, o.json)
					     : changes_export(&st, 1);
		state_close(&st);
		return ret ? 1 : 0;
	case MODE_RUN:
		log_set_die_status(EXIT_SETUP);
		if (o.root && getuid() != 0)
			reexec_as_root(argv);
		ret = run(&o);
		plan_free(&o.extra);
		return ret;
	}
	return 1;
}
