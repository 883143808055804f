// SPDX-License-Identifier: GPL-2.0-or-later
/* stargzify --verify / --extract open blobs from anyone: the footer, the
 * TOC member, its JSON, and every chunk it points at. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgz_reader r;
	char why[512];
	int fd = memfd_create("blob", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    sgz_open(&r, fd, why, sizeof(why)) == 0) {
		for (size_t i = 0; i < r.toc.n; i++) {
			const struct toc_entry *e = &r.toc.v[i];

			if (toc_entry_has_data(e))
				FUZZ_CHECK(e->offset < e->next_offset &&
					   e->next_offset <= size);
		}
		sgz_verify(&r, 1, why, sizeof(why));
		sgz_close(&r);
	}
	close(fd);
	return 0;
}
