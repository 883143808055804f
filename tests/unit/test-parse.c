// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdint.h>

#include "parse.h"
#include "tap.h"

static void rejects_u32(const char *s, int want_errno)
{
	uint32_t v = 12345;
	int r = parse_u32(s, &v);

	ok(r == -1 && errno == want_errno && v == 12345,
	   "parse_u32 rejects \"%s\" with %s", s,
	   want_errno == ERANGE ? "ERANGE" : "EINVAL");
}

int main(void)
{
	uint32_t u32;
	uint64_t u64;
	int fd;

	ok(parse_u32("0", &u32) == 0 && u32 == 0, "0");
	ok(parse_u32("4294967295", &u32) == 0 && u32 == UINT32_MAX,
	   "largest u32");
	ok(parse_u32("007", &u32) == 0 && u32 == 7,
	   "leading zeros are decimal");
	rejects_u32("", EINVAL);
	rejects_u32(" 1", EINVAL);
	rejects_u32("1 ", EINVAL);
	rejects_u32("+1", EINVAL);
	rejects_u32("-1", EINVAL);
	rejects_u32("0x10", EINVAL);
	rejects_u32("1e3", EINVAL);
	ok(parse_u32("12\n", &u32) == -1 && errno == EINVAL,
	   "parse_u32 rejects a trailing newline");
	rejects_u32("4294967296", ERANGE);
	rejects_u32("99999999999999999999999", ERANGE);
	rejects_u32("99999999999999999999x", EINVAL);

	ok(parse_u64("18446744073709551615", &u64) == 0 && u64 == UINT64_MAX,
	   "largest u64");
	ok(parse_u64("18446744073709551616", &u64) == -1 && errno == ERANGE,
	   "u64 overflow by one");
	ok(parse_u64_n("12345", 3, 1000, &u64) == 0 && u64 == 123,
	   "length-bounded parse reads only len bytes");
	ok(parse_u64_n("1001", 4, 1000, &u64) == -1 && errno == ERANGE,
	   "max is enforced");
	ok(parse_u64_n("1000", 4, 1000, &u64) == 0 && u64 == 1000,
	   "max itself is accepted");
	ok(parse_u64_n("5", 1, 3, &u64) == -1 && errno == ERANGE,
	   "a single digit above a max below 10 (found by fuzzing)");
	ok(parse_u64_n("1", 1, 0, &u64) == -1 && errno == ERANGE,
	   "max 0 accepts only 0");
	ok(parse_u32_n("12", 0, &u32) == -1 && errno == EINVAL,
	   "zero length is empty input");
	ok(parse_fd("2147483647", &fd) == 0 && fd == 2147483647, "INT_MAX fd");
	ok(parse_fd("2147483648", &fd) == -1 && errno == ERANGE,
	   "fd past INT_MAX");
	ok(parse_fd("-1", &fd) == -1, "negative fd");
	return done_testing();
}
