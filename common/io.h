/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-buffer reads and writes that survive EINTR and short transfers. */
#ifndef COMMON_IO_H
#define COMMON_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Write all of buf. Returns 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);
/* Write text to the existing file path (a /proc or sysfs control file: one
 * write(2), as those want it). Returns 0, or -1 with errno. */
int write_text_file(const char *path, const char *text);
/* Read until len bytes or end of file. Returns the count, or -1. */
ssize_t read_all(int fd, void *buf, size_t len);
/* Read at most len - 1 bytes of a small file (a sysctl, a /proc stat, a
 * cgroup file) into buf, NUL-terminated, trailing newlines removed. Opened
 * with O_NOFOLLOW. Returns the length, or -1 with errno. */
ssize_t read_text_at(int dirfd, const char *path, char *buf, size_t len);
/* Read a whole file, relative to dirfd (AT_FDCWD for a plain path), into a
 * NUL-terminated malloc'd buffer. A file larger than max fails with EFBIG. */
int read_file_at(int dirfd, const char *path, size_t max, char **out,
		 size_t *len);
/* Make *buf (of *cap bytes, or NULL and 0) hold at least need bytes: to
 * twice its size (at least 4 KiB), so that appends cost amortized O(1),
 * or to need exactly when that is more. Returns 0, or -1 with *buf and
 * *cap as they were. */
int buffer_grow(uint8_t **buf, size_t *cap, size_t need);
/* mkdir -p of path below dirfd (or AT_FDCWD); existing directories are
 * fine. */
int mkdir_p_at(int dirfd, const char *path, mode_t mode);

#endif
