// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns acknowledging ahead: a conversation of frames between
 * libslirp and the namespace (whose frames are hostile), as records of
 * [what, length high, length low, frame...]. what & 3: 0 a frame from
 * libslirp, 1 a frame from the namespace, 2 flush the ACKs ahead, 3 let
 * time pass (what >> 2 times 50 ms) and run the timers. Every frame
 * written or fed is a whole IPv4 TCP frame or one passed through; a frame
 * from the namespace keeps its length; nothing leaks. */
#include <string.h>

#include "ackahead.h"
#include "fuzz.h"

#define FRAME_MAX 2048

struct sink {
	size_t written, fed;
};

static int count_write(const uint8_t *frame, size_t len, void *ctx)
{
	struct sink *s = ctx;

	/* Passed through, or grown by the window scale option. */
	FUZZ_CHECK(len <= FRAME_MAX + 4);
	s->written++;
	return 0;
}

static void count_fed(const uint8_t *frame, size_t len, void *ctx)
{
	struct sink *s = ctx;

	/* An ACK ahead: Ethernet, IPv4 and TCP headers without options. */
	FUZZ_CHECK(len == 54);
	FUZZ_CHECK(frame[12] == 0x08 && frame[13] == 0x00);
	FUZZ_CHECK(frame[14] == 0x45 && frame[23] == 6);
	FUZZ_CHECK(frame[47] == 0x10);
	s->fed++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FRAME_MAX];
	struct sink sink = { 0 };
	struct ahead *a = ahead_new(1500, count_write, count_fed, &sink);
	int64_t now = 1000;
	size_t off = 0;

	FUZZ_CHECK(a != NULL);
	while (off + 3 <= size) {
		uint8_t what = data[off];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];

		off += 3;
		if (len > size - off)
			len = size - off;
		if (len > FRAME_MAX)
			len = FRAME_MAX;
		memcpy(frame, data + off, len);
		off += len;
		switch (what & 3) {
		case 0:
			ahead_from_slirp(a, frame, len, now);
			break;
		case 1:
			ahead_from_ns(a, frame, len, now);
			break;
		case 2:
			ahead_flush(a);
			break;
		default:
			now += (int64_t)(what >> 2) * 50;
			FUZZ_CHECK(ahead_timeout(a, now) >= -1);
			ahead_timers(a, now);
			break;
		}
	}
	ahead_flush(a);
	ahead_free(a);
	return 0;
}
