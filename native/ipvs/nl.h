/*
 * Netlink framing layer: a request buffer with nested attributes, and attribute walking for
 * replies. No sockets here (nl.c is testable without a kernel); ipvs.c does the I/O.
 */
#ifndef KAD_NL_H
#define KAD_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#define KAD_NL_REQ_SIZE 1024

struct kad_nl_req {
	union {
		struct nlmsghdr hdr;
		uint8_t buf[KAD_NL_REQ_SIZE];
	} u;
	int overflow;
};

void kad_nl_req_init(struct kad_nl_req *r, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version);
/* Append an attribute; returns its offset (for nesting) or -1 on overflow. */
int kad_nl_put(struct kad_nl_req *r, uint16_t type, const void *data, size_t len);
int kad_nl_put_u8(struct kad_nl_req *r, uint16_t type, uint8_t v);
int kad_nl_put_u16(struct kad_nl_req *r, uint16_t type, uint16_t v);
int kad_nl_put_u32(struct kad_nl_req *r, uint16_t type, uint32_t v);
int kad_nl_put_str(struct kad_nl_req *r, uint16_t type, const char *s, size_t max);
int kad_nl_nest_start(struct kad_nl_req *r, uint16_t type);
void kad_nl_nest_end(struct kad_nl_req *r, int offset);

/* Index the attributes in [data, data+len) by type into tb[0..max] (later ones win). */
void kad_nl_parse(const struct nlattr **tb, int max, const void *data, size_t len);
uint8_t kad_nl_u8(const struct nlattr *a, uint8_t dflt);
uint16_t kad_nl_u16(const struct nlattr *a, uint16_t dflt);
uint32_t kad_nl_u32(const struct nlattr *a, uint32_t dflt);
uint64_t kad_nl_u64(const struct nlattr *a, uint64_t dflt);
/* Copy a string attribute into out (always NUL-terminated). */
void kad_nl_str(const struct nlattr *a, char *out, size_t size);
const void *kad_nl_data(const struct nlattr *a);
size_t kad_nl_len(const struct nlattr *a);

#endif
