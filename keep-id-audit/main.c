// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keep-id-audit: find setuid, setgid and file-capability files whose ids
 * are subordinate ids (or were, or belong to no one), which keep the power
 * of those ids after the user namespace is gone.
 *
 *   main.c      options, the audit of one file, the sequence of steps
 *   walk.c      parallel directory walk (getdents64, d_type, statx)
 *   mounts.c    which mounts a --cross-mounts walk must not enter
 *   idtable.c   who owns which subordinate ids, now and --since a record;
 *               the audit of the allocation files
 *   judge.c     the verdict on one id
 *   capxattr.c  the security.capability xattr, v1 to v3
 *   report.c    table, JSON lines, NUL-separated paths
 *   fix.c       --fix on the very inode judged
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "capxattr.h"
#include "fd.h"
#include "fix.h"
#include "idtable.h"
#include "log.h"
#include "parse.h"
#include "report.h"
#include "walk.h"

/* Exit statuses, as grep's. */
#define EXIT_CLEAN   0
#define EXIT_FOUND   1
#define EXIT_TROUBLE 2

#define MAX_EXCLUDES 64

struct options {
	enum report_format format;
	bool all;
	bool fix;
	bool dry_run;
	bool quiet;
	const char *record;
	const char *since;
	struct walk_options walk;
	dev_t exclude_dev[MAX_EXCLUDES];
	ino_t exclude_ino[MAX_EXCLUDES];
	char **paths;
};

struct audit {
	const struct options *opts;
	struct idtable now;
	struct idtable since;
	bool have_since;
	pthread_mutex_t lock; /* NSS lookups, output, counters */
	unsigned long findings;
	unsigned long errors;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: keep-id-audit [OPTION]... [PATH]...\n"
		"Find setuid, setgid and file-capability files under each "
		"PATH\n"
		"(default /) whose owner, group or capability root id is a\n"
		"subordinate id (/etc/subuid, /etc/subgid), belongs to no one, "
		"or\n"
		"has moved to another user; and audit the allocation files.\n"
		"\n"
		"  -x, --one-file-system  stay on each PATH's filesystem "
		"(default)\n"
		"      --cross-mounts     follow mounts (never into proc, "
		"sysfs,\n"
		"                         cgroup, devtmpfs and the like)\n"
		"      --exclude=PATH     do not enter PATH (may be repeated)\n"
		"      --all              list every setuid, setgid and "
		"capability\n"
		"                         file with its verdict\n"
		"      --json             one JSON object per line\n"
		"      --print0           the paths found, NUL-separated\n"
		"      --record=STATE     save the current allocation to "
		"STATE\n"
		"      --since=STATE      report ids that moved to another "
		"user\n"
		"                         since STATE was recorded\n"
		"      --fix              clear setuid/setgid bits and "
		"capabilities\n"
		"                         of the files found\n"
		"      --dry-run          with --fix: only say what would be "
		"done\n"
		"  -j, --threads=N        walk with N threads (default: all "
		"cores)\n"
		"  -q, --quiet            no warnings about unreadable files\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"Exit status: 0 nothing found, 1 findings, 2 an error "
		"(findings are\n"
		"still printed).\n");
}

enum {
	OPT_CROSS = 256,
	OPT_EXCLUDE,
	OPT_ALL,
	OPT_JSON,
	OPT_PRINT0,
	OPT_RECORD,
	OPT_SINCE,
	OPT_FIX,
	OPT_DRY_RUN,
};

static const struct option longopts[] = {
	{ "one-file-system", no_argument, NULL, 'x' },
	{ "cross-mounts", no_argument, NULL, OPT_CROSS },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "print0", no_argument, NULL, OPT_PRINT0 },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "fix", no_argument, NULL, OPT_FIX },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "threads", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void add_exclude(struct options *o, const char *path)
{
	struct stat st;
	size_t n = o->walk.n_exclude;

	if (n == MAX_EXCLUDES)
		die_status(EXIT_TROUBLE, "too many --exclude (at most %d)",
			   MAX_EXCLUDES);
	/* By inode, not by name: /a/../b and a bind mount are the same. */
	if (stat(path, &st) < 0)
		die_errno("--exclude `%s`", path);
	o->exclude_dev[n] = st.st_dev;
	o->exclude_ino[n] = st.st_ino;
	o->walk.n_exclude = n + 1;
}

static void parse_options(struct options *o, int argc, char **argv)
{
	static char *default_paths[] = { "/", NULL };
	uint32_t n;
	int c;

	o->walk.exclude_dev = o->exclude_dev;
	o->walk.exclude_ino = o->exclude_ino;
	while ((c = getopt_long(argc, argv, "xj:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'x':
			o->walk.cross_mounts = false;
			break;
		case OPT_CROSS:
			o->walk.cross_mounts = true;
			break;
		case OPT_EXCLUDE:
			add_exclude(o, optarg);
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_JSON:
			o->format = REPORT_JSON;
			break;
		case OPT_PRINT0:
			o->format = REPORT_PRINT0;
			break;
		case OPT_RECORD:
			o->record = optarg;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_FIX:
			o->fix = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case 'j':
			if (parse_u32(optarg, &n) < 0 || n == 0 || n > 256) {
				warn("--threads: `%s` is not 1 to 256", optarg);
				die_usage();
			}
			o->walk.threads = n;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("keep-id-audit %s\n", PROJECT_VERSION);
			exit(0);
		default:
			die_usage();
		}
	}
	if (o->dry_run && !o->fix) {
		warn("--dry-run goes with --fix");
		die_usage();
	}
	o->paths = optind < argc ? argv + optind : default_paths;
}

/* Capabilities of an executable, read through an O_PATH fd of the file
 * (there is no fgetxattr for O_PATH, /proc/self/fd is the way). st is
 * replaced by the fd's own stat, so verdict and fix see the same inode. */
static bool read_capability(int dirfd, const char *name, struct statx *st,
			    struct capxattr *cap, bool *malformed)
{
	unsigned char buf[CAPXATTR_MAX_SIZE + 1];
	char proc[64];
	ssize_t n;
	int fd;

	*malformed = false;
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		  STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_INO,
		  st) < 0 ||
	    !S_ISREG(st->stx_mode)) {
		close_quietly(fd);
		return false;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = getxattr(proc, CAPXATTR_NAME, buf, sizeof(buf));
	close_quietly(fd);
	if (n < 0)
		return false;
	if (capxattr_parse(buf, (size_t)n, cap) < 0)
		*malformed = true;
	return true;
}

static size_t judge_file(struct audit *a, const struct statx *st, bool has_cap,
			 const struct capxattr *cap, struct report_row rows[4])
{
	const struct idtable *since = a->have_since ? &a->since : NULL;
	size_t n = 0;

	if (st->stx_mode & S_ISUID)
		rows[n++] = (struct report_row){ .check = "setuid",
						 .id = st->stx_uid };
	if (st->stx_mode & S_ISGID)
		rows[n++] = (struct report_row){ .check = "setgid",
						 .id = st->stx_gid };
	if (has_cap)
		rows[n++] = (struct report_row){ .check = "capability",
						 .id = st->stx_uid };
	if (has_cap && cap->has_rootid)
		rows[n++] = (struct report_row){ .check = "cap-rootid",
						 .id = cap->rootid };
	for (size_t i = 0; i < n; i++)
		judge_id(&a->now, since,
			 strcmp(rows[i].check, "setgid") == 0 ? SUBID_GID
							      : SUBID_UID,
			 rows[i].id, &rows[i].j);
	return n;
}

static const char *fix_findings(struct audit *a, int dirfd, const char *name,
				const struct statx *st,
				const struct report_row *rows, size_t n)
{
	mode_t clear = 0;
	bool drop_cap = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].j.verdict == VERDICT_OK)
			continue;
		if (strcmp(rows[i].check, "setuid") == 0)
			clear |= S_ISUID;
		else if (strcmp(rows[i].check, "setgid") == 0)
			clear |= S_ISGID;
		else
			drop_cap = true;
	}
	switch (fix_file(dirfd, name, st, clear, drop_cap, a->opts->dry_run)) {
	case FIX_DONE:
		return a->opts->dry_run ? "would fix" : "fixed";
	case FIX_CHANGED:
		a->errors++;
		return "changed since judged: left alone";
	default:
		a->errors++;
		return "fix failed";
	}
}

static void on_file(const struct walk_dir *dir, int dirfd, const char *name,
		    const struct statx *stx, void *ctx)
{
	struct audit *a = ctx;
	struct statx st = *stx;
	struct report_row rows[4];
	struct capxattr cap = { 0 };
	bool has_cap = false, malformed = false, found = false;
	const char *action = NULL;
	char *path;
	size_t n, i;

	if (st.stx_mode & (S_IXUSR | S_IXGRP | S_IXOTH))
		has_cap = read_capability(dirfd, name, &st, &cap, &malformed);
	if (!(st.stx_mode & (S_ISUID | S_ISGID)) && !has_cap)
		return;
	pthread_mutex_lock(&a->lock);
	n = judge_file(a, &st, has_cap, &cap, rows);
	for (i = 0; i < n; i++)
		found |= rows[i].j.verdict != VERDICT_OK;
	if (found || a->opts->all) {
		walk_path(dir, name, &path);
		if (malformed && !a->opts->quiet)
			warn("`%s`: malformed security.capability", path);
		if (found) {
			a->findings++;
			if (a->opts->fix)
				action = fix_findings(a, dirfd, name, &st, rows,
						      n);
		}
		report_file(stdout, a->opts->format, path, &st, rows, n,
			    action);
		free(path);
	}
	pthread_mutex_unlock(&a->lock);
}

static void report_bad_line(const char *file, unsigned int line,
			    const char *why, void *ctx)
{
	struct audit *a = ctx;

	report_problem(stdout, a->opts->format, file, line, why);
	a->findings++;
}

static void report_allocation(const char *file, unsigned int line,
			      const char *problem, void *ctx)
{
	struct audit *a = ctx;

	report_problem(stdout, a->opts->format, file, line, problem);
}

/* Deep trees keep a few fds per level open while they are read. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void load_tables(struct audit *a)
{
	char why[256];

	if (idtable_load_current(&a->now, report_bad_line, a) < 0)
		die_errno("read %s and %s", SUBID_UID_FILE, SUBID_GID_FILE);
	if (a->opts->since) {
		if (idtable_load_state(&a->since, a->opts->since, why,
				       sizeof(why)) < 0)
			die("--since `%s`: %s", a->opts->since, why);
		a->have_since = true;
	}
	if (a->opts->record && idtable_save_state(&a->now, a->opts->record) < 0)
		die_errno("--record `%s`", a->opts->record);
}

int main(int argc, char **argv)
{
	struct options opts = { .format = REPORT_TABLE };
	struct audit a = { .opts = &opts };
	struct walk_stats stats = { 0 };
	char **p;

	log_init("keep-id-audit");
	log_set_die_status(EXIT_TROUBLE);
	parse_options(&opts, argc, argv);
	if (!opts.walk.threads) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		opts.walk.threads = cpus > 0 ? (cpus > 64 ? 64 : cpus) : 1;
	}
	raise_fd_limit();
	pthread_mutex_init(&a.lock, NULL);
	report_header(stdout, opts.format);
	load_tables(&a);
	a.findings += idtable_audit(&a.now, report_allocation, &a);
	for (p = opts.paths; *p; p++)
		if (walk_tree(*p, &opts.walk, on_file, &a, &stats) < 0) {
			warn_errno("`%s`", *p);
			a.errors++;
		}
	if (fflush(stdout) != 0)
		die_errno("write");
	a.errors += stats.errors;
	if (stats.errors && !opts.quiet)
		warn("%llu files or directories could not be read",
		     stats.errors);
	debug("%llu directories, %llu entries", stats.dirs, stats.files);
	idtable_free(&a.now);
	idtable_free(&a.since);
	if (a.errors)
		return EXIT_TROUBLE;
	return a.findings ? EXIT_FOUND : EXIT_CLEAN;
}
