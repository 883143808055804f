// SPDX-License-Identifier: GPL-2.0-or-later
/* slirp4netns's pure logic: --cidr and --macaddress parsing, API requests
 * and their upstream error descriptions, ACK coalescing, and the seccomp
 * allowlist (a forbidden call kills, an allowed one does not). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ackq.h"
#include "api.h"
#include "config.h"
#include "log.h"
#include "request.h"
#include "sandbox.h"
#include "tap.h"

static const char *cidr(const char *s)
{
	static char out[256];
	struct net_config cfg = { 0 };
	char a[16], b[16], c[16], d[16], e[16], f[16];

	if (config_set_cidr(&cfg, s, out, sizeof(out)) < 0)
		return out;
	snprintf(out, sizeof(out), "%s/%s gw %s dns %s dhcp %s guest %s",
		 ipv4_str(cfg.network, a), ipv4_str(cfg.netmask, b),
		 ipv4_str(cfg.gateway, c), ipv4_str(cfg.nameserver, d),
		 ipv4_str(cfg.dhcp_start, e), ipv4_str(cfg.guest, f));
	return out;
}

static void test_cidr(void)
{
	is_str(cidr("10.0.2.0/24"),
	       "10.0.2.0/255.255.255.0 gw 10.0.2.2 dns 10.0.2.3 dhcp "
	       "10.0.2.15 guest 10.0.2.100",
	       "default network");
	is_str(cidr("192.168.0.0/16"),
	       "192.168.0.0/255.255.0.0 gw 192.168.0.2 dns 192.168.0.3 dhcp "
	       "192.168.0.15 guest 192.168.0.100",
	       "a /16");
	is_str(cidr("10.0.2.128/25"),
	       "10.0.2.128/255.255.255.128 gw 10.0.2.130 dns 10.0.2.131 dhcp "
	       "10.0.2.143 guest 10.0.2.228",
	       "/25, the longest prefix");
	is_str(cidr("10.0.2.100/24"),
	       "CIDR needs to be a network address like 10.0.2.0/24, not "
	       "like 10.0.2.100/24",
	       "host bits set");
	is_str(cidr("10.0.2.0/26"), "prefix length needs to be 1-25",
	       "/26 has no room for .100");
	is_str(cidr("10.0.2.0/0"), "prefix length needs to be 1-25", "/0");
	is_str(cidr("10.0.2.0"), "invalid CIDR: 10.0.2.0", "no prefix");
	is_str(cidr("10.0.2.0/"), "invalid CIDR: 10.0.2.0/", "empty prefix");
	is_str(cidr("10.0.2.0/024"), "invalid CIDR: 10.0.2.0/024",
	       "three digits");
	is_str(cidr("10.0.2.0/+4"), "invalid CIDR: 10.0.2.0/+4", "a sign");
	is_str(cidr("/24"), "invalid CIDR: /24", "no address");
	is_str(cidr("10.0.300.0/24"), "invalid network address: 10.0.300.0",
	       "octet out of range");
	is_str(cidr("10.0.2/24"), "invalid network address: 10.0.2",
	       "three octets");
	is_str(cidr("fd00::/24"), "invalid network address: fd00::", "IPv6");
}

static void test_mac(void)
{
	unsigned char m[6];

	ok(parse_mac("02:00:5e:10:00:01", m) == 0 && m[0] == 2 && m[5] == 1 &&
		   m[3] == 0x10,
	   "a MAC address");
	ok(parse_mac("2:0:5E:A:b:C", m) == 0 && m[3] == 10 && m[5] == 12,
	   "one digit per byte, either case");
	ok(parse_mac("01:00:5e:00:00:01", m) < 0, "multicast refused");
	ok(parse_mac("02:00:5e:00:00", m) < 0, "five bytes");
	ok(parse_mac("02:00:5e:00:00:01:02", m) < 0, "seven bytes");
	ok(parse_mac("02:00:5e:00:00:0g", m) < 0, "not hex");
	ok(parse_mac("02:00:5e:00:00:012", m) < 0, "three digits");
	ok(parse_mac("02-00-5e-00-00-01", m) < 0, "dashes");
	ok(parse_mac("", m) < 0, "empty");
}

static const char *parse(const char *json)
{
	static char out[256];
	struct request r;
	char h[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	request_parse(json, strlen(json), true, &r);
	switch (r.kind) {
	case REQ_ERROR:
		return r.error;
	case REQ_LIST_HOSTFWD:
		return "list";
	case REQ_REMOVE_HOSTFWD:
		snprintf(out, sizeof(out), "remove %lld", r.id);
		return out;
	case REQ_ADD_HOSTFWD:
		snprintf(out, sizeof(out), "add %s %s:%d -> %s:%d",
			 r.is_udp ? "udp" : "tcp",
			 r.host_addr.family
				 ? inet_ntop(r.host_addr.family,
					     r.host_addr.family == AF_INET
						     ? (void *)&r.host_addr.v4
						     : (void *)&r.host_addr.v6,
					     h, sizeof(h))
				 : "-",
			 r.host_port,
			 r.guest_addr.family
				 ? inet_ntop(r.guest_addr.family,
					     r.guest_addr.family == AF_INET
						     ? (void *)&r.guest_addr.v4
						     : (void *)&r.guest_addr.v6,
					     g, sizeof(g))
				 : "-",
			 r.guest_port);
		return out;
	}
	return "?";
}

#define ADD(args) "{\"execute\":\"add_hostfwd\",\"arguments\":{" args "}}"

static void test_request_add(void)
{

	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":8080,"
			 "\"guest_port\":80")),
	       "add tcp -:8080 -> -:80", "add with defaults");
	is_str(parse(ADD("\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\","
			 "\"host_port\":53,\"guest_addr\":\"10.0.2.100\","
			 "\"guest_port\":5353}")),
	       "bad request: cannot parse JSON", "a stray brace");
	is_str(parse(ADD("\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\","
			 "\"host_port\":53,\"guest_addr\":\"10.0.2.100\","
			 "\"guest_port\":5353")),
	       "add udp 127.0.0.1:53 -> 10.0.2.100:5353", "udp, every field");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_addr\":\"::1\","
			 "\"host_port\":8080,\"guest_port\":80.0")),
	       "add tcp ::1:8080 -> -:80", "IPv6 host, 80.0 is 80");
	is_str(parse(ADD("\"host_port\":8080,\"guest_port\":80")),
	       "bad request: add_hostfwd: bad arguments.proto",
	       "no proto: an error, not a crash");
	is_str(parse(ADD("\"proto\":6,\"host_port\":8080,\"guest_port\":80")),
	       "bad request: add_hostfwd: bad arguments.proto",
	       "proto not a string");
	is_str(parse(ADD(
		       "\"proto\":\"sctp\",\"host_port\":1,\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.proto", "sctp");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_addr\":\"x\","
			 "\"host_port\":1,\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.host_addr",
	       "bad host address");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":0,\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.host_port", "port 0");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":65536,"
			 "\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.host_port",
	       "port 65536");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":\"80\","
			 "\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.host_port",
	       "port as a string");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":80.5,"
			 "\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.host_port",
	       "fractional port");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":1e400,"
			 "\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.host_port",
	       "infinite port");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":1,"
			 "\"guest_addr\":[],\"guest_port\":1")),
	       "bad request: add_hostfwd: bad arguments.guest_addr",
	       "guest address not a string");
	is_str(parse(ADD("\"proto\":\"tcp\",\"host_port\":1")),
	       "bad request: add_hostfwd: bad arguments.guest_port",
	       "no guest port");
}

static void test_request_other(void)
{
	char big[REQUEST_MAX + 10];

	is_str(parse("{\"execute\":\"list_hostfwd\"}\n"), "list",
	       "list, with a newline after");
	is_str(parse("{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":"
		     "42}}"),
	       "remove 42", "remove");
	is_str(parse("{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":"
		     "-1}}"),
	       "bad request: remove_hostfwd: bad arguments.id", "negative id");
	is_str(parse("{\"execute\":\"remove_hostfwd\"}"),
	       "bad request: remove_hostfwd: bad arguments.id", "no id");
	is_str(parse("{\"execute\":\"foo\"}"), "bad request: unknown execute",
	       "unknown command");
	is_str(parse("{\"execute\":1}"), "bad request: no execute found",
	       "execute not a string");
	is_str(parse("{\"x\":1}"), "bad request: no execute found",
	       "no execute");
	is_str(parse("[1]"), "bad request: json_object() failed", "an array");
	is_str(parse("123"), "bad request: json_object() failed",
	       "a bare number");
	is_str(parse("garbage"), "bad request: cannot parse JSON", "garbage");
	is_str(parse(""), "bad request: cannot parse JSON", "empty");
	is_str(parse("{\"execute\":\"list_hostfwd\""),
	       "bad request: cannot parse JSON", "truncated");
	is_str(parse("{\"execute\":\"list_hostfwd\"} x"),
	       "bad request: cannot parse JSON", "trailing garbage");
	is_str(parse("{'execute':'list_hostfwd'}"),
	       "bad request: cannot parse JSON", "single quotes (strict)");
	memset(big, ' ', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	is_str(parse(big), "bad request: too large message", "4096 bytes");
	{
		const char bin[] = "{\"execute\":\"list_hostfwd\"\0}";
		struct request r;

		request_parse(bin, sizeof(bin) - 1, true, &r);
		is_str(r.kind == REQ_ERROR ? r.error : "accepted",
		       "bad request: cannot parse JSON", "a NUL inside");
	}
	{
		struct request r;
		const char *v6 = ADD("\"proto\":\"tcp\",\"host_addr\":\"::\","
				     "\"host_port\":1,\"guest_port\":1");

		request_parse(v6, strlen(v6), false, &r);
		is_str(r.kind == REQ_ERROR ? r.error : "accepted",
		       "bad request: add_hostfwd: bad arguments.host_addr",
		       "IPv6 refused without -6");
	}
}

static void test_request_complete(void)
{
	ok(request_complete("{\"execute\":", 11, false) == 0,
	   "half a request: wait for more");
	ok(request_complete("{\"execute\":\"list_hostfwd\"}", 26, false) == 1,
	   "a whole object is complete");
	ok(request_complete("garbage", 7, false) == 1,
	   "an error is complete too");
	ok(request_complete("12", 2, false) == 0, "a number may go on");
	ok(request_complete("12", 2, true) == 1, "until end of input");
}

static void test_api_without_slirp(void)
{
	struct net_config cfg = { 0 };
	char path[64], out[512];
	struct api *api;
	const char *list = "{\"execute\":\"list_hostfwd\"}";
	const char *add = ADD("\"proto\":\"tcp\",\"host_port\":1,"
			      "\"guest_port\":1");

	snprintf(path, sizeof(path), "/tmp/test-slirp-api.%d", (int)getpid());
	api = api_listen(path, &cfg);
	ok(api != NULL, "api_listen");
	if (!api)
		return;
	api_reply(api, list, strlen(list), out, sizeof(out));
	is_str(out, "{\"entries\":[]}", "empty list, as the 1.2.0 binary");
	api_reply(api, add, strlen(add), out, sizeof(out));
	is_str(out,
	       "{\"error\":{\"desc\":\"bad request: add_hostfwd: "
	       "slirp_add_hostfwd failed\"}}",
	       "a failed add");
	api_unlink(api);
	ok(access(path, F_OK) < 0 && errno == ENOENT, "socket removed");
	api_free(api);
	/* A regular file at the path is not ours to delete. */
	close(open(path, O_WRONLY | O_CREAT, 0600));
	ok(api_listen(path, &cfg) == NULL && access(path, F_OK) == 0,
	   "a regular file is left alone");
	unlink(path);
}

/* Ethernet + IPv4 + TCP header, no payload unless told. */
static size_t tcp_frame(uint8_t *f, uint16_t sport, uint32_t ack, uint8_t flags,
			size_t payload)
{
	size_t iplen = 20 + 20 + payload;

	memset(f, 0, 14 + iplen);
	f[12] = 0x08;
	f[14] = 0x45;
	f[14 + 2] = (uint8_t)(iplen >> 8);
	f[14 + 3] = (uint8_t)iplen;
	f[14 + 9] = 6;
	f[14 + 12] = 10, f[14 + 15] = 2;
	f[14 + 16] = 10, f[14 + 19] = 100;
	f[34] = (uint8_t)(sport >> 8), f[35] = (uint8_t)sport;
	f[36] = 0x1f, f[37] = 0x90;
	f[42] = (uint8_t)(ack >> 24), f[43] = (uint8_t)(ack >> 16);
	f[44] = (uint8_t)(ack >> 8), f[45] = (uint8_t)ack;
	f[46] = 0x50;
	f[47] = flags;
	f[48] = 0xff, f[49] = 0xff;
	return 14 + iplen;
}

static char written[64][16];
static size_t nwritten;

static int record(const uint8_t *frame, size_t len, void *ctx)
{
	snprintf(written[nwritten++ % 64], 16, "%u/%u",
		 (unsigned)(frame[34] << 8 | frame[35]),
		 (unsigned)frame[45] + (len > 54 ? 1000u : 0u));
	return 0;
}

static void test_ackq(void)
{
	struct ackq q = { 0 };
	struct ack_info info;
	uint8_t f[256];
	size_t len;

	len = tcp_frame(f, 1000, 5, 0x10, 0);
	ok(frame_pure_ack(f, len, &info) && info.ack == 5, "a pure ACK");
	len = tcp_frame(f, 1000, 5, 0x18, 0);
	ok(!frame_pure_ack(f, len, &info), "PSH|ACK is not pure");
	len = tcp_frame(f, 1000, 5, 0x10, 10);
	ok(!frame_pure_ack(f, len, &info), "data is not a pure ACK");
	len = tcp_frame(f, 1000, 5, 0x11, 0);
	ok(!frame_pure_ack(f, len, &info), "FIN is not");
	len = tcp_frame(f, 1000, 5, 0x10, 0);
	f[14 + 3] = 200;
	ok(!frame_pure_ack(f, len, &info), "IP length past the frame");

	nwritten = 0;
	len = tcp_frame(f, 1000, 1, 0x10, 0);
	ackq_send(&q, f, len, record, NULL);
	len = tcp_frame(f, 1000, 2, 0x10, 0);
	ackq_send(&q, f, len, record, NULL);
	len = tcp_frame(f, 2000, 7, 0x10, 0);
	ackq_send(&q, f, len, record, NULL);
	len = tcp_frame(f, 1000, 3, 0x10, 0);
	ackq_send(&q, f, len, record, NULL);
	ok(nwritten == 0 && q.n == 2, "held: one per connection");
	len = tcp_frame(f, 1000, 3, 0x10, 0);
	ackq_send(&q, f, len, record, NULL);
	ok(q.n == 3, "a duplicate ACK is kept, not merged");
	len = tcp_frame(f, 3000, 9, 0x18, 20);
	ackq_send(&q, f, len, record, NULL);
	is_int(nwritten, 4, "a data frame flushes what is held, then goes");
	is_str(written[0], "1000/3", "newest ACK of the first connection");
	is_str(written[1], "2000/7", "the other connection, in order");
	is_str(written[2], "1000/3", "the duplicate");
	is_str(written[3], "3000/1009", "then the data frame");
	ok(q.n == 0, "nothing held");
}

static void test_seccomp(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (seccomp_enter() < 0)
			_exit(3);
		if (getpid() <= 0)
			_exit(4);
		/* mkdirat is not on the list. */
		syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/x", 0700);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	   "seccomp: a call off the list kills (status %#x)", status);
	pid = fork();
	if (pid == 0) {
		if (seccomp_enter() < 0)
			_exit(3);
		/* An ioctl the list does not name: TIOCSTI. */
		ioctl(0, TIOCSTI, "x");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	   "seccomp: ioctl(TIOCSTI) kills");
	pid = fork();
	if (pid == 0) {
		if (seccomp_enter() < 0)
			_exit(3);
		(void)!write(-1, "", 0);
		_exit(7);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 7,
	   "seccomp: allowed calls and exit work");
}

int main(void)
{
	log_init("test-slirp4netns");
	test_cidr();
	test_mac();
	test_request_add();
	test_request_other();
	test_request_complete();
	test_api_without_slirp();
	test_ackq();
	test_seccomp();
	return done_testing();
}
