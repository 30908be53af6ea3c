/* rtnetlink requests: one message built in a fixed buffer, sent, and its
 * acknowledgement (or dump) read back.  See netlink.h. */
#include "sandbox/netlink.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define NL_BUF 4096

struct nl_msg
{
  union
  {
    struct nlmsghdr h;
    char buf[NL_BUF];
  } u;
};

static void
msg_init (struct nl_msg *m, uint16_t type, uint16_t flags, const void *body, size_t len)
{
  memset (m, 0, sizeof *m);
  m->u.h.nlmsg_type = type;
  m->u.h.nlmsg_flags = NLM_F_REQUEST | flags;
  m->u.h.nlmsg_len = NLMSG_LENGTH (len);
  memcpy (NLMSG_DATA (&m->u.h), body, len);
}

static struct rtattr *
attr_put (struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
  size_t at = NLMSG_ALIGN (m->u.h.nlmsg_len);
  struct rtattr *a = (struct rtattr *)(m->u.buf + at);

  /* Every message here is far below NL_BUF: a bug if not. */
  if (at + RTA_SPACE (len) > sizeof m->u.buf)
    abort ();
  a->rta_type = type;
  a->rta_len = RTA_LENGTH (len);
  if (len)
    memcpy (RTA_DATA (a), data, len);
  m->u.h.nlmsg_len = at + RTA_SPACE (len);
  return a;
}

static void
attr_str (struct nl_msg *m, uint16_t type, const char *s)
{
  attr_put (m, type, s, strlen (s) + 1);
}

/* A nested attribute: open, put the inner ones, close. */
static struct rtattr *
nest_open (struct nl_msg *m, uint16_t type)
{
  return attr_put (m, type, NULL, 0);
}

static void
nest_close (struct nl_msg *m, struct rtattr *nest)
{
  nest->rta_len = (unsigned short)(m->u.buf + m->u.h.nlmsg_len - (char *)nest);
}

int
brig_nl_open (int netns, struct brig_nl *ret, struct brig_err *err)
{
  _cleanup_close_ int self = -1;
  int fd, e = 0;

  ret->fd = -1;
  ret->seq = 1;
  if (netns >= 0)
    {
      if ((self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
        return brig_error (err, errno, "open this thread's network namespace");
      if (setns (netns, CLONE_NEWNET) < 0)
        return brig_error (err, errno, "enter the container's network namespace");
    }
  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    e = errno;
  if (netns >= 0 && setns (self, CLONE_NEWNET) < 0)
    {
      /* Unreachable in practice; never go on in the wrong namespace. */
      abort ();
    }
  if (fd < 0)
    return brig_error (err, e, "netlink socket");
  ret->fd = fd;
  return 0;
}

void
brig_nl_close (struct brig_nl *nl)
{
  if (nl->fd >= 0)
    close (nl->fd);
  nl->fd = -1;
}

/* Send M; for each answer call EACH (a dump) until NLMSG_DONE, or read
 * the acknowledgement.  Returns 0 or the negative errno the kernel gave
 * (err untouched: callers say what failed); -EAGAIN when the kernel says
 * the dump was interrupted by a change (NLM_F_DUMP_INTR: ask again). */
static int
nl_talk (struct brig_nl *nl, struct nl_msg *m, int (*each) (struct nlmsghdr *, void *), void *data)
{
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  char buf[32768] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  uint32_t seq = nl->seq++;
  bool intr = false;

  m->u.h.nlmsg_seq = seq;
  if ((m->u.h.nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
    m->u.h.nlmsg_flags |= NLM_F_ACK;
  if (sendto (nl->fd, m->u.buf, m->u.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
    return -errno;
  for (;;)
    {
      struct sockaddr_nl from = { 0 };
      struct iovec iov = { buf, sizeof buf };
      struct msghdr mh
          = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
      ssize_t n = recvmsg (nl->fd, &mh, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      /* Only the kernel (port 0) answers; and never in part. */
      if (mh.msg_namelen != sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0)
        continue;
      if (mh.msg_flags & MSG_TRUNC)
        return -EMSGSIZE;
      for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK (h, (size_t)n);
           h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_seq != seq)
            continue;
          if (h->nlmsg_flags & NLM_F_DUMP_INTR)
            intr = true;
          if (h->nlmsg_type == NLMSG_DONE)
            return intr ? -EAGAIN : 0;
          if (h->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr e;
              if (h->nlmsg_len < NLMSG_LENGTH (sizeof e))
                return -EBADMSG;
              memcpy (&e, NLMSG_DATA (h), sizeof e);
              return e.error;
            }
          if (each)
            {
              int r = each (h, data);
              if (r < 0)
                return r;
            }
        }
    }
}

struct link_found
{
  int index;
  char *kind;
};

static int
on_link (struct nlmsghdr *h, void *data)
{
  struct link_found *f = data;
  struct ifinfomsg *ifi = NLMSG_DATA (h);
  int len = (int)IFLA_PAYLOAD (h);

  if (h->nlmsg_type != RTM_NEWLINK)
    return 0;
  f->index = ifi->ifi_index;
  for (struct rtattr *a = IFLA_RTA (ifi); RTA_OK (a, len); a = RTA_NEXT (a, len))
    if (a->rta_type == IFLA_LINKINFO && f->kind)
      {
        int ilen = (int)RTA_PAYLOAD (a);
        for (struct rtattr *i = RTA_DATA (a); RTA_OK (i, ilen); i = RTA_NEXT (i, ilen))
          if (i->rta_type == IFLA_INFO_KIND)
            snprintf (f->kind, 16, "%.*s", (int)RTA_PAYLOAD (i), (char *)RTA_DATA (i));
      }
  return 0;
}

int
brig_nl_link_get (struct brig_nl *nl, const char *name, char *ret_kind, struct brig_err *err)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct link_found f = { 0, ret_kind };
  struct nl_msg m;
  int r;

  if (ret_kind)
    ret_kind[0] = '\0';
  msg_init (&m, RTM_GETLINK, 0, &ifi, sizeof ifi);
  attr_str (&m, IFLA_IFNAME, name);
  r = nl_talk (nl, &m, on_link, &f);
  if (r == -ENODEV || (r == 0 && f.index == 0))
    return -ENODEV;
  if (r < 0)
    return brig_error (err, -r, "look up link `%s`", name);
  return f.index;
}

static int
link_new (struct brig_nl *nl, const char *name, const char *kind, const char *peer, int peer_netns,
          const unsigned char *peer_mac)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct rtattr *info, *data, *p;
  struct nl_msg m;

  msg_init (&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  attr_str (&m, IFLA_IFNAME, name);
  info = nest_open (&m, IFLA_LINKINFO);
  attr_str (&m, IFLA_INFO_KIND, kind);
  if (peer)
    {
      uint32_t fd = (uint32_t)peer_netns;
      data = nest_open (&m, IFLA_INFO_DATA);
      p = nest_open (&m, VETH_INFO_PEER);
      /* The peer's own ifinfomsg comes first, then its attributes. */
      {
        size_t at = NLMSG_ALIGN (m.u.h.nlmsg_len);
        memset (m.u.buf + at, 0, sizeof ifi);
        memcpy (m.u.buf + at, &ifi, sizeof ifi);
        m.u.h.nlmsg_len = at + NLMSG_ALIGN (sizeof ifi);
      }
      attr_str (&m, IFLA_IFNAME, peer);
      if (peer_netns >= 0)
        attr_put (&m, IFLA_NET_NS_FD, &fd, sizeof fd);
      if (peer_mac)
        attr_put (&m, IFLA_ADDRESS, peer_mac, 6);
      nest_close (&m, p);
      nest_close (&m, data);
    }
  nest_close (&m, info);
  return nl_talk (nl, &m, NULL, NULL);
}

int
brig_nl_bridge_add (struct brig_nl *nl, const char *name, struct brig_err *err)
{
  int r = link_new (nl, name, "bridge", NULL, -1, NULL);
  return r < 0 ? brig_error (err, -r, "create bridge `%s`", name) : 0;
}

int
brig_nl_veth_add (struct brig_nl *nl, const char *name, const char *peer, int peer_netns,
                  const unsigned char *peer_mac, struct brig_err *err)
{
  int r = link_new (nl, name, "veth", peer, peer_netns, peer_mac);
  return r < 0 ? brig_error (err, -r, "create veth pair `%s`/`%s`", name, peer) : 0;
}

int
brig_nl_link_up (struct brig_nl *nl, const char *name, int master, struct brig_err *err)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
  struct nl_msg m;
  uint32_t mi = (uint32_t)master;
  int r;

  msg_init (&m, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  attr_str (&m, IFLA_IFNAME, name);
  if (master > 0)
    attr_put (&m, IFLA_MASTER, &mi, sizeof mi);
  r = nl_talk (nl, &m, NULL, NULL);
  return r < 0 ? brig_error (err, -r, "bring up link `%s`", name) : 0;
}

int
brig_nl_link_del (struct brig_nl *nl, const char *name, struct brig_err *err)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct nl_msg m;
  int r;

  msg_init (&m, RTM_DELLINK, 0, &ifi, sizeof ifi);
  attr_str (&m, IFLA_IFNAME, name);
  r = nl_talk (nl, &m, NULL, NULL);
  if (r == -ENODEV)
    return r;
  return r < 0 ? brig_error (err, -r, "delete link `%s`", name) : 0;
}

int
brig_nl_addr_add (struct brig_nl *nl, const char *name, struct in_addr addr, int prefix,
                  struct brig_err *err)
{
  struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix };
  struct nl_msg m;
  int idx = brig_nl_link_get (nl, name, NULL, err), r;

  if (idx == -ENODEV)
    return brig_error (err, ENODEV, "address of link `%s`", name);
  if (idx < 0)
    return idx;
  ifa.ifa_index = (unsigned)idx;
  msg_init (&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
  attr_put (&m, IFA_LOCAL, &addr, sizeof addr);
  attr_put (&m, IFA_ADDRESS, &addr, sizeof addr);
  r = nl_talk (nl, &m, NULL, NULL);
  return r < 0 ? brig_error (err, -r, "give link `%s` its address", name) : 0;
}

struct route_list
{
  struct brig_nl_route *v;
  size_t n;
};

static int
on_route (struct nlmsghdr *h, void *data)
{
  struct route_list *l = data;
  struct rtmsg *rt = NLMSG_DATA (h);
  int len = (int)RTM_PAYLOAD (h);
  struct brig_nl_route r = { .prefix = rt->rtm_dst_len };

  if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != AF_INET || rt->rtm_dst_len == 0)
    return 0;
  for (struct rtattr *a = RTM_RTA (rt); RTA_OK (a, len); a = RTA_NEXT (a, len))
    if (a->rta_type == RTA_DST && RTA_PAYLOAD (a) == sizeof r.dst)
      memcpy (&r.dst, RTA_DATA (a), sizeof r.dst);
    else if (a->rta_type == RTA_OIF && RTA_PAYLOAD (a) == sizeof (uint32_t))
      {
        uint32_t oif;
        char name[IF_NAMESIZE];
        memcpy (&oif, RTA_DATA (a), sizeof oif);
        if (if_indextoname (oif, name))
          snprintf (r.dev, sizeof r.dev, "%s", name);
      }
  l->v = xreallocarray (l->v, l->n + 1, sizeof *l->v);
  l->v[l->n++] = r;
  return 0;
}

static int
on_addr (struct nlmsghdr *h, void *data)
{
  struct route_list *l = data;
  struct ifaddrmsg *ifa = NLMSG_DATA (h);
  int len = (int)IFA_PAYLOAD (h);
  struct brig_nl_route r = { .prefix = ifa->ifa_prefixlen, .address = true };
  bool found = false;

  if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
    return 0;
  for (struct rtattr *a = IFA_RTA (ifa); RTA_OK (a, len); a = RTA_NEXT (a, len))
    if (a->rta_type == IFA_LOCAL && RTA_PAYLOAD (a) == sizeof r.dst)
      {
        memcpy (&r.dst, RTA_DATA (a), sizeof r.dst);
        found = true;
      }
  if (!found)
    return 0;
  if_indextoname (ifa->ifa_index, r.dev);
  l->v = xreallocarray (l->v, l->n + 1, sizeof *l->v);
  l->v[l->n++] = r;
  return 0;
}

int
brig_nl_routes (struct brig_nl *nl, struct brig_nl_route **ret, size_t *ret_n, struct brig_err *err)
{
  struct rtmsg rt = { .rtm_family = AF_INET };
  struct ifaddrmsg ifa = { .ifa_family = AF_INET };
  struct route_list l = { NULL, 0 };
  struct nl_msg m;
  int r;

  /* Addresses first: they say more than the routes made for them.  A dump
   * that changed on the way is read again, whole. */
  for (int tries = 0; tries < 5; tries++)
    {
      l.n = 0;
      msg_init (&m, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof ifa);
      r = nl_talk (nl, &m, on_addr, &l);
      if (r == 0)
        {
          msg_init (&m, RTM_GETROUTE, NLM_F_DUMP, &rt, sizeof rt);
          r = nl_talk (nl, &m, on_route, &l);
        }
      if (r != -EAGAIN)
        break;
    }
  if (r < 0)
    {
      free (l.v);
      return brig_error (err, -r, "read the host's routes and addresses");
    }
  *ret = l.v;
  *ret_n = l.n;
  return 0;
}
