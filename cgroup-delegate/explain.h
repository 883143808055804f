/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Turning the kernel's EINVAL, EBUSY, ENOENT and EACCES on cgroup files
 * into what the user can do about them. */
#ifndef CGROUP_DELEGATE_EXPLAIN_H
#define CGROUP_DELEGATE_EXPLAIN_H

#include <stdio.h>

/* Why controller is not available in cgroup v2: bound to a v1 hierarchy,
 * disabled at boot, or absent from this kernel. */
void explain_missing_controller(FILE *out, const char *controller);
/* A write of value to file in the cgroup cgpath (open as cgfd) failed with
 * err: say why, and what to do. */
void explain_write_error(FILE *out, const char *cgpath, int cgfd,
			 const char *file, const char *value, int err);
/* The real-time threads of the system: what blocks +cpu. Returns how many
 * were listed. */
int explain_rt_threads(FILE *out);

#endif
