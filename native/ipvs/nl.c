/* Netlink framing layer (see nl.h). */
#include <string.h>
#include <linux/genetlink.h>
#include "nl.h"

void kad_nl_req_init(struct kad_nl_req *r, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->u.hdr.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->u.hdr.nlmsg_type = type;
	r->u.hdr.nlmsg_flags = flags;
	g = NLMSG_DATA(&r->u.hdr);
	g->cmd = cmd;
	g->version = version;
}

int kad_nl_put(struct kad_nl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->u.hdr.nlmsg_len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;

	if (off + total > sizeof(r->u.buf)) {
		r->overflow = 1;
		return -1;
	}
	a = (struct nlattr *)(r->u.buf + off);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	memset((uint8_t *)a + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	r->u.hdr.nlmsg_len = (uint32_t)(off + total);
	return (int)off;
}

int kad_nl_put_u8(struct kad_nl_req *r, uint16_t type, uint8_t v) { return kad_nl_put(r, type, &v, 1); }
int kad_nl_put_u16(struct kad_nl_req *r, uint16_t type, uint16_t v) { return kad_nl_put(r, type, &v, 2); }
int kad_nl_put_u32(struct kad_nl_req *r, uint16_t type, uint32_t v) { return kad_nl_put(r, type, &v, 4); }

int kad_nl_put_str(struct kad_nl_req *r, uint16_t type, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);
	char tmp[256];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	return kad_nl_put(r, type, tmp, n + 1);
}

int kad_nl_nest_start(struct kad_nl_req *r, uint16_t type)
{
	return kad_nl_put(r, type | NLA_F_NESTED, NULL, 0);
}

void kad_nl_nest_end(struct kad_nl_req *r, int offset)
{
	struct nlattr *a;

	if (offset < 0)
		return;
	a = (struct nlattr *)(r->u.buf + offset);
	a->nla_len = (uint16_t)(r->u.hdr.nlmsg_len - (uint32_t)offset);
}

void kad_nl_parse(const struct nlattr **tb, int max, const void *data, size_t len)
{
	const uint8_t *p = data;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return;
		if (type <= max)
			tb[type] = a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			return;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

const void *kad_nl_data(const struct nlattr *a) { return (const uint8_t *)a + NLA_HDRLEN; }
size_t kad_nl_len(const struct nlattr *a) { return a->nla_len - NLA_HDRLEN; }

#define KAD_NL_GET(name, type)                                        \
	type name(const struct nlattr *a, type dflt)                  \
	{                                                             \
		type v;                                               \
		if (!a || kad_nl_len(a) < sizeof(type))               \
			return dflt;                                  \
		memcpy(&v, kad_nl_data(a), sizeof(type));            \
		return v;                                             \
	}
KAD_NL_GET(kad_nl_u8, uint8_t)
KAD_NL_GET(kad_nl_u16, uint16_t)
KAD_NL_GET(kad_nl_u32, uint32_t)
KAD_NL_GET(kad_nl_u64, uint64_t)

void kad_nl_str(const struct nlattr *a, char *out, size_t size)
{
	size_t n = 0;

	if (a) {
		n = strnlen(kad_nl_data(a), kad_nl_len(a));
		if (n >= size)
			n = size - 1;
		memcpy(out, kad_nl_data(a), n);
	}
	out[n] = 0;
}
