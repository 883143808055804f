// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_text_file(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	return write_all(fd, text, strlen(text));
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out,
		 size_t *len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = max < 4095 ? max + 1 : 4096, used = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		ssize_t n;

		if (used == cap - 1) {
			char *bigger;

			if (cap - 1 >= max) {
				/* One probe byte tells "exactly max" from
				 * "more than max". */
				char probe;

				n = read_all(fd, &probe, 1);
				if (n < 0)
					return -1;
				if (n > 0) {
					errno = EFBIG;
					return -1;
				}
				break;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			bigger = realloc(buf, cap);
			if (!bigger)
				return -1;
			buf = bigger;
		}
		n = read(fd, buf + used, cap - 1 - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	*len = used;
	*out = steal_ptr(&buf);
	return 0;
}

ssize_t read_text_at(int dirfd, const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(
		dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_all(fd, buf, len - 1);
	if (n < 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

int mkdir_p_at(int dirfd, const char *path, mode_t mode)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = '\0';
		if (mkdirat(dirfd, p, mode) < 0 && errno != EEXIST)
			return -1;
		if (!c)
			return 0;
		*s = c;
	}
}

int buffer_grow(uint8_t **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	/* twice the room, so that appends cost amortized O(1); or just what
	 * is asked for when that is more, not a power of two past it */
	size_t n = *cap > SIZE_MAX / 2 ? SIZE_MAX : *cap * 2;

	if (n < need)
		n = need;
	if (n < 4096)
		n = 4096;
	if (n > PTRDIFF_MAX) { /* no object is that large */
		errno = ENOMEM;
		return -1;
	}
	uint8_t *b = realloc(*buf, n);

	if (!b)
		return -1;
	*buf = b;
	*cap = n;
	return 0;
}
