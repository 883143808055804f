// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup-delegate: hand a cgroup v2 subtree and its controllers to an
 * unprivileged user, write resource settings (v2 names, or v1 / OCI names
 * converted as crun converts them), remove subtrees, and explain every
 * refusal of the kernel.
 *
 *   main.c      options, subcommands
 *   cgfs.c      the cgroup2 mount, fds opened beneath its root
 *   delegate.c  enable controllers top-down, chown the delegation files,
 *               the leaf, moving a process; the action log
 *   ops.c       `set` and `remove`: operations on an existing cgroup
 *   settings.c  KEY=VALUE to v2 writes, v1 conversions (pure logic)
 *   explain.c   EINVAL, EBUSY, ENOENT, EACCES turned into advice
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgfs.h"
#include "delegate.h"
#include "log.h"
#include "parse.h"

#define EXIT_USAGE 2

struct options {
	const char *root;
	const char *user;
	const char *controllers;
	const char *leaf;
	pid_t pid;
	bool kill;
	struct cg_ctx ctx;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: cgroup-delegate [OPTION]... CGROUP "
		"--user=USER[:GROUP]\n"
		"       cgroup-delegate [OPTION]... set CGROUP KEY=VALUE...\n"
		"       cgroup-delegate [OPTION]... remove [--kill] CGROUP\n"
		"       cgroup-delegate systemd-dropin\n"
		"Hand the cgroup v2 subtree CGROUP (relative to the cgroup2 "
		"mount)\n"
		"to USER: enable the controllers from the root down, chown "
		"the\n"
		"directory and the kernel's delegation files.\n"
		"\n"
		"  -u, --user=USER[:GROUP]  whom to delegate to (name or "
		"number)\n"
		"  -c, --controllers=LIST   e.g. cpu,memory,pids (default: all "
		"the\n"
		"                           root offers)\n"
		"  -l, --leaf=NAME          move CGROUP's processes into "
		"CGROUP/NAME\n"
		"                           (the no-internal-process rule)\n"
		"  -p, --pid=PID            move PID into CGROUP (or its "
		"leaf)\n"
		"  -r, --root=DIR           the cgroup2 mount (default: "
		"found)\n"
		"      --kill               with remove: cgroup.kill first\n"
		"  -n, --dry-run            print every change, make none\n"
		"      --json               report the changes as JSON lines\n"
		"  -v, --verbose            print every change as it is made\n"
		"  -h, --help               show this help and exit\n"
		"  -V, --version            show the version and exit\n"
		"\n"
		"set takes v2 names (memory.max=512M, cpu.max=\"50000 "
		"100000\",\n"
		"pids.max=100, io.weight, cpuset.cpus, hugetlb.2MB.max, ...) "
		"and\n"
		"v1 names (memory.limit_in_bytes, "
		"memory.memsw.limit_in_bytes,\n"
		"memory.soft_limit_in_bytes, cpu.shares, cpu.cfs_quota_us,\n"
		"cpu.cfs_period_us, blkio.weight, blkio.throttle.*_device).\n");
}

static const struct option longopts[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "controllers", required_argument, NULL, 'c' },
	{ "leaf", required_argument, NULL, 'l' },
	{ "pid", required_argument, NULL, 'p' },
	{ "root", required_argument, NULL, 'r' },
	{ "kill", no_argument, NULL, 'K' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'J' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(struct options *o, int argc, char **argv)
{
	uint32_t n;
	int c;

	/* Options may come before or after the subcommand and CGROUP. */
	while ((c = getopt_long(argc, argv, "u:c:l:p:r:nvhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'u':
			o->user = optarg;
			break;
		case 'c':
			o->controllers = optarg;
			break;
		case 'l':
			o->leaf = optarg;
			break;
		case 'p':
			if (parse_u32(optarg, &n) < 0 || n == 0 ||
			    n > INT32_MAX) {
				warn("--pid: `%s` is not a process id", optarg);
				die_usage();
			}
			o->pid = (pid_t)n;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'K':
			o->kill = true;
			break;
		case 'n':
			o->ctx.dry_run = true;
			break;
		case 'J':
			o->ctx.json = true;
			break;
		case 'v':
			o->ctx.verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("cgroup-delegate %s\n", PROJECT_VERSION);
			exit(0);
		default:
			die_usage();
		}
	}
}

/* USER[:GROUP], names or numbers; the group defaults to USER's. */
static void parse_user(const char *spec, uid_t *uid, gid_t *gid)
{
	char user[256];
	const char *colon = strchr(spec, ':');
	struct passwd *pw;
	uint32_t n;

	snprintf(user, sizeof(user), "%.*s",
		 colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	pw = getpwnam(user);
	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else if (parse_u32(user, &n) == 0 && n != UINT32_MAX) {
		*uid = n;
		pw = getpwuid(n);
		*gid = pw ? pw->pw_gid : n;
	} else {
		die_status(EXIT_USAGE, "--user: unknown user `%s`", user);
	}
	if (colon) {
		struct group *gr = getgrnam(colon + 1);

		if (gr)
			*gid = gr->gr_gid;
		else if (parse_u32(colon + 1, &n) == 0 && n != UINT32_MAX)
			*gid = n;
		else
			die_status(EXIT_USAGE, "--user: unknown group `%s`",
				   colon + 1);
	}
}

/* Strip leading and trailing slashes; refuse "." and "..". */
static const char *cgroup_arg(char *arg)
{
	size_t len;

	while (*arg == '/')
		arg++;
	len = strlen(arg);
	while (len > 0 && arg[len - 1] == '/')
		arg[--len] = '\0';
	if (cgfs_check_path(arg) < 0)
		die_status(EXIT_USAGE,
			   "`%s`: a cgroup path may not contain . or ..", arg);
	return arg;
}

static void print_dropin(void)
{
	printf("# /etc/systemd/system/user@.service.d/delegate.conf\n"
	       "# Gives every user's systemd instance the controllers below;\n"
	       "# then: systemctl daemon-reload, and log in again.\n"
	       "[Service]\n"
	       "Delegate=cpu cpuset io memory pids\n"
	       "\n"
	       "# Without systemd, as root (cgroup v2 at /sys/fs/cgroup):\n"
	       "#   echo '+cpu +cpuset +io +memory +pids' > "
	       "/sys/fs/cgroup/cgroup.subtree_control\n"
	       "#   mkdir /sys/fs/cgroup/user-alice\n"
	       "#   chown alice /sys/fs/cgroup/user-alice "
	       "/sys/fs/cgroup/user-alice/cgroup.{procs,threads,"
	       "subtree_control}\n"
	       "# or: cgroup-delegate user-alice --user=alice\n");
}

static void open_root(struct options *o)
{
	static char root[4096];

	if (cgfs_find_root(o->root, root, sizeof(root)) < 0)
		die("no cgroup2 filesystem is mounted: boot with "
		    "systemd.unified_cgroup_hierarchy=1, or mount one "
		    "(mount -t cgroup2 none /sys/fs/cgroup/unified)");
	o->ctx.rootfd = cgfs_open_root(root);
	if (o->ctx.rootfd < 0)
		die_errno("%s is not a cgroup2 mount", root);
	o->ctx.root = root;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	char **args;
	int nargs;

	log_init("cgroup-delegate");
	log_set_die_status(1);
	parse_options(&o, argc, argv);
	args = argv + optind;
	nargs = argc - optind;
	if (nargs == 1 && strcmp(args[0], "systemd-dropin") == 0) {
		print_dropin();
		return 0;
	}
	if (nargs >= 1 && strcmp(args[0], "set") == 0) {
		if (nargs < 3) {
			warn("set needs CGROUP and at least one KEY=VALUE");
			die_usage();
		}
		open_root(&o);
		return settings_apply(&o.ctx, cgroup_arg(args[1]), args + 2,
				      (size_t)nargs - 2);
	}
	if (nargs >= 1 && strcmp(args[0], "remove") == 0) {
		if (nargs != 2) {
			warn("remove takes one CGROUP");
			die_usage();
		}
		open_root(&o);
		return remove_subtree(&o.ctx, cgroup_arg(args[1]), o.kill);
	}
	if (nargs != 1 || !o.user) {
		warn(nargs != 1 ? "one CGROUP to delegate"
				: "--user is needed");
		die_usage();
	}
	{
		struct delegation d = { .cgroup = cgroup_arg(args[0]),
					.controllers = o.controllers,
					.leaf = o.leaf,
					.pid = o.pid };

		if (o.leaf &&
		    (cgfs_check_path(o.leaf) < 0 || strchr(o.leaf, '/')))
			die_status(EXIT_USAGE, "--leaf: `%s` is not a name",
				   o.leaf);
		parse_user(o.user, &d.uid, &d.gid);
		open_root(&o);
		return delegate_subtree(&o.ctx, &d);
	}
}
