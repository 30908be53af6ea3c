/* Published ports: host listeners, a forwarder inside the container's
 * network namespace, splice(2) for TCP, a relay for UDP (portfwd.h). */
#include "sandbox/portfwd.h"
#include "sandbox/internal.h"
#include "util/cleanup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PIPE_SIZE (1 << 20)   /* asked for each direction of a connection */
#define UDP_IDLE 60           /* seconds a UDP client keeps its socket */
#define UDP_MAX_SESSIONS 1024 /* clients at once, over every UDP port */
#define BACKLOG 512

struct brig_portfwd
{
  pid_t pid;
  int ctl; /* closed: stop */
};

/* What epoll reports on: the first member of each kind of object. */
enum ep_kind
{
  EP_CTL,
  EP_LISTEN,
  EP_SIDE,
  EP_UDP,
};

struct listener
{
  enum ep_kind kind;
  int fd;
  uint16_t cport;
  bool udp;
  bool paused; /* out of descriptors: out of epoll until a connection ends */
};

struct conn;

/* One socket of a connection: 0 the host's client, 1 the container's. */
struct side
{
  enum ep_kind kind;
  struct conn *c;
  int fd;
  bool rd, wr; /* ready as far as we know (edge-triggered) */
};

/* One direction: bytes from side I to side 1-I through a pipe. */
struct flow
{
  int pr, pw;
  size_t pending, cap;
  bool eof, shut;
};

struct conn
{
  struct side s[2];
  struct flow f[2];
  uint16_t cport;
  int attempt; /* the container's loopback address being tried: 0 v4, 1 v6 */
  bool connecting, dead;
  struct conn *prev, *next, *next_dead;
};

struct udp_sess
{
  enum ep_kind kind;
  struct listener *l;
  int fd;
  struct sockaddr_storage peer;
  socklen_t plen;
  time_t last;
  struct udp_sess *next;
};

struct fwd
{
  int ep;
  struct conn *conns, *dead;
  struct udp_sess *sess;
  size_t nsess;
  struct listener *l; /* the listeners, some maybe paused */
  size_t nl, npaused;
};

/* --- binding on the host ------------------------------------------------- */

static int
bind_one (int family, const char *ip, const struct brig_port *p, int *ret_fd, struct brig_err *err)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  int one = 1;
  _cleanup_close_ int fd
      = socket (family, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -errno;
  if (family == AF_INET)
    {
      struct sockaddr_in *a = (struct sockaddr_in *)&ss;
      a->sin_family = AF_INET;
      a->sin_port = htons (p->host_port);
      inet_pton (AF_INET, ip, &a->sin_addr);
      len = sizeof *a;
    }
  else
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
      a->sin6_family = AF_INET6;
      a->sin6_port = htons (p->host_port);
      inet_pton (AF_INET6, ip, &a->sin6_addr);
      len = sizeof *a;
      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
  if (!p->udp)
    setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *)&ss, len) < 0 || (!p->udp && listen (fd, BACKLOG) < 0))
    {
      int e = errno;
      /* Loopback ::1 is optional: a host without IPv6 has none. */
      if (err == NULL)
        return -e;
      _cleanup_free_ char *name = brig_port_format (p);
      return brig_error (err, e, "publish %s: bind %s%s%s:%u", name, family == AF_INET6 ? "[" : "",
                         ip, family == AF_INET6 ? "]" : "", (unsigned)p->host_port);
    }
  *ret_fd = steal_fd (&fd);
  return 0;
}

static void
listeners_close (struct listener *l, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (l[i].fd >= 0)
      close (l[i].fd);
  free (l);
}

/* Every port's sockets: 127.0.0.1 and (where the host has it) ::1, or the
 * address named. */
static int
bind_all (const struct brig_port *ports, size_t n, struct listener **ret, size_t *ret_n,
          struct brig_err *err)
{
  struct listener *l = xcalloc (2 * n + 1, sizeof *l);
  size_t k = 0;
  int r;

  for (size_t i = 0; i < n; i++)
    {
      const struct brig_port *p = &ports[i];
      struct listener one = { EP_LISTEN, -1, p->container_port, p->udp };
      if (p->host_ip[0] == '\0')
        {
          if ((r = bind_one (AF_INET, "127.0.0.1", p, &one.fd, err)) < 0)
            goto fail;
          l[k++] = one;
          if (bind_one (AF_INET6, "::1", p, &one.fd, NULL) == 0)
            l[k++] = one;
        }
      else
        {
          int family = strchr (p->host_ip, ':') ? AF_INET6 : AF_INET;
          if ((r = bind_one (family, p->host_ip, p, &one.fd, err)) < 0)
            goto fail;
          l[k++] = one;
        }
    }
  *ret = l;
  *ret_n = k;
  return 0;
fail:
  listeners_close (l, k);
  return r;
}

/* --- the forwarder's loop ------------------------------------------------ */

static void
conn_kill (struct fwd *fw, struct conn *c)
{
  if (c->dead)
    return;
  c->dead = true;
  c->next_dead = fw->dead;
  fw->dead = c;
}

static int
ep_add (struct fwd *fw, int fd, uint32_t events, void *ptr)
{
  struct epoll_event ev = { .events = events, .data.ptr = ptr };
  return epoll_ctl (fw->ep, EPOLL_CTL_ADD, fd, &ev);
}

/* A listener that could not accept for want of descriptors leaves epoll
 * (level-triggered, it would wake the loop at once, forever) until a
 * connection ends and gives one back; its clients wait in the backlog. */
static void
listener_pause (struct fwd *fw, struct listener *l)
{
  if (l->paused || epoll_ctl (fw->ep, EPOLL_CTL_DEL, l->fd, NULL) < 0)
    return;
  l->paused = true;
  fw->npaused++;
}

static void
listeners_resume (struct fwd *fw)
{
  for (size_t i = 0; i < fw->nl && fw->npaused; i++)
    if (fw->l[i].paused && ep_add (fw, fw->l[i].fd, EPOLLIN, &fw->l[i]) == 0)
      {
        fw->l[i].paused = false;
        fw->npaused--;
      }
}

static void
conn_free (struct fwd *fw, struct conn *c)
{
  for (int i = 0; i < 2; i++)
    {
      if (c->s[i].fd >= 0)
        close (c->s[i].fd);
      if (c->f[i].pr >= 0)
        close (c->f[i].pr);
      if (c->f[i].pw >= 0)
        close (c->f[i].pw);
    }
  if (c->prev)
    c->prev->next = c->next;
  else
    fw->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  free (c);
  listeners_resume (fw);
}

/* Connect side 1 to the port on the container's loopback: 127.0.0.1,
 * then ::1 for a server that listens on IPv6 only.  -1: neither. */
static int
container_connect (struct fwd *fw, struct conn *c)
{
  for (; c->attempt < 2; c->attempt++)
    {
      struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons (c->cport) };
      struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons (c->cport) };
      bool v6 = c->attempt == 1;
      int one = 1, fd;

      a4.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      a6.sin6_addr = in6addr_loopback;
      fd = socket (v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0)
        continue;
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect (fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
                   v6 ? sizeof a6 : sizeof a4)
              < 0
          && errno != EINPROGRESS)
        {
          close (fd);
          continue;
        }
      c->s[1] = (struct side){ EP_SIDE, c, fd, false, false };
      c->connecting = true;
      if (ep_add (fw, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &c->s[1]) < 0)
        {
          close (fd);
          c->s[1].fd = -1;
          return -1;
        }
      return 0;
    }
  return -1;
}

static bool
flow_init (struct flow *f)
{
  int p[2];

  if (pipe2 (p, O_NONBLOCK | O_CLOEXEC) < 0)
    return false;
  f->pr = p[0];
  f->pw = p[1];
  fcntl (f->pw, F_SETPIPE_SZ, PIPE_SIZE);
  int sz = fcntl (f->pw, F_GETPIPE_SZ);
  f->cap = sz > 0 ? (size_t)sz : 65536;
  return true;
}

/* Move what can be moved from side I to side 1-I.  -1: the connection
 * is broken. */
static int
pump (struct conn *c, int i)
{
  struct side *src = &c->s[i], *dst = &c->s[1 - i];
  struct flow *f = &c->f[i];

  for (;;)
    {
      bool moved = false;
      ssize_t n;

      if (!f->eof && src->rd && f->pending < f->cap)
        {
          n = splice (src->fd, NULL, f->pw, NULL, f->cap - f->pending,
                      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (n > 0)
            f->pending += (size_t)n, moved = true;
          else if (n == 0)
            f->eof = moved = true;
          else if (errno == EAGAIN)
            src->rd = false;
          else if (errno != EINTR)
            return -1;
        }
      if (f->pending > 0 && dst->wr)
        {
          n = splice (f->pr, NULL, dst->fd, NULL, f->pending, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (n > 0)
            {
              f->pending -= (size_t)n;
              moved = true;
              /* An EAGAIN from the read may have been a full pipe (its
               * slots hold partial pages): try again now there is room. */
              if (!f->eof)
                src->rd = true;
            }
          else if (n < 0 && errno == EAGAIN)
            dst->wr = false;
          else if (n < 0 && errno != EINTR)
            return -1;
        }
      if (f->eof && f->pending == 0 && !f->shut && !c->connecting)
        {
          shutdown (dst->fd, SHUT_WR);
          f->shut = true;
        }
      if (!moved)
        return 0;
    }
}

static void
conn_pump (struct fwd *fw, struct conn *c)
{
  if (c->dead)
    return;
  if (c->connecting)
    {
      /* The client may send before the container answers: into the pipe. */
      c->s[1].wr = false;
      c->s[1].rd = false;
      if (pump (c, 0) < 0)
        conn_kill (fw, c);
      return;
    }
  if (pump (c, 0) < 0 || pump (c, 1) < 0 || (c->f[0].shut && c->f[1].shut))
    conn_kill (fw, c);
}

static void
on_side (struct fwd *fw, struct side *s, uint32_t ev)
{
  struct conn *c = s->c;

  if (c->dead)
    return;
  if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
    s->rd = true;
  if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
    s->wr = true;
  if (c->connecting && s == &c->s[1] && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
    {
      int e = 0;
      socklen_t len = sizeof e;
      if (getsockopt (s->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
        e = errno;
      if (e == 0)
        {
          c->connecting = false;
          c->s[1].wr = true;
          c->s[1].rd = true;
        }
      else
        {
          close (s->fd);
          s->fd = -1;
          c->attempt++;
          if (container_connect (fw, c) < 0)
            {
              conn_kill (fw, c);
              return;
            }
        }
    }
  conn_pump (fw, c);
}

static void
tcp_accept (struct fwd *fw, struct listener *l)
{
  for (;;)
    {
      int one = 1, fd = accept4 (l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      struct conn *c;

      if (fd < 0)
        {
          if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            listener_pause (fw, l);
          return; /* EAGAIN; or paused: the backlog waits */
        }
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      c = xcalloc (1, sizeof *c);
      c->s[0] = (struct side){ EP_SIDE, c, fd, false, false };
      c->s[1] = (struct side){ EP_SIDE, c, -1, false, false };
      c->f[0].pr = c->f[0].pw = c->f[1].pr = c->f[1].pw = -1;
      c->cport = l->cport;
      c->next = fw->conns;
      if (fw->conns)
        fw->conns->prev = c;
      fw->conns = c;
      if (!flow_init (&c->f[0]) || !flow_init (&c->f[1])
          || ep_add (fw, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &c->s[0]) < 0
          || container_connect (fw, c) < 0)
        conn_kill (fw, c);
    }
}

static void
sess_free (struct fwd *fw, struct udp_sess **pp)
{
  struct udp_sess *s = *pp;
  *pp = s->next;
  close (s->fd);
  free (s);
  fw->nsess--;
}

static struct udp_sess *
sess_new (struct fwd *fw, struct listener *l, const struct sockaddr_storage *peer, socklen_t plen,
          time_t now)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (l->cport) };
  struct udp_sess *s;
  int fd;

  if (fw->nsess >= UDP_MAX_SESSIONS)
    {
      /* Make room: the client quiet for longest goes. */
      struct udp_sess **oldest = &fw->sess;
      for (struct udp_sess **pp = &fw->sess; *pp; pp = &(*pp)->next)
        if ((*pp)->last < (*oldest)->last)
          oldest = pp;
      sess_free (fw, oldest);
    }
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  if (connect (fd, (struct sockaddr *)&a, sizeof a) < 0)
    {
      close (fd);
      return NULL;
    }
  s = xcalloc (1, sizeof *s);
  *s = (struct udp_sess){ EP_UDP, l, fd, *peer, plen, now, fw->sess };
  if (ep_add (fw, fd, EPOLLIN, s) < 0)
    {
      close (fd);
      free (s);
      return NULL;
    }
  fw->sess = s;
  fw->nsess++;
  return s;
}

static void
udp_from_client (struct fwd *fw, struct listener *l, char *buf, size_t size)
{
  time_t now = time (NULL);

  for (;;)
    {
      struct sockaddr_storage peer;
      socklen_t plen = sizeof peer;
      struct udp_sess *s;
      ssize_t n = recvfrom (l->fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)&peer, &plen);

      if (n < 0)
        return;
      for (s = fw->sess; s; s = s->next)
        if (s->l == l && s->plen == plen && memcmp (&s->peer, &peer, plen) == 0)
          break;
      if (s == NULL && (s = sess_new (fw, l, &peer, plen, now)) == NULL)
        continue;
      s->last = now;
      send (s->fd, buf, (size_t)n, MSG_DONTWAIT);
    }
}

static void
udp_from_container (struct udp_sess *s, char *buf, size_t size)
{
  for (;;)
    {
      ssize_t n = recv (s->fd, buf, size, MSG_DONTWAIT);
      if (n < 0)
        return; /* EAGAIN, or ECONNREFUSED: nothing listens there yet */
      s->last = time (NULL);
      sendto (s->l->fd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&s->peer, s->plen);
    }
}

static void
udp_expire (struct fwd *fw, time_t now)
{
  for (struct udp_sess **pp = &fw->sess; *pp;)
    if (now - (*pp)->last > UDP_IDLE)
      sess_free (fw, pp);
    else
      pp = &(*pp)->next;
}

static void
fwd_loop (struct fwd *fw, int ctl)
{
  static char buf[65536];
  struct epoll_event evs[128];
  time_t swept = time (NULL);

  for (;;)
    {
      int n = epoll_wait (fw->ep, evs, (int)ARRAY_SIZE (evs), fw->nsess ? 5000 : -1);

      if (n < 0 && errno != EINTR)
        return;
      for (int i = 0; i < n; i++)
        {
          enum ep_kind *k = evs[i].data.ptr;
          switch (*k)
            {
            case EP_CTL:
              {
                char b;
                if (read (ctl, &b, 1) <= 0)
                  return;
                break;
              }
            case EP_LISTEN:
              {
                struct listener *l = (struct listener *)k;
                if (l->udp)
                  udp_from_client (fw, l, buf, sizeof buf);
                else
                  tcp_accept (fw, l);
                break;
              }
            case EP_SIDE:
              on_side (fw, (struct side *)k, evs[i].events);
              break;
            case EP_UDP:
              udp_from_container ((struct udp_sess *)k, buf, sizeof buf);
              break;
            default:
              break;
            }
        }
      /* Freed only now: later events of this batch may name them. */
      while (fw->dead)
        {
          struct conn *c = fw->dead;
          fw->dead = c->next_dead;
          conn_free (fw, c);
        }
      if (fw->nsess && time (NULL) - swept >= 5)
        {
          swept = time (NULL);
          udp_expire (fw, swept);
        }
    }
}

/* --- the forwarder process ----------------------------------------------- */

struct status
{
  int code;
  char msg[256];
};

static void __attribute__ ((noreturn)) child_fail (int status_fd, int code, const char *what)
{
  struct status st = { code, "" };
  snprintf (st.msg, sizeof st.msg, "%s", what);
  if (write (status_fd, &st, sizeof st) < 0)
    _exit (125);
  _exit (125);
}

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *)a - *(const int *)b;
}

/* Close every descriptor but the N in KEEP (brig's others: the cleaner's
 * pipe above all, whose EOF must come when brig dies). */
static void
close_all_but (int *keep, size_t n)
{
  unsigned from = 0;

  qsort (keep, n, sizeof *keep, cmp_int);
  for (size_t i = 0; i < n; i++)
    {
      if ((unsigned)keep[i] > from)
        syscall (SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
      from = (unsigned)keep[i] + 1;
    }
  syscall (SYS_close_range, from, ~0U, 0U);
}

static void __attribute__ ((noreturn)) child_main (pid_t parent, struct listener *l, size_t nl,
                                                   int ctl, int status_fd, int userns, int netns)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2] = { { 0 } };
  struct fwd fw = { -1, NULL, NULL, NULL, 0, l, nl, 0 };
  struct rlimit rl;
  size_t nkeep = 0;
  int *keep = xcalloc (nl + 4, sizeof *keep);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (0);
  keep[nkeep++] = ctl;
  keep[nkeep++] = status_fd;
  keep[nkeep++] = netns;
  if (userns >= 0)
    keep[nkeep++] = userns;
  for (size_t i = 0; i < nl; i++)
    keep[nkeep++] = l[i].fd;
  close_all_but (keep, nkeep);
  free (keep);
  signal (SIGPIPE, SIG_IGN);
  /* Through its user namespace, where we hold every capability as its
   * owner (or as root, when brig is). */
  if (userns >= 0 && setns (userns, CLONE_NEWUSER) < 0)
    child_fail (status_fd, errno, "join the container's user namespace");
  if (setns (netns, CLONE_NEWNET) < 0)
    child_fail (status_fd, errno, "join the container's network namespace");
  if (userns >= 0)
    close (userns);
  close (netns);
  /* Nothing from here on needs a privilege. */
  if (syscall (SYS_capset, &h, d) < 0 || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    child_fail (status_fd, errno, "drop privileges");
  prctl (PR_SET_DUMPABLE, 0);
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
  if ((fw.ep = epoll_create1 (EPOLL_CLOEXEC)) < 0)
    child_fail (status_fd, errno, "epoll");
  {
    static enum ep_kind ctl_kind = EP_CTL;
    if (ep_add (&fw, ctl, EPOLLIN, &ctl_kind) < 0)
      child_fail (status_fd, errno, "epoll");
  }
  for (size_t i = 0; i < nl; i++)
    if (ep_add (&fw, l[i].fd, EPOLLIN, &l[i]) < 0)
      child_fail (status_fd, errno, "epoll");
  {
    struct status ok = { 0, "" };
    if (write (status_fd, &ok, sizeof ok) != (ssize_t)sizeof ok)
      _exit (125);
    close (status_fd);
  }
  fwd_loop (&fw, ctl);
  /* Stopped: every connection closes with us. */
  while (fw.conns)
    conn_free (&fw, fw.conns);
  while (fw.sess)
    sess_free (&fw, &fw.sess);
  listeners_close (l, nl);
  _exit (0);
}

int
brig_portfwd_start (const struct brig_port *ports, size_t n, int userns, int netns,
                    struct brig_portfwd **ret, struct brig_err *err)
{
  struct listener *l = NULL;
  size_t nl = 0;
  int ctl[2] = { -1, -1 }, st[2] = { -1, -1 };
  struct status status;
  pid_t parent = getpid (), child;
  ssize_t got;
  int r;

  *ret = NULL;
  if (n == 0)
    return 0;
  if (netns < 0)
    return brig_error (err, EBADF, "publish: no network namespace to forward into");
  if (userns >= 0 && brig_ns_is_own_userns (userns))
    userns = -1;
  if ((r = bind_all (ports, n, &l, &nl, err)) < 0)
    return r;
  if (pipe2 (ctl, O_CLOEXEC) < 0 || pipe2 (st, O_CLOEXEC) < 0)
    {
      r = brig_error (err, errno, "pipe for the port forwarder");
      goto out;
    }
  child = fork ();
  if (child < 0)
    {
      r = brig_error (err, errno, "fork the port forwarder");
      goto out;
    }
  if (child == 0)
    {
      close (ctl[1]);
      close (st[0]);
      child_main (parent, l, nl, ctl[0], st[1], userns, netns);
    }
  close (st[1]);
  st[1] = -1;
  do
    got = read (st[0], &status, sizeof status);
  while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof status || status.code != 0)
    {
      status.msg[sizeof status.msg - 1] = '\0';
      r = brig_error (err, got == (ssize_t)sizeof status ? status.code : 0, "port forwarder: %s",
                      got == (ssize_t)sizeof status ? status.msg : "it died while starting");
      kill (child, SIGKILL);
      while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
        ;
      goto out;
    }
  *ret = xcalloc (1, sizeof **ret);
  (*ret)->pid = child;
  (*ret)->ctl = ctl[1];
  ctl[1] = -1;
  r = 0;
out:
  listeners_close (l, nl);
  for (int i = 0; i < 2; i++)
    {
      if (ctl[i] >= 0)
        close (ctl[i]);
      if (st[i] >= 0)
        close (st[i]);
    }
  return r;
}

void
brig_portfwd_stop (struct brig_portfwd *f)
{
  if (f == NULL)
    return;
  close (f->ctl);
  while (waitpid (f->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  free (f);
}
