/*
 * Unit test of the netlink framing and the IPVS attribute codecs, without a kernel: encode a
 * request, decode the nested attributes back, and walk malformed attribute streams safely.
 * Run under AddressSanitizer/UBSan by `make test`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include "codec.h"

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static const struct nlattr *first_nested(struct kad_nl_req *r, uint16_t type)
{
	const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	const uint8_t *attrs = r->u.buf + NLMSG_HDRLEN + GENL_HDRLEN;

	kad_nl_parse(tb, IPVS_CMD_ATTR_MAX, attrs, r->u.hdr.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	return tb[type];
}

static void test_service_roundtrip(void)
{
	struct kad_nl_req r;
	struct kad_ipvs_service s = { .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80,
				      .flags = IP_VS_SVC_F_PERSISTENT, .timeout = 300, .netmask = 24 };
	struct kad_ipvs_service back;
	const struct nlattr *a;

	inet_pton(AF_INET, "10.0.0.1", s.addr);
	strcpy(s.sched_name, "wrr");
	strcpy(s.pe_name, "sip");
	kad_nl_req_init(&r, 42, 0, IPVS_CMD_NEW_SERVICE, 1);
	kad_put_service(&r, &s, 1);
	CHECK(!r.overflow);
	CHECK(kad_prefix_to_mask4(24) == htonl(0xffffff00u));
	a = first_nested(&r, IPVS_CMD_ATTR_SERVICE);
	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(kad_decode_service(kad_nl_data(a), kad_nl_len(a), &back) == 0);
	CHECK(back.af == AF_INET && back.protocol == IPPROTO_TCP && back.port == 80);
	CHECK(memcmp(back.addr, s.addr, 4) == 0);
	CHECK(strcmp(back.sched_name, "wrr") == 0 && strcmp(back.pe_name, "sip") == 0);
	CHECK(back.flags == IP_VS_SVC_F_PERSISTENT && back.timeout == 300 && back.netmask == 24);
}

static void test_fwmark_v6(void)
{
	struct kad_nl_req r;
	struct kad_ipvs_service s = { .af = AF_INET6, .fwmark = 7, .netmask = 64 };
	struct kad_ipvs_service back;
	const struct nlattr *a;

	kad_nl_req_init(&r, 42, 0, IPVS_CMD_NEW_SERVICE, 1);
	kad_put_service(&r, &s, 1);
	a = first_nested(&r, IPVS_CMD_ATTR_SERVICE);
	CHECK(a && kad_decode_service(kad_nl_data(a), kad_nl_len(a), &back) == 0);
	CHECK(back.fwmark == 7 && back.af == AF_INET6 && back.netmask == 64);
	CHECK(strcmp(back.sched_name, "wlc") == 0); /* default scheduler */
}

static void test_overflow(void)
{
	struct kad_nl_req r;
	char big[200];
	int i;

	memset(big, 'x', sizeof(big));
	kad_nl_req_init(&r, 42, 0, 1, 1);
	for (i = 0; i < 10; i++)
		kad_nl_put(&r, 1, big, sizeof(big));
	CHECK(r.overflow == 1);
	CHECK(r.u.hdr.nlmsg_len <= KAD_NL_REQ_SIZE);
}

static void test_malformed(void)
{
	/* An attribute claiming more bytes than remain, then one shorter than its header. */
	uint8_t buf[16] = { 0 };
	const struct nlattr *tb[4];
	struct nlattr *a = (struct nlattr *)buf;
	struct kad_ipvs_dest d;

	a->nla_len = 200;
	a->nla_type = 1;
	kad_nl_parse(tb, 3, buf, sizeof(buf));
	CHECK(tb[1] == NULL);
	a->nla_len = 2;
	kad_nl_parse(tb, 3, buf, sizeof(buf));
	CHECK(tb[1] == NULL);
	CHECK(kad_decode_dest(buf, 0, AF_INET, &d) == -EPROTO);
	/* A truncated u32 reads as the default. */
	a->nla_len = NLA_HDRLEN + 2;
	kad_nl_parse(tb, 3, buf, 8);
	CHECK(tb[1] != NULL && kad_nl_u32(tb[1], 99) == 99);
}

int main(void)
{
	test_service_roundtrip();
	test_fwmark_v6();
	test_overflow();
	test_malformed();
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("test_codec: all passed\n");
	return 0;
}
