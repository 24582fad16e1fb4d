/*
 * IPVS family layer, writes: services, destinations, flush, zero, timeouts and the sync daemon.
 * Message layouts follow include/uapi/linux/ip_vs.h; the kernel requires every "full entry"
 * attribute on NEW/SET (ip_vs_genl_parse_service / ip_vs_genl_parse_dest), so they are always
 * sent.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ip_vs.h>
#include "sock.h"
#include "codec.h"

static void req(struct kad_ipvs *h, struct kad_nl_req *r, uint8_t cmd, uint16_t flags)
{
	kad_nl_req_init(r, h->family, flags, cmd, IPVS_GENL_VERSION);
}

uint32_t kad_prefix_to_mask4(uint32_t plen)
{
	if (plen == 0)
		return 0;
	if (plen >= 32)
		return 0xffffffffu;
	return htonl(0xffffffffu << (32 - plen));
}

static size_t addr_len(uint16_t af)
{
	return af == AF_INET6 ? 16 : 4;
}

void kad_put_service(struct kad_nl_req *r, const struct kad_ipvs_service *s, int full)
{
	int nest = kad_nl_nest_start(r, IPVS_CMD_ATTR_SERVICE);
	uint8_t addr[16] = { 0 };

	kad_nl_put_u16(r, IPVS_SVC_ATTR_AF, s->af);
	if (s->fwmark) {
		kad_nl_put_u32(r, IPVS_SVC_ATTR_FWMARK, s->fwmark);
	} else {
		memcpy(addr, s->addr, addr_len(s->af));
		kad_nl_put_u16(r, IPVS_SVC_ATTR_PROTOCOL, s->protocol);
		kad_nl_put(r, IPVS_SVC_ATTR_ADDR, addr, sizeof(addr));
		kad_nl_put_u16(r, IPVS_SVC_ATTR_PORT, htons(s->port));
	}
	if (full) {
		struct ip_vs_flags f = { .flags = s->flags, .mask = ~0u };
		uint32_t mask = s->af == AF_INET6 ? (s->netmask ? s->netmask : 128)
						  : kad_prefix_to_mask4(s->netmask);

		kad_nl_put_str(r, IPVS_SVC_ATTR_SCHED_NAME, s->sched_name[0] ? s->sched_name : "wlc",
			       KAD_IPVS_NAME_LEN);
		if (s->pe_name[0])
			kad_nl_put_str(r, IPVS_SVC_ATTR_PE_NAME, s->pe_name, KAD_IPVS_PE_NAME_LEN);
		kad_nl_put(r, IPVS_SVC_ATTR_FLAGS, &f, sizeof(f));
		kad_nl_put_u32(r, IPVS_SVC_ATTR_TIMEOUT, s->timeout);
		kad_nl_put_u32(r, IPVS_SVC_ATTR_NETMASK, mask);
	}
	kad_nl_nest_end(r, nest);
}

static void put_dest(struct kad_nl_req *r, const struct kad_ipvs_dest *d, int full)
{
	int nest = kad_nl_nest_start(r, IPVS_CMD_ATTR_DEST);
	uint8_t addr[16] = { 0 };

	memcpy(addr, d->addr, addr_len(d->af));
	kad_nl_put(r, IPVS_DEST_ATTR_ADDR, addr, sizeof(addr));
	kad_nl_put_u16(r, IPVS_DEST_ATTR_PORT, htons(d->port));
	if (d->af)
		kad_nl_put_u16(r, IPVS_DEST_ATTR_ADDR_FAMILY, d->af);
	if (full) {
		kad_nl_put_u32(r, IPVS_DEST_ATTR_FWD_METHOD, d->fwd_method);
		kad_nl_put_u32(r, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight);
		kad_nl_put_u32(r, IPVS_DEST_ATTR_U_THRESH, d->u_thresh);
		kad_nl_put_u32(r, IPVS_DEST_ATTR_L_THRESH, d->l_thresh);
		if (d->fwd_method == IP_VS_CONN_F_TUNNEL) {
			kad_nl_put_u8(r, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type);
			kad_nl_put_u16(r, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port));
			kad_nl_put_u16(r, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags);
		}
	}
	kad_nl_nest_end(r, nest);
}

static int service_cmd(struct kad_ipvs *h, uint8_t cmd, const struct kad_ipvs_service *s, int full)
{
	struct kad_nl_req r;

	if (!h || !s)
		return -EINVAL;
	req(h, &r, cmd, 0);
	kad_put_service(&r, s, full);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_add_service(struct kad_ipvs *h, const struct kad_ipvs_service *s)
{
	return service_cmd(h, IPVS_CMD_NEW_SERVICE, s, 1);
}

int kad_ipvs_edit_service(struct kad_ipvs *h, const struct kad_ipvs_service *s)
{
	return service_cmd(h, IPVS_CMD_SET_SERVICE, s, 1);
}

int kad_ipvs_del_service(struct kad_ipvs *h, const struct kad_ipvs_service *s)
{
	return service_cmd(h, IPVS_CMD_DEL_SERVICE, s, 0);
}

static int dest_cmd(struct kad_ipvs *h, uint8_t cmd, const struct kad_ipvs_service *s,
		    const struct kad_ipvs_dest *d, int full)
{
	struct kad_nl_req r;

	if (!h || !s || !d)
		return -EINVAL;
	req(h, &r, cmd, 0);
	kad_put_service(&r, s, 0);
	put_dest(&r, d, full);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_add_dest(struct kad_ipvs *h, const struct kad_ipvs_service *s, const struct kad_ipvs_dest *d)
{
	return dest_cmd(h, IPVS_CMD_NEW_DEST, s, d, 1);
}

int kad_ipvs_edit_dest(struct kad_ipvs *h, const struct kad_ipvs_service *s, const struct kad_ipvs_dest *d)
{
	return dest_cmd(h, IPVS_CMD_SET_DEST, s, d, 1);
}

int kad_ipvs_del_dest(struct kad_ipvs *h, const struct kad_ipvs_service *s, const struct kad_ipvs_dest *d)
{
	return dest_cmd(h, IPVS_CMD_DEL_DEST, s, d, 0);
}

int kad_ipvs_flush(struct kad_ipvs *h)
{
	struct kad_nl_req r;

	if (!h)
		return -EINVAL;
	req(h, &r, IPVS_CMD_FLUSH, 0);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_zero(struct kad_ipvs *h, const struct kad_ipvs_service *s)
{
	struct kad_nl_req r;

	if (!h)
		return -EINVAL;
	req(h, &r, IPVS_CMD_ZERO, 0);
	if (s)
		kad_put_service(&r, s, 0);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_set_timeouts(struct kad_ipvs *h, const struct kad_ipvs_timeouts *t)
{
	struct kad_nl_req r;

	if (!h || !t)
		return -EINVAL;
	req(h, &r, IPVS_CMD_SET_CONFIG, 0);
	if (t->tcp)
		kad_nl_put_u32(&r, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp);
	if (t->tcp_fin)
		kad_nl_put_u32(&r, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin);
	if (t->udp)
		kad_nl_put_u32(&r, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_start_daemon(struct kad_ipvs *h, const struct kad_ipvs_daemon *d)
{
	struct kad_nl_req r;
	int nest;

	if (!h || !d)
		return -EINVAL;
	req(h, &r, IPVS_CMD_NEW_DAEMON, 0);
	nest = kad_nl_nest_start(&r, IPVS_CMD_ATTR_DAEMON);
	kad_nl_put_u32(&r, IPVS_DAEMON_ATTR_STATE, d->state);
	kad_nl_put_str(&r, IPVS_DAEMON_ATTR_MCAST_IFN, d->mcast_ifn, KAD_IPVS_NAME_LEN);
	kad_nl_put_u32(&r, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid);
	if (d->sync_maxlen)
		kad_nl_put_u16(&r, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d->sync_maxlen);
	if (d->mcast_af == AF_INET)
		kad_nl_put(&r, IPVS_DAEMON_ATTR_MCAST_GROUP, d->mcast_group, 4);
	else if (d->mcast_af == AF_INET6)
		kad_nl_put(&r, IPVS_DAEMON_ATTR_MCAST_GROUP6, d->mcast_group, 16);
	if (d->mcast_port)
		kad_nl_put_u16(&r, IPVS_DAEMON_ATTR_MCAST_PORT, d->mcast_port); /* host order, unlike service ports */
	if (d->mcast_ttl)
		kad_nl_put_u8(&r, IPVS_DAEMON_ATTR_MCAST_TTL, d->mcast_ttl);
	kad_nl_nest_end(&r, nest);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_stop_daemon(struct kad_ipvs *h, uint32_t state)
{
	struct kad_nl_req r;
	int nest;

	if (!h)
		return -EINVAL;
	req(h, &r, IPVS_CMD_DEL_DAEMON, 0);
	nest = kad_nl_nest_start(&r, IPVS_CMD_ATTR_DAEMON);
	kad_nl_put_u32(&r, IPVS_DAEMON_ATTR_STATE, state);
	kad_nl_nest_end(&r, nest);
	return kad_transact(h, &r, NULL, NULL);
}

int kad_ipvs_struct_size(int which)
{
	switch (which) {
	case 0: return (int)sizeof(struct kad_ipvs_service);
	case 1: return (int)sizeof(struct kad_ipvs_dest);
	case 2: return (int)sizeof(struct kad_ipvs_daemon);
	case 3: return (int)sizeof(struct kad_ipvs_timeouts);
	case 4: return (int)sizeof(struct kad_ipvs_info);
	case 5: return (int)sizeof(struct kad_ipvs_stats);
	default: return -EINVAL;
	}
}
