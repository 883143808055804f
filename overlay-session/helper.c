// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

void helper_path(const char *name, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			snprintf(out, len, "%.*s/%s", (int)(slash - self), self,
				 name);
			if (access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, len, "%s", name);
}

bool helper_exists(const char *name)
{
	char path[PATH_MAX];
	const char *env = getenv("PATH");
	char *dirs, *save = NULL;
	bool found = false;

	helper_path(name, path, sizeof(path));
	if (strchr(path, '/'))
		return true;
	dirs = strdup(env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", d, name);
		found = access(path, X_OK) == 0;
	}
	free(dirs);
	return found;
}
