// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcpframe.h"

static uint64_t sum16(const uint8_t *p, size_t n, uint64_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += get16(p);
	if (n)
		s += (uint64_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

void ip_checksum(uint8_t *ip, size_t ihl)
{
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl, 0)));
}

void tcp_checksum(uint8_t *ip, uint8_t *tcp, size_t tcp_len)
{
	uint64_t s = sum16(ip + 12, 8, 0) + 6 + tcp_len;

	put16(tcp + 16, 0);
	put16(tcp + 16, (uint16_t)~fold(sum16(tcp, tcp_len, s)));
}

void replace16(uint8_t *csum, uint8_t *p, uint16_t v)
{
	uint64_t s = (uint16_t)~get16(csum);

	s += (uint16_t)~get16(p);
	s += v;
	put16(p, v);
	put16(csum, (uint16_t)~fold(s));
}

void replace32(uint8_t *csum, uint8_t *p, uint32_t v)
{
	replace16(csum, p, (uint16_t)(v >> 16));
	replace16(csum, p + 2, (uint16_t)v);
}

bool tcp_frame_parse(const uint8_t *frame, size_t len, struct tcp_frame *t)
{
	uint8_t *ip = (uint8_t *)frame + ETH_HLEN;
	size_t tot;

	if (len < ETH_HLEN + 40 || get16(frame + 12) != 0x0800 ||
	    ip[0] >> 4 != 4 || ip[9] != 6 || (get16(ip + 6) & 0x3fff) != 0)
		return false;
	t->ihl = (size_t)(ip[0] & 15) * 4;
	tot = get16(ip + 2);
	if (t->ihl < 20 || tot > len - ETH_HLEN || tot < t->ihl + 20)
		return false;
	t->ip = ip;
	t->tcp = ip + t->ihl;
	t->tcp_hl = (size_t)(t->tcp[12] >> 4) * 4;
	if (t->tcp_hl < 20 || t->tcp_hl > tot - t->ihl)
		return false;
	t->data_len = tot - t->ihl - t->tcp_hl;
	t->seq = get32(t->tcp + 4);
	t->ack = get32(t->tcp + 8);
	t->flags = t->tcp[13];
	t->window = get16(t->tcp + 14);
	return true;
}

int tcp_wscale_option(const struct tcp_frame *t)
{
	const uint8_t *o = t->tcp + 20, *end = t->tcp + t->tcp_hl;

	while (o < end && *o != 0) {
		if (*o == 1) {
			o++;
			continue;
		}
		if (end - o < 2 || o[1] < 2 || o[1] > end - o)
			return -1;
		if (o[0] == 3 && o[1] == 3)
			return o[2] > 14 ? 14 : o[2];
		o += o[1];
	}
	return -1;
}
