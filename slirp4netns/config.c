// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "parse.h"

static struct in_addr offset_addr(struct in_addr net, uint32_t offset)
{
	struct in_addr a = { .s_addr = htonl(ntohl(net.s_addr) + offset) };
	return a;
}

int config_set_cidr(struct net_config *cfg, const char *cidr, char *why,
		    size_t whylen)
{
	const char *slash = strchr(cidr, '/');
	char addr[INET_ADDRSTRLEN];
	size_t addrlen;
	uint32_t prefix, mask;
	struct in_addr net;

	/* inet_pton takes exactly the dotted quad; the prefix is one or two
	 * decimal digits, as upstream's regular expression allows. */
	addrlen = slash ? (size_t)(slash - cidr) : 0;
	if (!slash || addrlen == 0 || addrlen >= sizeof(addr) ||
	    strlen(slash + 1) < 1 || strlen(slash + 1) > 2 ||
	    parse_u32(slash + 1, &prefix) < 0) {
		snprintf(why, whylen, "invalid CIDR: %s", cidr);
		return -1;
	}
	memcpy(addr, cidr, addrlen);
	addr[addrlen] = '\0';
	if (inet_pton(AF_INET, addr, &net) != 1) {
		snprintf(why, whylen, "invalid network address: %s", addr);
		return -1;
	}
	if (prefix < CIDR_PREFIX_MIN || prefix > CIDR_PREFIX_MAX) {
		snprintf(why, whylen, "prefix length needs to be %d-%d",
			 CIDR_PREFIX_MIN, CIDR_PREFIX_MAX);
		return -1;
	}
	mask = htonl(~((UINT32_C(1) << (32 - prefix)) - 1));
	if ((net.s_addr & mask) != net.s_addr) {
		snprintf(why, whylen,
			 "CIDR needs to be a network address like "
			 "10.0.2.0/24, not like 10.0.2.100/24");
		return -1;
	}
	cfg->network = net;
	cfg->netmask.s_addr = mask;
	cfg->gateway = offset_addr(net, 2);
	cfg->nameserver = offset_addr(net, 3);
	cfg->dhcp_start = offset_addr(net, 15);
	cfg->guest = offset_addr(net, 100);
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_mac(const char *s, unsigned char mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hex_value(*s), lo;

		if (hi < 0)
			return -1;
		s++;
		lo = hex_value(*s);
		if (lo >= 0) {
			mac[i] = (unsigned char)(hi << 4 | lo);
			s++;
		} else {
			mac[i] = (unsigned char)hi;
		}
		if (i < 5 && *s++ != ':')
			return -1;
	}
	if (*s != '\0' || (mac[0] & 1))
		return -1;
	return 0;
}

int resolve_outbound(const char *s, int family, void *addr)
{
	struct ifaddrs *list, *ifa;
	int ret = -1;

	if (inet_pton(family, s, addr) == 1)
		return 0;
	if (getifaddrs(&list) < 0)
		return -1;
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family ||
		    strcmp(ifa->ifa_name, s) != 0)
			continue;
		if (family == AF_INET)
			*(struct in_addr *)addr =
				((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
		else
			*(struct in6_addr *)addr =
				((struct sockaddr_in6 *)ifa->ifa_addr)
					->sin6_addr;
		ret = 0;
		break;
	}
	freeifaddrs(list);
	return ret;
}

const char *ipv4_str(struct in_addr a, char buf[16])
{
	return inet_ntop(AF_INET, &a, buf, 16);
}
