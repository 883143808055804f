/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An output file that appears whole or not at all: written unnamed
 * (O_TMPFILE) next to its destination, then linked and renamed over it.
 * A failure or a kill leaves nothing behind. "-" is stdout. */
#ifndef STARGZIFY_OUTFILE_H
#define STARGZIFY_OUTFILE_H

struct outfile {
	int fd;
	int dirfd;
	const char *path;
	const char *base;
	char *tmp_name; /* the fallback when O_TMPFILE is not supported */
};

int outfile_open(struct outfile *o, const char *path);
/* Makes the file visible under its name; closes it. */
int outfile_commit(struct outfile *o);
/* Drops an uncommitted file. */
void outfile_abort(struct outfile *o);

#endif
