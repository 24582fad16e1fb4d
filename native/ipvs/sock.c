/*
 * Socket layer: one NETLINK_GENERIC socket per handle, request/acknowledge transactions and
 * dumps, and resolution of the "IPVS" family id through nlctrl (CTRL_CMD_GETFAMILY).
 * Errors are returned as negative errno values.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include "sock.h"

#define RECV_SIZE 65536

static int sock_open(struct kad_ipvs *h)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	struct timeval timeout = { .tv_sec = 5 };
	int one = 1;

	h->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (h->fd < 0)
		return -errno;
	if (bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(h->fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	h->port_id = sa.nl_pid;
	/* The kernel always answers; a bound keeps a caller from blocking forever if it does not. */
	if (setsockopt(h->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
		return -errno;
	/* Extended acks are optional; ignore failure on old kernels. */
	(void)setsockopt(h->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

/* Walk one received datagram; returns 1 when the transaction is over, 0 to read more, <0 error. */
static int walk(struct kad_ipvs *h, const uint8_t *buf, size_t n, uint32_t seq, kad_msg_cb cb, void *ctx)
{
	const struct nlmsghdr *m = (const struct nlmsghdr *)buf;

	for (; NLMSG_OK(m, n); m = NLMSG_NEXT(m, n)) {
		if (m->nlmsg_pid != h->port_id || m->nlmsg_seq != seq)
			continue;
		if (m->nlmsg_type == NLMSG_DONE)
			return 1;
		if (m->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(m);

			if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			return e->error ? e->error : 1;
		}
		if (cb && m->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
			const uint8_t *attrs = (const uint8_t *)NLMSG_DATA(m) + GENL_HDRLEN;
			int rc = cb(ctx, attrs, m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));

			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int kad_transact(struct kad_ipvs *h, struct kad_nl_req *r, kad_msg_cb cb, void *ctx)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint8_t *buf;
	uint32_t seq;
	int rc = 0;

	if (r->overflow)
		return -EMSGSIZE;
	seq = ++h->seq;
	r->u.hdr.nlmsg_seq = seq;
	r->u.hdr.nlmsg_pid = h->port_id;
	r->u.hdr.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(h->fd, r->u.buf, r->u.hdr.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	buf = malloc(RECV_SIZE);
	if (!buf)
		return -ENOMEM;
	while (rc == 0) {
		/* MSG_TRUNC makes recv report the datagram's real length, so a cut one is caught. */
		ssize_t n = recv(h->fd, buf, RECV_SIZE, MSG_TRUNC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = (errno == EAGAIN || errno == EWOULDBLOCK) ? -ETIMEDOUT : -errno;
			break;
		}
		if (n > RECV_SIZE) {
			rc = -EMSGSIZE;
			break;
		}
		rc = walk(h, buf, (size_t)n, seq, cb, ctx);
	}
	free(buf);
	return rc < 0 ? rc : 0;
}

static int family_cb(void *ctx, const uint8_t *attrs, size_t len)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	kad_nl_parse(tb, CTRL_ATTR_MAX, attrs, len);
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)ctx = kad_nl_u16(tb[CTRL_ATTR_FAMILY_ID], 0);
	return 0;
}

struct kad_ipvs *kad_ipvs_open(int *err)
{
	struct kad_ipvs *h = calloc(1, sizeof(*h));
	struct kad_nl_req r;
	uint16_t id = 0;
	int rc;

	if (!h) {
		*err = -ENOMEM;
		return NULL;
	}
	h->fd = -1;
	rc = sock_open(h);
	if (rc == 0) {
		kad_nl_req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
		kad_nl_put_str(&r, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME, GENL_NAMSIZ);
		rc = kad_transact(h, &r, family_cb, &id);
		if (rc == 0 && id == 0)
			rc = -ENOENT;
	}
	if (rc < 0) {
		kad_ipvs_close(h);
		*err = rc;
		return NULL;
	}
	h->family = id;
	*err = 0;
	return h;
}

void kad_ipvs_close(struct kad_ipvs *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}
