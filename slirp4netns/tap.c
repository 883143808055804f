// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "log.h"
#include "tap.h"

int target_ns_open(const struct tap_target *t, const char *name,
		   const char *path)
{
	char proc[64];
	int fd;

	if (!path) {
		snprintf(proc, sizeof(proc), "/proc/%d/ns/%s", (int)t->pid,
			 name);
		path = proc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		warn_errno("cannot open %s namespace `%s'", name, path);
	return fd;
}

static int join_namespaces(const struct tap_target *t)
{
	_cleanup_close_ int netns = -1, userns = -1;

	/* Open both before joining either: after setns(CLONE_NEWUSER) the
	 * target's /proc entry may no longer be ours to open. */
	netns = target_ns_open(t, "net", t->netns_path);
	if (netns < 0)
		return -1;
	if (t->userns_path || t->pid) {
		userns = target_ns_open(t, "user", t->userns_path);
		if (userns < 0)
			return -1;
	}
	/* EINVAL: it is our own user namespace (root on the host, or a
	 * namespace path owned by our namespace): nothing to join. */
	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0 &&
	    errno != EINVAL) {
		warn_errno("cannot join the user namespace");
		return -1;
	}
	if (setns(netns, CLONE_NEWNET) < 0) {
		warn_errno("setns(CLONE_NEWNET)");
		return -1;
	}
	return 0;
}

static int open_tap(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		warn_errno("open(\"/dev/net/tun\")");
		return -1;
	}
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		warn_errno("ioctl(TUNSETIFF) for %s", name);
		close_quietly(fd);
		return -1;
	}
	return fd;
}

static void set_sin(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a };
	memcpy(sa, &sin, sizeof(sin));
}

static int if_ioctl(int sock, unsigned long req, struct ifreq *ifr,
		    const char *what)
{
	if (ioctl(sock, req, ifr) < 0) {
		warn_errno("cannot set %s of %s", what, ifr->ifr_name);
		return -1;
	}
	return 0;
}

static int configure4(const char *name, const struct net_config *cfg)
{
	_cleanup_close_ int sock =
		socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq lo = { .ifr_name = "lo",
			    .ifr_flags = IFF_UP | IFF_RUNNING };
	struct ifreq ifr = { .ifr_flags = IFF_UP | IFF_RUNNING };
	struct rtentry route = { .rt_flags = RTF_UP | RTF_GATEWAY };

	if (sock < 0) {
		warn_errno("cannot create socket");
		return -1;
	}
	memcpy(ifr.ifr_name, name, strlen(name));
	if (if_ioctl(sock, SIOCSIFFLAGS, &lo, "flags") < 0 ||
	    if_ioctl(sock, SIOCSIFFLAGS, &ifr, "flags") < 0)
		return -1;
	ifr.ifr_mtu = (int)cfg->mtu;
	if (if_ioctl(sock, SIOCSIFMTU, &ifr, "MTU") < 0)
		return -1;
	if (cfg->has_mac) {
		ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
		memcpy(ifr.ifr_hwaddr.sa_data, cfg->mac, 6);
		if (if_ioctl(sock, SIOCSIFHWADDR, &ifr, "MAC address") < 0)
			return -1;
	}
	set_sin(&ifr.ifr_addr, cfg->guest);
	if (if_ioctl(sock, SIOCSIFADDR, &ifr, "address") < 0)
		return -1;
	set_sin(&ifr.ifr_netmask, cfg->netmask);
	if (if_ioctl(sock, SIOCSIFNETMASK, &ifr, "netmask") < 0)
		return -1;
	set_sin(&route.rt_gateway, cfg->gateway);
	set_sin(&route.rt_dst, (struct in_addr){ 0 });
	set_sin(&route.rt_genmask, (struct in_addr){ 0 });
	route.rt_dev = (char *)name;
	if (ioctl(sock, SIOCADDRT, &route) < 0) {
		warn_errno("set route");
		return -1;
	}
	return 0;
}

/* The kernel's struct in6_ifreq (linux/ipv6.h clashes with netinet/in.h). */
struct in6_ifreq_k {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

static int configure6(const char *name, const struct net_config *cfg)
{
	_cleanup_close_ int sock =
		socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct in6_ifreq_k req = { .addr = cfg->guest6, .prefixlen = 64 };

	if (sock < 0) {
		warn_errno("cannot create IPv6 socket");
		return -1;
	}
	req.ifindex = (int)if_nametoindex(name);
	if (req.ifindex == 0 || ioctl(sock, SIOCSIFADDR, &req) < 0) {
		warn_errno("cannot set IPv6 address of %s", name);
		return -1;
	}
	return 0;
}

_Noreturn void tap_child(const struct tap_target *t,
			 const struct net_config *cfg, int sock)
{
	_cleanup_close_ int tapfd = -1;

	if (join_namespaces(t) < 0)
		_exit(1);
	tapfd = open_tap(t->tapname);
	if (tapfd < 0)
		_exit(1);
	if (t->configure && configure4(t->tapname, cfg) < 0)
		_exit(1);
	if (t->configure && cfg->enable_ipv6 && configure6(t->tapname, cfg) < 0)
		_exit(1);
	if (fdpass_send(sock, tapfd) < 0) {
		warn_errno("cannot send the TAP fd");
		_exit(1);
	}
	fprintf(stderr, "sent tapfd=%d for %s\n", tapfd, t->tapname);
	_exit(0);
}
