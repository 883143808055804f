// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns ACK coalescing: frames libslirp sends to the namespace, as
 * a sequence split on a length byte. Every frame that is not a pure ACK is
 * written exactly once and in order; nothing is held after a flush; a
 * held frame is never larger than its slot. */
#include <string.h>

#include "ackq.h"
#include "fuzz.h"

struct sink {
	size_t frames, bytes;
};

static int count(const uint8_t *frame, size_t len, void *ctx)
{
	struct sink *s = ctx;

	FUZZ_CHECK(len <= 4096);
	s->frames++;
	s->bytes += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ackq q;
	struct sink sink = { 0 };
	size_t off = 0, others = 0;

	memset(&q, 0, sizeof(q));
	while (off < size) {
		size_t len = data[off++];
		struct ack_info info;

		if (len > size - off)
			len = size - off;
		if (!frame_pure_ack(data + off, len, &info))
			others++;
		else
			FUZZ_CHECK(len <= ACKQ_FRAME_MAX);
		ackq_send(&q, data + off, len, count, &sink);
		FUZZ_CHECK(q.n <= ACKQ_SLOTS);
		off += len;
	}
	ackq_flush(&q, count, &sink);
	FUZZ_CHECK(q.n == 0);
	FUZZ_CHECK(sink.frames >= others);
	return 0;
}
