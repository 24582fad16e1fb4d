/*
 * IPVS family layer, reads: info, timeouts, and the dumps of services, destinations and sync
 * daemons with their statistics (STATS64 preferred, STATS on kernels without it).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ip_vs.h>
#include "sock.h"
#include "codec.h"

/* IPVS_STATS_ATTR_* are u32 in STATS (bytes u64) and u64 in STATS64: read by length. */
static uint64_t uint_any(const struct nlattr *a)
{
	if (!a)
		return 0;
	return kad_nl_len(a) >= 8 ? kad_nl_u64(a, 0) : kad_nl_u32(a, 0);
}

static void decode_stats(const struct nlattr *a64, const struct nlattr *a32, struct kad_ipvs_stats *s)
{
	const struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];
	const struct nlattr *a = a64 ? a64 : a32;

	memset(s, 0, sizeof(*s));
	if (!a)
		return;
	kad_nl_parse(tb, IPVS_STATS_ATTR_MAX, kad_nl_data(a), kad_nl_len(a));
	s->conns = uint_any(tb[IPVS_STATS_ATTR_CONNS]);
	s->inpkts = uint_any(tb[IPVS_STATS_ATTR_INPKTS]);
	s->outpkts = uint_any(tb[IPVS_STATS_ATTR_OUTPKTS]);
	s->inbytes = uint_any(tb[IPVS_STATS_ATTR_INBYTES]);
	s->outbytes = uint_any(tb[IPVS_STATS_ATTR_OUTBYTES]);
	s->cps = uint_any(tb[IPVS_STATS_ATTR_CPS]);
	s->inpps = uint_any(tb[IPVS_STATS_ATTR_INPPS]);
	s->outpps = uint_any(tb[IPVS_STATS_ATTR_OUTPPS]);
	s->inbps = uint_any(tb[IPVS_STATS_ATTR_INBPS]);
	s->outbps = uint_any(tb[IPVS_STATS_ATTR_OUTBPS]);
}

static void copy_addr(const struct nlattr *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a)
		memcpy(out, kad_nl_data(a), kad_nl_len(a) < 16 ? kad_nl_len(a) : 16);
}

static uint32_t mask4_to_prefix(uint32_t be_mask)
{
	return (uint32_t)__builtin_popcount(ntohl(be_mask));
}

int kad_decode_service(const void *data, size_t len, struct kad_ipvs_service *s)
{
	const struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags f = { 0, 0 };
	uint32_t mask;

	memset(s, 0, sizeof(*s));
	kad_nl_parse(tb, IPVS_SVC_ATTR_MAX, data, len);
	if (!tb[IPVS_SVC_ATTR_AF])
		return -EPROTO;
	s->af = kad_nl_u16(tb[IPVS_SVC_ATTR_AF], 0);
	s->protocol = kad_nl_u16(tb[IPVS_SVC_ATTR_PROTOCOL], 0);
	copy_addr(tb[IPVS_SVC_ATTR_ADDR], s->addr);
	s->port = ntohs(kad_nl_u16(tb[IPVS_SVC_ATTR_PORT], 0));
	s->fwmark = kad_nl_u32(tb[IPVS_SVC_ATTR_FWMARK], 0);
	kad_nl_str(tb[IPVS_SVC_ATTR_SCHED_NAME], s->sched_name, sizeof(s->sched_name));
	kad_nl_str(tb[IPVS_SVC_ATTR_PE_NAME], s->pe_name, sizeof(s->pe_name));
	if (tb[IPVS_SVC_ATTR_FLAGS] && kad_nl_len(tb[IPVS_SVC_ATTR_FLAGS]) >= sizeof(f))
		memcpy(&f, kad_nl_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(f));
	s->flags = f.flags;
	s->timeout = kad_nl_u32(tb[IPVS_SVC_ATTR_TIMEOUT], 0);
	mask = kad_nl_u32(tb[IPVS_SVC_ATTR_NETMASK], 0);
	s->netmask = s->af == AF_INET6 ? mask : mask4_to_prefix(mask);
	decode_stats(tb[IPVS_SVC_ATTR_STATS64], tb[IPVS_SVC_ATTR_STATS], &s->stats);
	return 0;
}

int kad_decode_dest(const void *data, size_t len, uint16_t svc_af, struct kad_ipvs_dest *d)
{
	const struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];

	memset(d, 0, sizeof(*d));
	kad_nl_parse(tb, IPVS_DEST_ATTR_MAX, data, len);
	if (!tb[IPVS_DEST_ATTR_ADDR])
		return -EPROTO;
	d->af = kad_nl_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY], svc_af);
	copy_addr(tb[IPVS_DEST_ATTR_ADDR], d->addr);
	d->port = ntohs(kad_nl_u16(tb[IPVS_DEST_ATTR_PORT], 0));
	d->fwd_method = kad_nl_u32(tb[IPVS_DEST_ATTR_FWD_METHOD], 0) & IP_VS_CONN_F_FWD_MASK;
	d->weight = (int32_t)kad_nl_u32(tb[IPVS_DEST_ATTR_WEIGHT], 0);
	d->u_thresh = kad_nl_u32(tb[IPVS_DEST_ATTR_U_THRESH], 0);
	d->l_thresh = kad_nl_u32(tb[IPVS_DEST_ATTR_L_THRESH], 0);
	d->tun_type = kad_nl_u8(tb[IPVS_DEST_ATTR_TUN_TYPE], 0);
	d->tun_port = ntohs(kad_nl_u16(tb[IPVS_DEST_ATTR_TUN_PORT], 0));
	d->tun_flags = kad_nl_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS], 0);
	d->active_conns = kad_nl_u32(tb[IPVS_DEST_ATTR_ACTIVE_CONNS], 0);
	d->inact_conns = kad_nl_u32(tb[IPVS_DEST_ATTR_INACT_CONNS], 0);
	d->persist_conns = kad_nl_u32(tb[IPVS_DEST_ATTR_PERSIST_CONNS], 0);
	decode_stats(tb[IPVS_DEST_ATTR_STATS64], tb[IPVS_DEST_ATTR_STATS], &d->stats);
	return 0;
}

int kad_decode_daemon(const void *data, size_t len, struct kad_ipvs_daemon *d)
{
	const struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];

	memset(d, 0, sizeof(*d));
	kad_nl_parse(tb, IPVS_DAEMON_ATTR_MAX, data, len);
	if (!tb[IPVS_DAEMON_ATTR_STATE])
		return -EPROTO;
	d->state = kad_nl_u32(tb[IPVS_DAEMON_ATTR_STATE], 0);
	kad_nl_str(tb[IPVS_DAEMON_ATTR_MCAST_IFN], d->mcast_ifn, sizeof(d->mcast_ifn));
	d->syncid = kad_nl_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID], 0);
	d->sync_maxlen = kad_nl_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN], 0);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		d->mcast_af = AF_INET6;
		copy_addr(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6], d->mcast_group);
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		d->mcast_af = AF_INET;
		copy_addr(tb[IPVS_DAEMON_ATTR_MCAST_GROUP], d->mcast_group);
	}
	d->mcast_port = kad_nl_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT], 0); /* host order */
	d->mcast_ttl = kad_nl_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL], 0);
	return 0;
}

/* A dump collects entries of one kind into a caller's array and counts them all. */
struct collect {
	void *out;
	int cap, count;
	uint16_t svc_af;
	int kind; /* IPVS_CMD_ATTR_SERVICE, _DEST or _DAEMON */
};

static int collect_cb(void *ctx, const uint8_t *attrs, size_t len)
{
	struct collect *c = ctx;
	const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	const struct nlattr *a;
	int rc = 0;

	kad_nl_parse(tb, IPVS_CMD_ATTR_MAX, attrs, len);
	a = tb[c->kind];
	if (!a)
		return 0;
	if (c->count < c->cap) {
		if (c->kind == IPVS_CMD_ATTR_SERVICE)
			rc = kad_decode_service(kad_nl_data(a), kad_nl_len(a), (struct kad_ipvs_service *)c->out + c->count);
		else if (c->kind == IPVS_CMD_ATTR_DEST)
			rc = kad_decode_dest(kad_nl_data(a), kad_nl_len(a), c->svc_af, (struct kad_ipvs_dest *)c->out + c->count);
		else
			rc = kad_decode_daemon(kad_nl_data(a), kad_nl_len(a), (struct kad_ipvs_daemon *)c->out + c->count);
	}
	if (rc == 0)
		c->count++;
	return rc;
}

static int dump(struct kad_ipvs *h, struct kad_nl_req *r, struct collect *c)
{
	int rc;

	rc = kad_transact(h, r, collect_cb, c);
	return rc < 0 ? rc : c->count;
}

int kad_ipvs_get_services(struct kad_ipvs *h, struct kad_ipvs_service *out, int cap)
{
	struct collect c = { out, cap, 0, 0, IPVS_CMD_ATTR_SERVICE };
	struct kad_nl_req r;

	if (!h || (cap > 0 && !out))
		return -EINVAL;
	kad_nl_req_init(&r, h->family, NLM_F_DUMP, IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION);
	return dump(h, &r, &c);
}

int kad_ipvs_get_dests(struct kad_ipvs *h, const struct kad_ipvs_service *s, struct kad_ipvs_dest *out, int cap)
{
	struct collect c = { out, cap, 0, 0, IPVS_CMD_ATTR_DEST };
	struct kad_nl_req r;

	if (!h || !s || (cap > 0 && !out))
		return -EINVAL;
	c.svc_af = s->af;
	kad_nl_req_init(&r, h->family, NLM_F_DUMP, IPVS_CMD_GET_DEST, IPVS_GENL_VERSION);
	kad_put_service(&r, s, 0);
	return dump(h, &r, &c);
}

int kad_ipvs_get_daemons(struct kad_ipvs *h, struct kad_ipvs_daemon *out, int cap)
{
	struct collect c = { out, cap, 0, 0, IPVS_CMD_ATTR_DAEMON };
	struct kad_nl_req r;

	if (!h || (cap > 0 && !out))
		return -EINVAL;
	kad_nl_req_init(&r, h->family, NLM_F_DUMP, IPVS_CMD_GET_DAEMON, IPVS_GENL_VERSION);
	return dump(h, &r, &c);
}

static int info_cb(void *ctx, const uint8_t *attrs, size_t len)
{
	const struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];
	struct kad_ipvs_info *out = ctx;

	kad_nl_parse(tb, IPVS_INFO_ATTR_MAX, attrs, len);
	out->version = kad_nl_u32(tb[IPVS_INFO_ATTR_VERSION], 0);
	out->conn_tab_size = kad_nl_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE], 0);
	return 0;
}

int kad_ipvs_get_info(struct kad_ipvs *h, struct kad_ipvs_info *out)
{
	struct kad_nl_req r;

	if (!h || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	kad_nl_req_init(&r, h->family, 0, IPVS_CMD_GET_INFO, IPVS_GENL_VERSION);
	return kad_transact(h, &r, info_cb, out);
}

static int timeouts_cb(void *ctx, const uint8_t *attrs, size_t len)
{
	const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct kad_ipvs_timeouts *out = ctx;

	kad_nl_parse(tb, IPVS_CMD_ATTR_MAX, attrs, len);
	out->tcp = kad_nl_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP], 0);
	out->tcp_fin = kad_nl_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN], 0);
	out->udp = kad_nl_u32(tb[IPVS_CMD_ATTR_TIMEOUT_UDP], 0);
	return 0;
}

int kad_ipvs_get_timeouts(struct kad_ipvs *h, struct kad_ipvs_timeouts *out)
{
	struct kad_nl_req r;

	if (!h || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	kad_nl_req_init(&r, h->family, 0, IPVS_CMD_GET_CONFIG, IPVS_GENL_VERSION);
	return kad_transact(h, &r, timeouts_cb, out);
}
