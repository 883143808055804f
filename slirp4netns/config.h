/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtual network: addresses derived from --cidr, and the parsers of
 * the options that describe it (--cidr, --macaddress, --outbound-addr*). */
#ifndef SLIRP4NETNS_CONFIG_H
#define SLIRP4NETNS_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define DEFAULT_MTU  1500
#define MAX_MTU	     65521
#define DEFAULT_CIDR "10.0.2.0/24"
/* The guest gets .100, so a prefix longer than /25 has no room for it. */
#define CIDR_PREFIX_MIN 1
#define CIDR_PREFIX_MAX 25
/* libslirp hands out this many DHCP leases from the first one. */
#define DHCP_LEASES 16

struct net_config {
	unsigned int mtu;
	struct in_addr network, netmask;
	struct in_addr gateway;	   /* network + 2: the host's loopback */
	struct in_addr nameserver; /* network + 3 */
	struct in_addr dhcp_start; /* network + 15 */
	struct in_addr guest;	   /* network + 100, set by --configure */
	struct in6_addr guest6;	   /* fd00::100 */
	bool enable_ipv6;
	bool disable_host_loopback;
	bool disable_dns;
	bool has_mac;
	unsigned char mac[6];
	bool has_outbound4, has_outbound6;
	struct sockaddr_in outbound4;
	struct sockaddr_in6 outbound6;
};

/* Fill the addresses from a CIDR like 10.0.2.0/24. Returns 0, or -1 with
 * the reason (upstream's wording) in why. */
int config_set_cidr(struct net_config *cfg, const char *cidr, char *why,
		    size_t whylen);

/* Parse xx:xx:xx:xx:xx:xx (hex digits, one or two per byte) into mac; a
 * multicast address is refused, the kernel would reject it later. */
int parse_mac(const char *s, unsigned char mac[6]);

/* An address of the family, or the first such address of the interface of
 * that name. Returns 0 or -1. */
int resolve_outbound(const char *s, int family, void *addr);

/* Dotted quad of an IPv4 address (a static buffer per call site is the
 * caller's). */
const char *ipv4_str(struct in_addr a, char buf[16]);

#endif
