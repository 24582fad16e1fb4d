/*
 * kad's IPVS library: programs the Linux IPVS table over the "IPVS" generic-netlink family.
 *
 * Every function returns 0 (or a count) on success and a negative errno on failure; nothing is
 * ever printed. Addresses are 16 raw bytes (IPv4 in the first 4), ports are in host byte order,
 * and a service netmask is a prefix length for both families (the library converts IPv4 to the
 * mask the kernel expects). The structures are plain data so an FFI can describe them.
 */
#ifndef KAD_IPVS_H
#define KAD_IPVS_H

#include <stdint.h>

#define KAD_IPVS_NAME_LEN 16
#define KAD_IPVS_PE_NAME_LEN 32

struct kad_ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

struct kad_ipvs_service {
	uint16_t af;       /* AF_INET or AF_INET6 */
	uint16_t protocol; /* IPPROTO_TCP/UDP/SCTP; ignored for fwmark services */
	uint8_t addr[16];
	uint16_t port;
	uint32_t fwmark;   /* non-zero: a fwmark service (addr/port/protocol unused) */
	char sched_name[KAD_IPVS_NAME_LEN];
	uint32_t flags;    /* IP_VS_SVC_F_* */
	uint32_t timeout;  /* persistence, seconds */
	uint32_t netmask;  /* persistence granularity as a prefix length */
	char pe_name[KAD_IPVS_PE_NAME_LEN];
	struct kad_ipvs_stats stats; /* filled by dumps */
};

struct kad_ipvs_dest {
	uint16_t af;       /* family of addr (may differ from the service's for tunnels) */
	uint8_t addr[16];
	uint16_t port;
	uint32_t fwd_method; /* IP_VS_CONN_F_MASQ 0, _TUNNEL 2, _DROUTE 3 */
	int32_t weight;
	uint32_t u_thresh, l_thresh;
	uint8_t tun_type;  /* IPIP 0, GUE 1, GRE 2 */
	uint16_t tun_port;
	uint16_t tun_flags;
	uint32_t active_conns, inact_conns, persist_conns; /* filled by dumps */
	struct kad_ipvs_stats stats;                         /* filled by dumps */
};

struct kad_ipvs_daemon {
	uint32_t state;    /* IP_VS_STATE_MASTER 1, IP_VS_STATE_BACKUP 2 */
	char mcast_ifn[KAD_IPVS_NAME_LEN];
	uint32_t syncid;
	uint16_t sync_maxlen;  /* 0 = kernel default */
	uint16_t mcast_af;     /* 0 = kernel default group */
	uint8_t mcast_group[16];
	uint16_t mcast_port;   /* 0 = kernel default */
	uint8_t mcast_ttl;     /* 0 = kernel default */
};

struct kad_ipvs_timeouts {
	uint32_t tcp, tcp_fin, udp; /* seconds; 0 = leave unchanged when setting */
};

struct kad_ipvs_info {
	uint32_t version;
	uint32_t conn_tab_size;
};

struct kad_ipvs;

/* Open a netlink socket and resolve the IPVS family (which loads ip_vs on demand). */
struct kad_ipvs *kad_ipvs_open(int *err);
void kad_ipvs_close(struct kad_ipvs *h);

int kad_ipvs_get_info(struct kad_ipvs *h, struct kad_ipvs_info *out);
int kad_ipvs_flush(struct kad_ipvs *h);
int kad_ipvs_zero(struct kad_ipvs *h, const struct kad_ipvs_service *svc_or_null);

int kad_ipvs_add_service(struct kad_ipvs *h, const struct kad_ipvs_service *svc);
int kad_ipvs_edit_service(struct kad_ipvs *h, const struct kad_ipvs_service *svc);
int kad_ipvs_del_service(struct kad_ipvs *h, const struct kad_ipvs_service *svc);

int kad_ipvs_add_dest(struct kad_ipvs *h, const struct kad_ipvs_service *svc, const struct kad_ipvs_dest *d);
int kad_ipvs_edit_dest(struct kad_ipvs *h, const struct kad_ipvs_service *svc, const struct kad_ipvs_dest *d);
int kad_ipvs_del_dest(struct kad_ipvs *h, const struct kad_ipvs_service *svc, const struct kad_ipvs_dest *d);

/* Dumps: fill at most cap entries and return how many exist (call again with more room). */
int kad_ipvs_get_services(struct kad_ipvs *h, struct kad_ipvs_service *out, int cap);
int kad_ipvs_get_dests(struct kad_ipvs *h, const struct kad_ipvs_service *svc, struct kad_ipvs_dest *out, int cap);

int kad_ipvs_get_timeouts(struct kad_ipvs *h, struct kad_ipvs_timeouts *out);
int kad_ipvs_set_timeouts(struct kad_ipvs *h, const struct kad_ipvs_timeouts *t);

int kad_ipvs_start_daemon(struct kad_ipvs *h, const struct kad_ipvs_daemon *d);
int kad_ipvs_stop_daemon(struct kad_ipvs *h, uint32_t state);
int kad_ipvs_get_daemons(struct kad_ipvs *h, struct kad_ipvs_daemon *out, int cap);

/* sizeof() of each structure, so the FFI can check its layout against the compiler's. */
int kad_ipvs_struct_size(int which);

#endif
