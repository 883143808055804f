// SPDX-License-Identifier: GPL-2.0-or-later
/* Runs a harness over stored inputs (files, or directories of them) without
 * libFuzzer, so that `make check` replays the corpus with any compiler. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/io.h"
#include "fuzz.h"

static int run_file(int dirfd, const char *name)
{
	char *buf = NULL;
	size_t len = 0;

	if (read_file_at(dirfd, name, 1 << 24, &buf, &len) < 0) {
		perror(name);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

static int run_path(const char *path, int *count)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(AT_FDCWD, path);
	}
	dir = opendir(path);
	if (!dir) {
		perror(path);
		return -1;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		(*count)++;
		if (run_file(dirfd(dir), de->d_name) < 0)
			ret = -1;
	}
	closedir(dir);
	return ret;
}

int main(int argc, char **argv)
{
	int i, count = 0, ret = 0;

	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			ret = 1;
	printf("replayed %d inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "no inputs: is the corpus missing?\n");
		return 1;
	}
	return ret;
}
