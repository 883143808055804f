// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ackahead.h"
#include "tcpframe.h"

/* Sending again: the namespace is in this machine, so the first timeout
 * is short; it doubles up to RTO_MAX_MS while nothing is acknowledged. */
#define RTO_MIN_MS 200
#define RTO_MAX_MS 10000
/* A handshake not finished by then is forgotten. */
#define HANDSHAKE_MS 30000
#define BUCKETS	     1024
/* Ethernet, IPv4 and TCP headers, at most. */
#define HDR_MAX (ETH_HLEN + 60 + 60)

/* A frame from libslirp, kept until the namespace acknowledges it. */
struct seg {
	struct seg *next;
	uint32_t seq, end; /* end counts the FIN */
	uint16_t hdr_len;  /* Ethernet, IP and TCP headers */
	bool fin;
	size_t len;
	uint8_t frame[];
};

/* A place on a list that is left without a scan. */
struct link {
	struct link *next, **prev; /* prev NULL: on no list */
};

#define FLOW_OF(l, member)                                                     \
	((struct flow *)((char *)(l)-offsetof(struct flow, member)))

enum flow_state {
	NS_SYN,	   /* the namespace's SYN offered scaling */
	SLIRP_SYN, /* libslirp's SYN (a port forward) was given scaling */
	ACTIVE,	   /* both agreed */
};

struct flow {
	struct flow *next;     /* in its bucket */
	struct flow *due_next; /* in the list of ACKs to tell libslirp */
	struct link busy;      /* on the list of those with frames kept */
	struct link starved;   /* on the list of those told a window < 64K */
	uint8_t key[12]; /* libslirp's address, the namespace's, their ports */
	uint8_t eth[12]; /* Ethernet addresses toward libslirp */
	enum flow_state state;
	uint8_t shift;	     /* the namespace's window scale */
	uint16_t syn_window; /* the window of the namespace's SYN */
	bool ack_due;
	bool fin_kept;	   /* libslirp's FIN is the last frame kept */
	bool ns_fin_seen;  /* the namespace sent its FIN, at ns_fin */
	bool ns_fin_acked; /* and libslirp acknowledged it */
	uint32_t ns_fin;
	unsigned dupacks;
	int rto_ms;
	int64_t born_ms, rto_at; /* rto_at -1: nothing kept */
	/* Toward the namespace, as a TCP sender's snd_una, snd_nxt and
	 * snd_max: */
	uint32_t una, nxt, max;
	uint32_t recover; /* max when a fast retransmit began */
	uint32_t window;  /* the namespace's, from una, in bytes */
	/* Toward libslirp: */
	uint32_t acked;	    /* all before arrived, as far as libslirp knows */
	uint32_t told;	    /* the highest ACK libslirp has had */
	uint32_t edge;	    /* told plus the window told with it */
	uint32_t slirp_ack; /* libslirp's last acknowledgement */
	size_t kept;	    /* bytes of data kept */
	struct seg *head, *tail, *next_send; /* next_send holds nxt */
};

struct ahead {
	ahead_write_fn write;
	ahead_input_fn input;
	void *ctx;
	size_t max_kept; /* per connection: AHEAD_WINDOW and one frame */
	size_t nflows, kept;
	int64_t swept_ms;
	struct flow *due;
	struct link *busy, *starved;
	struct flow *bucket[BUCKETS];
};

/* libslirp's address, the namespace's, and both ports. */
static void key_of(const struct tcp_frame *t, bool from_slirp, uint8_t *key)
{
	const uint8_t *slirp = t->ip + (from_slirp ? 12 : 16);
	const uint8_t *ns = t->ip + (from_slirp ? 16 : 12);

	memcpy(key, slirp, 4);
	memcpy(key + 4, ns, 4);
	memcpy(key + 8, t->tcp + (from_slirp ? 0 : 2), 2);
	memcpy(key + 10, t->tcp + (from_slirp ? 2 : 0), 2);
}

/* --- connections --- */

static struct flow **bucket_of(struct ahead *a, const uint8_t *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (int i = 0; i < 12; i++)
		h = (h ^ key[i]) * 16777619u;
	return &a->bucket[h % BUCKETS];
}

static struct flow *flow_find(struct ahead *a, const uint8_t *key)
{
	for (struct flow *f = *bucket_of(a, key); f; f = f->next)
		if (memcmp(f->key, key, sizeof(f->key)) == 0)
			return f;
	return NULL;
}

static void link_add(struct link **list, struct link *l)
{
	if (l->prev)
		return;
	l->next = *list;
	if (*list)
		(*list)->prev = &l->next;
	*list = l;
	l->prev = list;
}

static void link_remove(struct link *l)
{
	if (!l->prev)
		return;
	*l->prev = l->next;
	if (l->next)
		l->next->prev = l->prev;
	l->prev = NULL;
}

static void ack_due(struct ahead *a, struct flow *f)
{
	if (f->ack_due)
		return;
	f->ack_due = true;
	f->due_next = a->due;
	a->due = f;
}

static void free_head(struct ahead *a, struct flow *f)
{
	struct seg *s = f->head;
	size_t data = s->end - s->seq - s->fin;

	f->head = s->next;
	if (!f->head)
		f->tail = NULL;
	if (f->next_send == s)
		f->next_send = f->head;
	f->kept -= data;
	a->kept -= data;
	free(s);
}

static void flow_drop(struct ahead *a, struct flow *f)
{
	struct flow **p;

	for (p = bucket_of(a, f->key); *p != f; p = &(*p)->next)
		;
	*p = f->next;
	if (f->ack_due) {
		for (p = &a->due; *p != f; p = &(*p)->due_next)
			;
		*p = f->due_next;
	}
	link_remove(&f->busy);
	link_remove(&f->starved);
	while (f->head)
		free_head(a, f);
	free(f);
	a->nflows--;
}

/* Handshakes never finished are forgotten after HANDSHAKE_MS. */
static void sweep(struct ahead *a, int64_t now_ms)
{
	if (now_ms - a->swept_ms < HANDSHAKE_MS)
		return;
	a->swept_ms = now_ms;
	for (size_t i = 0; i < BUCKETS; i++) {
		for (struct flow *f = a->bucket[i], *next; f; f = next) {
			next = f->next;
			if (f->state != ACTIVE &&
			    now_ms - f->born_ms > HANDSHAKE_MS)
				flow_drop(a, f);
		}
	}
}

static struct flow *flow_new(struct ahead *a, const uint8_t *key,
			     enum flow_state state, int64_t now_ms)
{
	struct flow **b, *f;

	sweep(a, now_ms);
	if (a->nflows >= AHEAD_FLOWS)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	memcpy(f->key, key, sizeof(f->key));
	f->state = state;
	f->born_ms = now_ms;
	f->rto_ms = RTO_MIN_MS;
	f->rto_at = -1;
	b = bucket_of(a, key);
	f->next = *b;
	*b = f;
	a->nflows++;
	return f;
}

/* Both FINs sent and acknowledged: nothing more to do. */
static bool closed(const struct flow *f)
{
	return f->fin_kept && !f->head && f->ns_fin_acked;
}

/* The window to tell libslirp: what it may send beyond what it was told
 * arrived, within max_kept for the connection and AHEAD_TOTAL for all. */
static uint16_t room(const struct ahead *a, const struct flow *f)
{
	size_t left = f->kept < a->max_kept ? a->max_kept - f->kept : 0;

	if (a->kept >= AHEAD_TOTAL)
		left = 0;
	else if (AHEAD_TOTAL - a->kept < left)
		left = AHEAD_TOTAL - a->kept;
	return left > 65535 ? 65535 : (uint16_t)left;
}

/* libslirp is told ack with window: remember where its window ends, and
 * whether it must hear again when there is more room. */
static void told(struct ahead *a, struct flow *f, uint32_t ack, uint16_t window)
{
	if (seq_after(ack, f->told))
		f->told = ack;
	f->edge = f->told + window;
	if (window < 65535)
		link_add(&a->starved, &f->starved);
	else
		link_remove(&f->starved);
}

/* Room came free: tell the connections whose window was shut. */
static void unstarve(struct ahead *a)
{
	for (struct link *l = a->starved, *next; l; l = next) {
		struct flow *f = FLOW_OF(l, starved);

		next = l->next;
		if (seq_after(f->acked + room(a, f), f->edge)) {
			link_remove(&f->starved);
			ack_due(a, f);
		}
	}
}

/* --- toward the namespace --- */

/* Write libslirp's SYN (or SYN-ACK) with a window scale option of 0: its
 * windows then mean what they say, and the namespace may scale its own. */
static int write_with_wscale(struct ahead *a, const uint8_t *frame, size_t len,
			     const struct tcp_frame *t)
{
	uint8_t out[HDR_MAX + 64];
	size_t hdr_end = (size_t)(t->tcp - frame) + t->tcp_hl;
	size_t tot = get16(t->ip + 2) + 4;
	uint8_t *ip = out + ETH_HLEN, *tcp = ip + t->ihl;

	if (t->tcp_hl + 4 > 60 || len + 4 > sizeof(out))
		return a->write(frame, len, a->ctx);
	memcpy(out, frame, hdr_end);
	memcpy(out + hdr_end, "\x01\x03\x03\x00", 4);
	memcpy(out + hdr_end + 4, frame + hdr_end, len - hdr_end);
	put16(ip + 2, (uint16_t)tot);
	ip_checksum(ip, t->ihl);
	tcp[12] = (uint8_t)((t->tcp_hl + 4) / 4 << 4 | (tcp[12] & 15));
	tcp_checksum(ip, tcp, tot - t->ihl);
	return a->write(out, len + 4, a->ctx);
}

/* Write the sequence numbers [from, to) of s: the frame as kept, or cut
 * to them (a window smaller than the frame, or a partial ACK). A cut is
 * made in place, without a copy of the data or a frame-sized buffer: the
 * headers go just before the first byte sent, over bytes that are put back
 * once written (they may be needed again). */
static int write_range(struct ahead *a, struct seg *s, uint32_t from,
		       uint32_t to)
{
	uint8_t hdr[HDR_MAX], under[HDR_MAX], *out, *ip, *tcp;
	uint32_t data_end = s->end - s->fin;
	size_t hdr_len = s->hdr_len, ihl, tcp_hl, n;
	int ret;

	if (from == s->seq && to == s->end)
		return a->write(s->frame, s->len, a->ctx);
	n = (seq_after(to, data_end) ? data_end : to) - from;
	out = s->frame + (from - s->seq);
	memcpy(hdr, s->frame, hdr_len);
	memcpy(under, out, hdr_len);
	memcpy(out, hdr, hdr_len);
	ip = out + ETH_HLEN;
	ihl = (size_t)(ip[0] & 15) * 4;
	tcp = ip + ihl;
	tcp_hl = (size_t)(tcp[12] >> 4) * 4;
	put16(ip + 2, (uint16_t)(ihl + tcp_hl + n));
	ip_checksum(ip, ihl);
	put32(tcp + 4, from);
	if (to != s->end)
		tcp[13] &= (uint8_t) ~(TH_FIN | TH_PSH);
	tcp_checksum(ip, tcp, tcp_hl + n);
	ret = a->write(out, hdr_len + n, a->ctx);
	memcpy(out, under, hdr_len);
	return ret;
}

/* Write from nxt what the namespace's window takes. */
static int send_window(struct ahead *a, struct flow *f, int64_t now_ms)
{
	uint32_t limit = f->una + f->window;
	int ret = 0;

	while (f->next_send && seq_after(limit, f->nxt)) {
		struct seg *s = f->next_send;
		uint32_t from = seq_after(s->seq, f->nxt) ? s->seq : f->nxt;
		uint32_t to = seq_after(s->end, limit) ? limit : s->end;

		if (write_range(a, s, from, to) < 0)
			ret = -1;
		f->nxt = to;
		if (seq_after(to, f->max))
			f->max = to;
		if (to != s->end)
			break;
		f->next_send = s->next;
	}
	if (f->head && f->rto_at < 0)
		f->rto_at = now_ms + f->rto_ms;
	return ret;
}

/* Send again the first frame the namespace lacks, as far as it went. */
static void resend_una(struct ahead *a, struct flow *f)
{
	struct seg *s = f->head;

	if (s && seq_after(f->max, f->una))
		write_range(a, s, f->una,
			    seq_after(s->end, f->max) ? f->max : s->end);
}

/* Nothing acknowledged in time: send all again from una (go back N), or
 * probe a window shut too long with one byte. */
static void timed_out(struct ahead *a, struct flow *f, int64_t now_ms)
{
	struct seg *s = f->head;

	f->nxt = f->una;
	f->next_send = s;
	f->dupacks = 0;
	send_window(a, f, now_ms);
	if (s && f->nxt == f->una) {
		write_range(a, s, f->una, f->una + 1);
		if (seq_after(f->una + 1, f->max))
			f->max = f->una + 1;
	}
	f->rto_ms = f->rto_ms * 2 > RTO_MAX_MS ? RTO_MAX_MS : f->rto_ms * 2;
	f->rto_at = now_ms + f->rto_ms;
}

/* Keep a data segment of libslirp's and acknowledge it ahead. */
static int keep(struct ahead *a, struct flow *f, const uint8_t *frame,
		size_t len, const struct tcp_frame *t, int64_t now_ms)
{
	bool fin = t->flags & TH_FIN;
	uint32_t data_end = t->seq + (uint32_t)t->data_len;
	struct seg *s;

	if (f->fin_kept)
		return 0; /* the FIN again: it is the namespace's to answer */
	if (t->seq != f->acked || seq_after(data_end, f->edge)) {
		/* Sent again, not in order, or past the window told: what
		 * is new comes again once libslirp hears where we are. */
		ack_due(a, f);
		return 0;
	}
	s = malloc(sizeof(*s) + len);
	if (!s)
		return -1;
	memcpy(s->frame, frame, len);
	s->len = len;
	s->hdr_len = (uint16_t)(t->tcp + t->tcp_hl - frame);
	s->seq = t->seq;
	s->end = data_end + fin;
	s->fin = fin;
	s->next = NULL;
	if (f->tail)
		f->tail->next = s;
	else
		f->head = s;
	f->tail = s;
	if (!f->next_send)
		f->next_send = s;
	f->kept += t->data_len;
	a->kept += t->data_len;
	link_add(&a->busy, &f->busy);
	f->acked = data_end;
	f->fin_kept = fin;
	if (t->data_len)
		ack_due(a, f);
	return send_window(a, f, now_ms);
}

int ahead_from_slirp(struct ahead *a, const uint8_t *frame, size_t len,
		     int64_t now_ms)
{
	struct tcp_frame t;
	uint8_t key[12];
	struct flow *f;

	if (!tcp_frame_parse(frame, len, &t))
		return a->write(frame, len, a->ctx);
	key_of(&t, true, key);
	f = flow_find(a, key);
	if ((t.flags & (TH_SYN | TH_RST)) == TH_SYN) {
		if (!(t.flags & TH_ACK)) {
			/* A port forward's connection to the namespace. */
			if (f)
				flow_drop(a, f);
			f = flow_new(a, key, SLIRP_SYN, now_ms);
			if (!f)
				return a->write(frame, len, a->ctx);
		} else if (!f || f->state == SLIRP_SYN ||
			   (f->state == ACTIVE && f->head)) {
			return a->write(frame, len, a->ctx);
		} else {
			/* The SYN-ACK to the namespace's SYN (or again). */
			f->state = ACTIVE;
			f->window = f->syn_window;
			f->slirp_ack = t.ack;
			f->told = t.seq;
			f->edge = t.seq + 1 + f->syn_window;
		}
		f->una = f->nxt = f->max = f->acked = t.seq + 1;
		memcpy(f->eth, frame + 6, 6);
		memcpy(f->eth + 6, frame, 6);
		return write_with_wscale(a, frame, len, &t);
	}
	if (f && t.flags & TH_RST) {
		flow_drop(a, f);
		f = NULL;
	}
	if (!f || f->state != ACTIVE)
		return a->write(frame, len, a->ctx);
	if (t.flags & TH_ACK && !seq_after(f->slirp_ack, t.ack))
		f->slirp_ack = t.ack;
	if (t.flags & TH_ACK && f->ns_fin_seen && seq_after(t.ack, f->ns_fin))
		f->ns_fin_acked = true;
	if (t.data_len == 0 && !(t.flags & TH_FIN)) {
		if (closed(f))
			flow_drop(a, f);
		return a->write(frame, len, a->ctx);
	}
	return keep(a, f, frame, len, &t, now_ms);
}

/* --- toward libslirp --- */

/* The namespace acknowledged ack, with its window. */
static void acknowledged(struct ahead *a, struct flow *f,
			 const struct tcp_frame *t, int64_t now_ms)
{
	uint32_t window = (uint32_t)t->window << f->shift;

	if (seq_after(t->ack, f->una) && !seq_after(t->ack, f->max)) {
		f->una = t->ack;
		while (f->head && !seq_after(f->head->end, f->una))
			free_head(a, f);
		if (seq_after(f->una, f->nxt)) {
			f->nxt = f->una;
			f->next_send = f->head;
		}
		if (!f->head)
			link_remove(&f->busy);
		if (f->dupacks >= 3 && seq_after(f->recover, f->una))
			resend_una(a, f); /* a partial ACK: the next hole */
		else
			f->dupacks = 0;
		f->window = window;
		f->rto_ms = RTO_MIN_MS;
		f->rto_at = f->head ? now_ms + f->rto_ms : -1;
		if (a->starved)
			unstarve(a);
	} else if (t->ack == f->una) {
		if (t->data_len == 0 && !(t->flags & TH_FIN) &&
		    window == f->window && f->max != f->una &&
		    ++f->dupacks == 3) {
			f->recover = f->max;
			resend_una(a, f);
		}
		f->window = window;
	}
	send_window(a, f, now_ms);
}

bool ahead_from_ns(struct ahead *a, uint8_t *frame, size_t len, int64_t now_ms)
{
	struct tcp_frame t;
	uint8_t key[12];
	struct flow *f;
	uint16_t window;
	int ws;

	if (!tcp_frame_parse(frame, len, &t))
		return true;
	key_of(&t, false, key);
	f = flow_find(a, key);
	if ((t.flags & (TH_SYN | TH_RST)) == TH_SYN) {
		ws = tcp_wscale_option(&t);
		if (!(t.flags & TH_ACK)) {
			/* The namespace connects out. */
			if (f)
				flow_drop(a, f);
			if (ws >= 0 && (f = flow_new(a, key, NS_SYN, now_ms))) {
				f->shift = (uint8_t)ws;
				f->syn_window = t.window;
			}
		} else if (f && f->state == SLIRP_SYN) {
			if (ws < 0 || t.ack != f->una) {
				flow_drop(a, f);
				return true;
			}
			f->state = ACTIVE;
			f->shift = (uint8_t)ws;
			f->window = t.window; /* a SYN's is never scaled */
			f->slirp_ack = t.seq + 1;
			f->told = t.ack;
			f->edge = t.ack + t.window;
		}
		return true;
	}
	if (f && t.flags & TH_RST) {
		flow_drop(a, f);
		f = NULL;
	}
	if (!f || f->state != ACTIVE || !(t.flags & TH_ACK))
		return true;
	if (t.flags & TH_FIN) {
		f->ns_fin_seen = true;
		f->ns_fin = t.seq + (uint32_t)t.data_len;
	}
	acknowledged(a, f, &t, now_ms);
	/* libslirp already has the ACKs that say no more than it was
	 * told. It gets the namespace's ACK of its FIN, and keepalive
	 * probes (a sequence number it acknowledged already). */
	if (t.data_len == 0 && !(t.flags & TH_FIN) &&
	    !seq_after(t.ack, f->told) && !seq_after(f->slirp_ack, t.seq))
		return false;
	if (seq_after(f->acked, t.ack))
		replace32(t.tcp + 16, t.tcp + 8, f->acked);
	window = room(a, f);
	replace16(t.tcp + 16, t.tcp + 14, window);
	told(a, f, get32(t.tcp + 8), window);
	if (closed(f))
		flow_drop(a, f);
	return true;
}

/* --- acknowledging ahead --- */

static void send_ack(struct ahead *a, struct flow *f)
{
	uint8_t frame[ETH_HLEN + 40] = { 0 };
	uint8_t *ip = frame + ETH_HLEN, *tcp = ip + 20;
	uint16_t window = room(a, f);

	memcpy(frame, f->eth, 12);
	put16(frame + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, f->key + 4, 4);
	memcpy(ip + 16, f->key, 4);
	ip_checksum(ip, 20);
	memcpy(tcp, f->key + 10, 2);
	memcpy(tcp + 2, f->key + 8, 2);
	put32(tcp + 4, f->slirp_ack);
	put32(tcp + 8, f->acked);
	tcp[12] = 5 << 4;
	tcp[13] = TH_ACK;
	put16(tcp + 14, window);
	tcp_checksum(ip, tcp, 20);
	told(a, f, f->acked, window);
	a->input(frame, sizeof(frame), a->ctx);
}

void ahead_flush(struct ahead *a)
{
	/* Each ACK lets libslirp send more, which may be kept and due
	 * again: the room told bounds the rounds. */
	while (a->due) {
		struct flow *f = a->due;

		a->due = f->due_next;
		f->ack_due = false;
		send_ack(a, f);
	}
}

/* --- timers --- */

int ahead_timeout(const struct ahead *a, int64_t now_ms)
{
	int64_t first = -1;

	for (const struct link *l = a->busy; l; l = l->next) {
		const struct flow *f = FLOW_OF(l, busy);

		if (f->rto_at >= 0 && (first < 0 || f->rto_at < first))
			first = f->rto_at;
	}
	if (first < 0)
		return -1;
	return first > now_ms ? (int)(first - now_ms) : 0;
}

void ahead_timers(struct ahead *a, int64_t now_ms)
{
	for (struct link *l = a->busy; l; l = l->next) {
		struct flow *f = FLOW_OF(l, busy);

		if (f->rto_at >= 0 && f->rto_at <= now_ms)
			timed_out(a, f, now_ms);
	}
}

/* --- life --- */

struct ahead *ahead_new(unsigned mtu, ahead_write_fn write,
			ahead_input_fn input, void *ctx)
{
	struct ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->max_kept = AHEAD_WINDOW + mtu;
	a->write = write;
	a->input = input;
	a->ctx = ctx;
	return a;
}

void ahead_free(struct ahead *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		while (a->bucket[i])
			flow_drop(a, a->bucket[i]);
	free(a);
}
