// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cgfs.h"
#include "cleanup.h"
#include "explain.h"
#include "io.h"
#include "mountinfo.h"
#include "parse.h"

/* /proc/cgroups: "subsys_name hierarchy num_cgroups enabled". */
static int v1_state(const char *controller, int *hierarchy, int *enabled)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cgroups", "re");
	char name[64];
	int h, n, e;

	if (!f)
		return -1;
	/* The header line. */
	if (fscanf(f, "%*[^\n]\n") == EOF)
		return -1;
	while (fscanf(f, "%63s %d %d %d", name, &h, &n, &e) == 4)
		if (strcmp(name, controller) == 0) {
			*hierarchy = h;
			*enabled = e;
			return 0;
		}
	return -1;
}

void explain_missing_controller(FILE *out, const char *controller)
{
	int hierarchy, enabled;
	char where[256];

	if (v1_state(controller, &hierarchy, &enabled) < 0) {
		fprintf(out, "this kernel has no `%s` controller\n",
			controller);
		return;
	}
	if (!enabled) {
		fprintf(out,
			"the `%s` controller is disabled on the kernel command "
			"line (cgroup_disable=%s)\n",
			controller, controller);
		return;
	}
	if (hierarchy != 0) {
		if (mountinfo_find_point("cgroup", controller, where,
					 sizeof(where)) < 0)
			snprintf(where, sizeof(where), "(not mounted)");
		fprintf(out,
			"the `%s` controller is bound to a cgroup v1 hierarchy "
			"(mounted at %s): a controller is in v1 or in v2, "
			"never both. Boot with systemd.unified_cgroup_"
			"hierarchy=1 to move every controller to v2, or "
			"unmount that hierarchy\n",
			controller, where);
		return;
	}
	fprintf(out,
		"the `%s` controller is free but not offered by the root of "
		"the cgroup v2 hierarchy\n",
		controller);
}

static void list_procs(FILE *out, int cgfd)
{
	char buf[512];

	if (cgfs_read(cgfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	fprintf(out, "  processes in it: %s%s\n", buf,
		strlen(buf) >= sizeof(buf) - 2 ? "..." : "");
}

/* Fields 40 (rt_priority) and 41 (policy) of /proc/PID/task/TID/stat. */
static int thread_policy(int taskfd, const char *tid, int *prio, int *policy,
			 char *comm, size_t len)
{
	char path[300], buf[1024], *close, *p;
	int i;

	snprintf(path, sizeof(path), "%s/stat", tid);
	if (read_text_at(taskfd, path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!p || !close || close < p)
		return -1;
	snprintf(comm, len, "%.*s", (int)(close - p - 1), p + 1);
	/* Field 3 (state) follows ") ". */
	p = close + 2;
	for (i = 3; i < 40 && p; i++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	if (!p || sscanf(p, "%d %d", prio, policy) != 2)
		return -1;
	return 0;
}

int explain_rt_threads(FILE *out)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int count = 0;

	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		char task[64], comm[64];
		DIR *tasks;
		struct dirent *te;
		uint32_t pid;
		int taskfd;

		if (parse_u32(de->d_name, &pid) < 0)
			continue;
		snprintf(task, sizeof(task), "/proc/%u/task", pid);
		tasks = opendir(task);
		if (!tasks)
			continue;
		taskfd = dirfd(tasks);
		while ((te = readdir(tasks))) {
			int prio, policy;

			if (te->d_name[0] == '.' ||
			    thread_policy(taskfd, te->d_name, &prio, &policy,
					  comm, sizeof(comm)) < 0 ||
			    (policy != SCHED_FIFO && policy != SCHED_RR))
				continue;
			if (count++ == 0)
				fprintf(out, "  %7s %7s %-5s %6s %s\n", "PID",
					"TID", "CLASS", "RTPRIO", "COMMAND");
			fprintf(out, "  %7u %7s %-5s %6d %s\n", pid, te->d_name,
				policy == SCHED_FIFO ? "FF" : "RR", prio, comm);
		}
		closedir(tasks);
	}
	closedir(proc);
	return count;
}

void explain_write_error(FILE *out, const char *cgpath, int cgfd,
			 const char *file, const char *value, int err)
{
	fprintf(out, "write `%s` to %s/%s: %s\n", value, cgpath, file,
		strerror(err));
	switch (err) {
	case EBUSY:
		if (strcmp(file, "cgroup.procs") == 0) {
			char subtree[256] = "";

			cgfs_read(cgfd, "cgroup.subtree_control", subtree,
				  sizeof(subtree));
			fprintf(out,
				"`%s` hands controllers to its children "
				"(cgroup.subtree_control: %s), so it may hold "
				"no process itself (the no-internal-process "
				"rule): put the process in a leaf below it "
				"(--leaf=NAME does).\n",
				cgpath, subtree);
			return;
		}
		fprintf(out,
			"`%s` has processes: a cgroup that hands controllers "
			"to its children may hold none itself (the "
			"no-internal-process rule). Move them into a leaf "
			"(--leaf=NAME does) first.\n",
			cgpath);
		list_procs(out, cgfd);
		return;
	case EINVAL:
		if (strstr(value, "+cpu") && !strstr(value, "+cpuset")) {
			fprintf(out,
				"+cpu is refused while real-time threads run "
				"outside the root cgroup (RT group "
				"scheduling): move them to the root cgroup or "
				"make them SCHED_OTHER (chrt -o -p 0 TID).\n");
			if (!explain_rt_threads(out))
				fprintf(out, "  (no real-time thread is "
					     "running now)\n");
		}
		return;
	case ENOENT:
		fprintf(out,
			"`%s` has no file `%s`: is its controller "
			"enabled in the parent's cgroup.subtree_control?\n",
			cgpath, file);
		return;
	case EACCES:
	case EPERM:
		fprintf(out,
			"permission denied: run as root, or as the user `%s` "
			"was delegated to (only the delegation files are "
			"theirs to write)\n",
			cgpath);
		return;
	case EOPNOTSUPP:
		fprintf(out,
			"`%s` is threaded: only threaded controllers "
			"can be enabled in it\n",
			cgpath);
		return;
	}
}
