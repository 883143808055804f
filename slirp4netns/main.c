// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * slirp4netns: user-mode networking for an unprivileged network namespace,
 * through libslirp. A drop-in for slirp4netns 1.2/1.3: same options,
 * defaults, messages and API.
 *
 *   main.c     options and the sequence of steps, top to bottom
 *   config.c   the virtual network from --cidr; MAC and outbound parsing
 *   tap.c      the child: join the namespaces, open and configure the TAP
 *   loop.c     the event loop: TAP frames, libslirp, timers, API, exit fd
 *   api.c      the API socket: connections, forwards
 *   request.c  one API request from JSON (pure, fuzzed)
 *   sandbox.c  --enable-sandbox; seccomp.c  --enable-seccomp
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <linux/nsfs.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "config.h"
#include "fd.h"
#include "fdpass.h"
#include "io.h"
#include "log.h"
#include "loop.h"
#include "parse.h"
#include "sandbox.h"
#include "tap.h"

enum netns_type { NETNS_PID, NETNS_PATH, NETNS_TAPFD };

struct options {
	struct net_config cfg;
	struct tap_target target;
	enum netns_type netns_type;
	int tapfd;
	int exit_fd, ready_fd;
	const char *api_socket;
	bool enable_sandbox, enable_seccomp;
};

static void usage(FILE *out)
{
	/* podman and rootlesskit find features by searching this text for
	 * option names: every option must stay listed. */
	fprintf(out,
		"Usage: slirp4netns [OPTION]... PID|PATH|FD [TAPNAME]\n"
		"User-mode networking for unprivileged network namespaces.\n"
		"\n"
		"-c, --configure          bring up the interface\n"
		"-e, --exit-fd=FD         specify the FD for terminating "
		"slirp4netns\n"
		"-r, --ready-fd=FD        specify the FD to write to when the "
		"network is configured\n"
		"-m, --mtu=MTU            specify MTU (default=%d, max=%d)\n"
		"-6, --enable-ipv6        enable IPv6 (experimental)\n"
		"-a, --api-socket=PATH    specify API socket path\n"
		"--cidr=CIDR              specify network address CIDR "
		"(default=%s)\n"
		"--disable-host-loopback  prohibit connecting to 127.0.0.1:* "
		"on the host namespace\n"
		"--netns-type=TYPE \t specify network namespace type "
		"([path|pid|tapfd], default=pid)\n"
		"--userns-path=PATH\t specify user namespace path\n"
		"--enable-sandbox         create a new mount namespace (and "
		"drop all caps except CAP_NET_BIND_SERVICE if running as the "
		"root)\n"
		"--enable-seccomp         enable seccomp to limit syscalls "
		"(experimental)\n"
		"--outbound-addr=IPv4     sets outbound ipv4 address to bound "
		"to (experimental)\n"
		"--outbound-addr6=IPv6    sets outbound ipv6 address to bound "
		"to (experimental)\n"
		"--disable-dns            disables 10.0.2.3 (or configured "
		"internal ip) to host dns redirect (experimental)\n"
		"--macaddress=MAC         specify the MAC address of the TAP "
		"(only valid with -c)\n"
		"--target-type=TYPE       specify the target type ([netns], "
		"default=netns)\n"
		"-h, --help               show this help and exit\n"
		"-v, --version            show version and exit\n",
		DEFAULT_MTU, MAX_MTU, DEFAULT_CIDR);
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("slirp4netns version %s\n", PROJECT_VERSION);
	printf("libslirp: %s\n", slirp_version_string());
	printf("SLIRP_CONFIG_VERSION_MAX: %d\n", SLIRP_CONFIG_VERSION_MAX);
	if (v)
		printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

/* Upstream prints the reason, then the usage, and exits 1: scripts that
 * drive it see the same status from us. */
_Noreturn static void bad_usage(const char *fmt, ...) PRINTF_LIKE(1, 2);
_Noreturn static void bad_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn("%s", msg);
	fprintf(stderr, "Try 'slirp4netns --help' for more information.\n");
	exit(1);
}

static int parse_fd_option(const char *arg, const char *name)
{
	int fd;

	if (parse_fd(arg, &fd) < 0)
		bad_usage("%s must be a non-negative integer", name);
	return fd;
}

enum {
	OPT_CIDR = 256,
	OPT_DISABLE_HOST_LOOPBACK,
	OPT_NO_HOST_LOOPBACK, /* deprecated */
	OPT_NETNS_TYPE,
	OPT_USERNS_PATH,
	OPT_ENABLE_SANDBOX,
	OPT_CREATE_SANDBOX, /* deprecated */
	OPT_ENABLE_SECCOMP,
	OPT_OUTBOUND_ADDR,
	OPT_OUTBOUND_ADDR6,
	OPT_DISABLE_DNS,
	OPT_MACADDRESS,
	OPT_TARGET_TYPE,
};

static const struct option longopts[] = {
	{ "configure", no_argument, NULL, 'c' },
	{ "exit-fd", required_argument, NULL, 'e' },
	{ "ready-fd", required_argument, NULL, 'r' },
	{ "mtu", required_argument, NULL, 'm' },
	{ "enable-ipv6", no_argument, NULL, '6' },
	{ "api-socket", required_argument, NULL, 'a' },
	{ "cidr", required_argument, NULL, OPT_CIDR },
	{ "disable-host-loopback", no_argument, NULL,
	  OPT_DISABLE_HOST_LOOPBACK },
	{ "no-host-loopback", no_argument, NULL, OPT_NO_HOST_LOOPBACK },
	{ "netns-type", required_argument, NULL, OPT_NETNS_TYPE },
	{ "userns-path", required_argument, NULL, OPT_USERNS_PATH },
	{ "enable-sandbox", no_argument, NULL, OPT_ENABLE_SANDBOX },
	{ "create-sandbox", no_argument, NULL, OPT_CREATE_SANDBOX },
	{ "enable-seccomp", no_argument, NULL, OPT_ENABLE_SECCOMP },
	{ "outbound-addr", required_argument, NULL, OPT_OUTBOUND_ADDR },
	{ "outbound-addr6", required_argument, NULL, OPT_OUTBOUND_ADDR6 },
	{ "disable-dns", no_argument, NULL, OPT_DISABLE_DNS },
	{ "macaddress", required_argument, NULL, OPT_MACADDRESS },
	{ "target-type", required_argument, NULL, OPT_TARGET_TYPE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static void parse_target(struct options *o, char *const *args, int nargs)
{
	struct tap_target *t = &o->target;
	uint32_t n;

	if (nargs < 1)
		bad_usage("missing PID|PATH|FD");
	if (nargs > 2)
		bad_usage("too many arguments: `%s'", args[2]);
	t->tapname = nargs == 2 ? args[1] : "tap0";
	if (t->tapname[0] == '\0' || strlen(t->tapname) >= IFNAMSIZ ||
	    strchr(t->tapname, '/') || strchr(t->tapname, ' '))
		bad_usage("invalid TAP device name: `%s'", t->tapname);
	switch (o->netns_type) {
	case NETNS_PID:
		if (parse_u32(args[0], &n) < 0 || n == 0 || n > INT32_MAX)
			bad_usage("PID must be a positive integer");
		t->pid = (pid_t)n;
		break;
	case NETNS_PATH:
		if (access(args[0], F_OK) < 0)
			bad_usage("existing path expected when "
				  "--netns-type=path: %s: %s",
				  args[0], strerror(errno));
		t->netns_path = args[0];
		break;
	case NETNS_TAPFD:
		o->tapfd = parse_fd_option(args[0], "FD");
		break;
	}
}

/* The options that describe the virtual network, as given. */
struct network_args {
	const char *cidr, *mac, *out4, *out6;
};

/* The addresses and device settings from --cidr, --macaddress and
 * --outbound-addr*, with upstream's messages. */
static void apply_network_options(struct options *o,
				  const struct network_args *n)
{
	char why[256];

	if (config_set_cidr(&o->cfg, n->cidr, why, sizeof(why)) < 0)
		bad_usage("%s", why);
	if (n->mac) {
		if (!o->target.configure)
			bad_usage("--macaddr cannot be specified when "
				  "--configure or -c is not specified");
		if (parse_mac(n->mac, o->cfg.mac) < 0)
			bad_usage("\"%s\" is an invalid MAC address.", n->mac);
		o->cfg.has_mac = true;
	}
	if (n->out4) {
		o->cfg.outbound4.sin_family = AF_INET;
		if (resolve_outbound(n->out4, AF_INET,
				     &o->cfg.outbound4.sin_addr) < 0)
			bad_usage("outbound-addr has to be valid ipv4 address "
				  "or interface name.");
		o->cfg.has_outbound4 = true;
	}
	if (n->out6) {
		o->cfg.outbound6.sin6_family = AF_INET6;
		if (resolve_outbound(n->out6, AF_INET6,
				     &o->cfg.outbound6.sin6_addr) < 0)
			bad_usage("outbound-addr6 has to be valid ipv6 address "
				  "or interface name.");
		o->cfg.has_outbound6 = true;
	}
}

/* Options that are fine alone but not together, and fds that must be
 * open. */
static void check_combinations(const struct options *o)
{
	if (o->netns_type == NETNS_TAPFD && o->target.configure)
		bad_usage("--configure needs the namespace: it cannot be used "
			  "with --netns-type=tapfd");
	if (o->exit_fd >= 0 && !fd_is_open(o->exit_fd))
		bad_usage("exit-fd %d is not open", o->exit_fd);
	if (o->ready_fd >= 0 && !fd_is_open(o->ready_fd))
		bad_usage("ready-fd %d is not open", o->ready_fd);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	struct network_args net = { .cidr = DEFAULT_CIDR };
	uint32_t mtu;
	int c;

	memset(o, 0, sizeof(*o));
	o->exit_fd = o->ready_fd = o->tapfd = -1;
	o->cfg.mtu = DEFAULT_MTU;
	inet_pton(AF_INET6, "fd00::100", &o->cfg.guest6);
	while ((c = getopt_long(argc, argv, "+ce:r:m:6a:hv", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			o->target.configure = true;
			break;
		case 'e':
			o->exit_fd = parse_fd_option(optarg, "exit-fd");
			break;
		case 'r':
			o->ready_fd = parse_fd_option(optarg, "ready-fd");
			break;
		case 'm':
			if (parse_u32(optarg, &mtu) < 0 || mtu == 0 ||
			    mtu > MAX_MTU)
				bad_usage("MTU must be a positive integer "
					  "(< %d)",
					  MAX_MTU + 1);
			o->cfg.mtu = mtu;
			break;
		case '6':
			printf("WARNING: Support for IPv6 is experimental\n");
			o->cfg.enable_ipv6 = true;
			break;
		case 'a':
			o->api_socket = optarg;
			break;
		case OPT_CIDR:
			net.cidr = optarg;
			break;
		case OPT_NO_HOST_LOOPBACK:
			printf("WARNING: --no-host-loopback is deprecated and "
			       "will be removed in future releases, please "
			       "use --disable-host-loopback instead.\n");
			/* fall through */
		case OPT_DISABLE_HOST_LOOPBACK:
			o->cfg.disable_host_loopback = true;
			break;
		case OPT_NETNS_TYPE:
			if (strcmp(optarg, "pid") == 0)
				o->netns_type = NETNS_PID;
			else if (strcmp(optarg, "path") == 0)
				o->netns_type = NETNS_PATH;
			else if (strcmp(optarg, "tapfd") == 0)
				o->netns_type = NETNS_TAPFD;
			else
				bad_usage("unknown --netns-type: `%s' (path, "
					  "pid or tapfd)",
					  optarg);
			break;
		case OPT_USERNS_PATH:
			if (access(optarg, F_OK) < 0)
				bad_usage("userns path doesn't exist: %s",
					  optarg);
			o->target.userns_path = optarg;
			break;
		case OPT_CREATE_SANDBOX:
			printf("WARNING: --create-sandbox is deprecated and "
			       "will be removed in future releases, please "
			       "use --enable-sandbox instead.\n");
			/* fall through */
		case OPT_ENABLE_SANDBOX:
			o->enable_sandbox = true;
			break;
		case OPT_ENABLE_SECCOMP:
			printf("WARNING: Support for seccomp is "
			       "experimental\n");
			o->enable_seccomp = true;
			break;
		case OPT_OUTBOUND_ADDR:
			net.out4 = optarg;
			break;
		case OPT_OUTBOUND_ADDR6:
			net.out6 = optarg;
			break;
		case OPT_DISABLE_DNS:
			o->cfg.disable_dns = true;
			break;
		case OPT_MACADDRESS:
			net.mac = optarg;
			break;
		case OPT_TARGET_TYPE:
			if (strcmp(optarg, "netns") != 0)
				bad_usage("unsupported --target-type: `%s' "
					  "(only netns)",
					  optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'v':
			version();
			exit(0);
		default:
			fprintf(stderr, "Try 'slirp4netns --help' for more "
					"information.\n");
			exit(1);
		}
	}
	parse_target(o, argv + optind, argc - optind);
	apply_network_options(o, &net);
	check_combinations(o);
}

/* Fork the child that opens the TAP device in the target's namespaces and
 * receive its fd. */
static int tap_from_child(const struct options *o)
{
	_cleanup_close_ int parent_end = -1;
	int sv[2], status, tapfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("socketpair");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		close_quietly(sv[0]);
		tap_child(&o->target, &o->cfg, sv[1]);
	}
	close_quietly(sv[1]);
	parent_end = sv[0];
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	if (!WIFEXITED(status))
		die("child failed");
	if (WEXITSTATUS(status) != 0)
		die_status(WEXITSTATUS(status), "child failed(%d)",
			   WEXITSTATUS(status));
	tapfd = fdpass_recv(parent_end);
	if (tapfd < 0)
		die_errno("cannot receive the TAP fd");
	fprintf(stderr, "received tapfd=%d\n", tapfd);
	return tapfd;
}

/* The TAP fd must be a TAP device without packet information; returns the
 * length of the virtio-net header it carries before each frame (ours have
 * one; an inherited fd may not). */
static size_t tap_check(int fd)
{
	struct ifreq ifr;
	int len;

	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		die_errno("fd %d is not a TUN/TAP device", fd);
	if (!(ifr.ifr_flags & IFF_TAP) || !(ifr.ifr_flags & IFF_NO_PI))
		die("fd %d is not a TAP device without packet information "
		    "(IFF_TAP | IFF_NO_PI)",
		    fd);
	if (!(ifr.ifr_flags & IFF_VNET_HDR))
		return 0;
	if (ioctl(fd, TUNGETVNETHDRSZ, &len) < 0)
		die_errno("ioctl(TUNGETVNETHDRSZ) on fd %d", fd);
	if (len < (int)sizeof(struct virtio_net_hdr) || len > 64)
		die("fd %d: unexpected virtio-net header size %d", fd, len);
	return (size_t)len;
}

/* The user namespace the sandbox joins when we are not root: the
 * --userns-path, the target PID's, or the owner of the --netns-type=path
 * namespace. */
static int sandbox_userns(const struct options *o)
{
	_cleanup_close_ int netns = -1;
	int fd;

	if (!o->enable_sandbox || geteuid() == 0)
		return -1;
	if (o->target.userns_path || o->target.pid) {
		fd = target_ns_open(&o->target, "user", o->target.userns_path);
		if (fd < 0)
			exit(1);
		return fd;
	}
	if (o->target.netns_path) {
		netns = target_ns_open(&o->target, "net", o->target.netns_path);
		if (netns < 0)
			exit(1);
		fd = ioctl(netns, NS_GET_USERNS);
		if (fd < 0)
			die_errno("cannot find the user namespace owning `%s'",
				  o->target.netns_path);
		fd_set_cloexec(fd, true);
		return fd;
	}
	die("--enable-sandbox needs --userns-path with --netns-type=tapfd "
	    "when not run as root");
}

static void banner(const struct options *o)
{
	const struct net_config *c = &o->cfg;
	char a[16], end[16];
	struct in_addr last = { .s_addr = htonl(ntohl(c->dhcp_start.s_addr) +
						DHCP_LEASES - 1) };

	printf("Starting slirp\n");
	printf("* MTU:             %u\n", c->mtu);
	printf("* Network:         %s\n", ipv4_str(c->network, a));
	printf("* Netmask:         %s\n", ipv4_str(c->netmask, a));
	printf("* Gateway:         %s\n", ipv4_str(c->gateway, a));
	printf("* DNS:             %s\n", ipv4_str(c->nameserver, a));
	printf("* DHCP begin:      %s\n", ipv4_str(c->dhcp_start, a));
	printf("* DHCP end:        %s\n", ipv4_str(last, end));
	printf("* Recommended IP:  %s\n", ipv4_str(c->guest, a));
	if (o->api_socket)
		printf("* API Socket:      %s\n", o->api_socket);
	if (c->has_outbound4)
		printf("* Outbound IPv4:    %s\n",
		       ipv4_str(c->outbound4.sin_addr, a));
	if (c->has_outbound6) {
		char s6[INET6_ADDRSTRLEN];

		printf("* Outbound IPv6:    %s\n",
		       inet_ntop(AF_INET6, &c->outbound6.sin6_addr, s6,
				 sizeof(s6)));
	}
	if (c->has_mac)
		printf("* MAC address:     %02x:%02x:%02x:%02x:%02x:%02x\n",
		       c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4],
		       c->mac[5]);
	if (!c->disable_host_loopback)
		printf("WARNING: 127.0.0.1:* on the host is accessible as %s "
		       "(set --disable-host-loopback to prohibit connecting "
		       "to 127.0.0.1:*)\n",
		       ipv4_str(c->gateway, a));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct options o;
	struct api *api = NULL;
	struct loop *loop;
	int tapfd, userns = -1, ret;
	size_t vnet_hdr_len;

	log_init("slirp4netns");
	if (fd_ensure_stdio() < 0)
		die_errno("cannot open /dev/null");
	parse_options(argc, argv, &o);
	/* Sockets of clients that went away must not kill us. */
	signal(SIGPIPE, SIG_IGN);

	userns = sandbox_userns(&o);
	tapfd = o.netns_type == NETNS_TAPFD ? o.tapfd : tap_from_child(&o);
	vnet_hdr_len = tap_check(tapfd);
	if (fd_set_cloexec(tapfd, true) < 0)
		die_errno("fcntl on fd %d", tapfd);
	banner(&o);
	if (o.api_socket) {
		api = api_listen(o.api_socket, &o.cfg);
		if (!api)
			exit(1);
	}
	loop = loop_new(&o.cfg, tapfd, vnet_hdr_len, o.exit_fd, api);
	if (api)
		api_set_slirp(api, loop_slirp(loop));
	if (o.enable_sandbox && sandbox_enter(userns) < 0)
		exit(1);
	close_quietly(userns);
	if (o.enable_seccomp && seccomp_enter() < 0)
		exit(1);
	if (o.ready_fd >= 0) {
		if (write_all(o.ready_fd, "1", 1) < 0)
			warn_errno("cannot write to ready-fd %d", o.ready_fd);
		close_quietly(o.ready_fd);
	}
	ret = loop_run(loop);
	/* After pivot_root the socket's path is not ours to see. */
	if (!o.enable_sandbox)
		api_unlink(api);
	api_free(api);
	loop_free(loop);
	close_quietly(tapfd);
	return ret < 0 ? 1 : 0;
}
