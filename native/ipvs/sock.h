/* Socket layer (see sock.c): the handle and netlink transactions. */
#ifndef KAD_SOCK_H
#define KAD_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include "kadipvs.h"
#include "nl.h"

struct kad_ipvs {
	int fd;
	uint32_t port_id;
	uint32_t seq;
	uint16_t family;
};

/* Called with the attributes (after the genl header) of each reply message. */
typedef int (*kad_msg_cb)(void *ctx, const uint8_t *attrs, size_t len);

/* Send r (adds REQUEST|ACK, seq, pid) and read until the ack, an error or the end of a dump. */
int kad_transact(struct kad_ipvs *h, struct kad_nl_req *r, kad_msg_cb cb, void *ctx);

#endif
