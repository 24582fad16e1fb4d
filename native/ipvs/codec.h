/* Attribute encoders/decoders shared by the write (ipvs.c) and read (dump.c) paths. */
#ifndef KAD_CODEC_H
#define KAD_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "kadipvs.h"
#include "nl.h"

uint32_t kad_prefix_to_mask4(uint32_t plen);
void kad_put_service(struct kad_nl_req *r, const struct kad_ipvs_service *s, int full);
/* Decode the attributes nested in IPVS_CMD_ATTR_SERVICE / _DEST / _DAEMON. */
int kad_decode_service(const void *data, size_t len, struct kad_ipvs_service *out);
int kad_decode_dest(const void *data, size_t len, uint16_t svc_af, struct kad_ipvs_dest *out);
int kad_decode_daemon(const void *data, size_t len, struct kad_ipvs_daemon *out);

#endif
