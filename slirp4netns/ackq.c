// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "ackq.h"
#include "tcpframe.h"

bool frame_pure_ack(const uint8_t *frame, size_t len, struct ack_info *info)
{
	const uint8_t *ip = frame + ETH_HLEN, *tcp;
	size_t iplen, addrlen, tcplen, payload_len;
	uint16_t ethertype;

	if (len < ETH_HLEN + 20 || len > ACKQ_FRAME_MAX)
		return false;
	ethertype = get16(frame + 12);
	if (ethertype == 0x0800) {
		/* IPv4 without options, not a fragment, carrying TCP. */
		if (ip[0] != 0x45 || ip[9] != 6 ||
		    (get16(ip + 6) & 0x3fff) != 0)
			return false;
		iplen = get16(ip + 2);
		tcp = ip + 20;
		addrlen = 8;
		memset(info->flow, 0, sizeof(info->flow));
		memcpy(info->flow, ip + 12, addrlen);
		payload_len = iplen;
		if (iplen < 20)
			return false;
		payload_len = iplen - 20;
	} else if (ethertype == 0x86dd) {
		/* IPv6 whose next header is TCP. */
		if (len < ETH_HLEN + 40 || (ip[0] >> 4) != 6 || ip[6] != 6)
			return false;
		tcp = ip + 40;
		addrlen = 32;
		memset(info->flow, 0, sizeof(info->flow));
		memcpy(info->flow, ip + 8, addrlen);
		payload_len = get16(ip + 4);
		iplen = payload_len + 40;
	} else {
		return false;
	}
	if (ETH_HLEN + iplen > len || (size_t)(tcp - frame) + 20 > len ||
	    payload_len < 20)
		return false;
	tcplen = (size_t)(tcp[12] >> 4) * 4;
	if (tcplen < 20 || tcplen != payload_len ||
	    (size_t)(tcp - frame) + tcplen > len)
		return false;
	if (tcp[13] != TH_ACK)
		return false;
	memcpy(info->flow + addrlen, tcp, 4); /* the two ports */
	info->ack = get32(tcp + 8);
	info->window = get16(tcp + 14);
	return true;
}

void ackq_flush(struct ackq *q, ackq_write_fn write, void *ctx)
{
	for (size_t i = 0; i < q->n; i++)
		write(q->slot[i].frame, q->slot[i].len, ctx);
	q->n = 0;
}

int ackq_send(struct ackq *q, const uint8_t *frame, size_t len,
	      ackq_write_fn write, void *ctx)
{
	struct ack_info info;

	if (!frame_pure_ack(frame, len, &info)) {
		ackq_flush(q, write, ctx);
		return write(frame, len, ctx);
	}
	/* Replace the held ACK of this connection if this one moves the
	 * acknowledgement forward; it must be the last held frame of the
	 * connection, or the order of its ACKs would change. */
	for (size_t i = q->n; i-- > 0;) {
		struct ackq_slot *s = &q->slot[i];

		if (memcmp(s->info.flow, info.flow, sizeof(info.flow)) != 0)
			continue;
		if (seq_after(info.ack, s->info.ack)) {
			s->info = info;
			s->len = len;
			memcpy(s->frame, frame, len);
			return 0;
		}
		break;
	}
	if (q->n == ACKQ_SLOTS)
		ackq_flush(q, write, ctx);
	q->slot[q->n].info = info;
	q->slot[q->n].len = len;
	memcpy(q->slot[q->n].frame, frame, len);
	q->n++;
	return 0;
}
