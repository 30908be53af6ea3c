/* --network bridge: the bridges' state, their links and brig's nftables
 * tables.  See bridge.h. */
#include "sandbox/bridge.h"
#include "sandbox/netlink.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The host end of a container's veth: this, then 12 digits of its id. */
#define VETH_PREFIX "brv"
#define BRIDGE_DIR "/run/brig"
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

bool
brig_bridge_name_valid (const char *name)
{
  return str_is_name (name, strlen (name), IFNAMSIZ - 1) && !str_has_prefix (name, VETH_PREFIX);
}

/* --- state ---------------------------------------------------------------- */

struct bstate
{
  int lock;
  char *lock_path;
  char *path;
  json_t *root;    /* {"bridges": {NAME: {"subnet", "prefix", "members": [...]}}} */
  json_t *bridges; /* borrowed from root */
};

static void
bstate_close (struct bstate *s)
{
  json_decref (s->root);
  free (s->path);
  free (s->lock_path);
  if (s->lock >= 0)
    close (s->lock);
  *s = (struct bstate){ .lock = -1 };
}

/* The network namespace we are in, by its cookie (never reused while the
 * system runs; an inode number can be), else its inode. */
static unsigned long long
netns_key (void)
{
  unsigned long long cookie = 0;
  socklen_t len = sizeof cookie;
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct stat st;

  if (fd >= 0 && getsockopt (fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0)
    return cookie;
  return stat ("/proc/self/ns/net", &st) == 0 ? (unsigned long long)st.st_ino << 32 : 0;
}

/* Bridges and nftables tables belong to a network namespace, not to a
 * runtime directory: their state is the namespace's, under BRIDGE_DIR
 * whatever BRIG_RUNTIME_DIR says. */
static int
bstate_open (struct bstate *s, struct brig_err *err)
{
  _cleanup_free_ char *dir = xstrdup (BRIDGE_DIR);
  unsigned long long key = netns_key ();
  _cleanup_free_ char *lock = xasprintf ("%s/bridges-%llx.lock", dir, key);
  json_error_t je;
  int r;

  *s = (struct bstate){ .lock = -1 };
  if ((r = brig_mkdir_p (dir, 0700, err)) < 0)
    return r;
  /* The last one out removes the lock file (holding the lock): a file
   * locked after that is not the one at LOCK any more; try again. */
  for (;;)
    {
      struct stat a, b;
      s->lock = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (s->lock < 0)
        return brig_error (err, errno, "open `%s`", lock);
      while ((r = flock (s->lock, LOCK_EX)) < 0 && errno == EINTR)
        ;
      if (r < 0)
        {
          r = brig_error (err, errno, "lock `%s`", lock);
          bstate_close (s);
          return r;
        }
      if (fstat (s->lock, &a) == 0 && stat (lock, &b) == 0 && a.st_ino == b.st_ino
          && a.st_dev == b.st_dev)
        break;
      close (s->lock);
    }
  s->lock_path = steal_pointer (&lock);
  s->path = xasprintf ("%s/bridges-%llx.json", dir, key);
  s->root = json_load_file (s->path, 0, &je);
  if (s->root == NULL && access (s->path, F_OK) == 0)
    {
      r = brig_error (err, 0, "bridge state `%s`: %s (line %d)", s->path, je.text, je.line);
      bstate_close (s);
      return r;
    }
  if (!json_is_object (s->root))
    {
      json_decref (s->root);
      s->root = json_object ();
    }
  s->bridges = json_object_get (s->root, "bridges");
  if (!json_is_object (s->bridges))
    {
      s->bridges = json_object ();
      json_object_set_new (s->root, "bridges", s->bridges);
    }
  return 0;
}

static int
bstate_save (struct bstate *s, struct brig_err *err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp", s->path);

  if (json_object_size (s->bridges) == 0)
    {
      if (unlink (s->path) < 0 && errno != ENOENT)
        return brig_error (err, errno, "remove `%s`", s->path);
      unlink (s->lock_path);
      return 0;
    }
  if (json_dump_file (s->root, tmp, JSON_INDENT (1)) < 0 || rename (tmp, s->path) < 0)
    {
      int r = brig_error (err, errno, "write bridge state `%s`", s->path);
      unlink (tmp);
      return r;
    }
  return 0;
}

static const char *
jstr (json_t *o, const char *key)
{
  const char *v = json_string_value (json_object_get (o, key));
  return v ? v : "";
}

static struct in_addr
jaddr (json_t *o, const char *key)
{
  struct in_addr a = { 0 };
  inet_pton (AF_INET, jstr (o, key), &a);
  return a;
}

static char *
addr_text (struct in_addr a)
{
  char buf[INET_ADDRSTRLEN];
  return xstrdup (inet_ntop (AF_INET, &a, buf, sizeof buf));
}

static uint32_t
mask_of (int prefix)
{
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

static bool
overlaps (struct in_addr a, int pa, struct in_addr b, int pb)
{
  uint32_t m = mask_of (pa < pb ? pa : pb);
  return ((ntohl (a.s_addr) ^ ntohl (b.s_addr)) & m) == 0;
}

/* A member's brig is gone (or another process has its pid). */
static bool
member_stale (json_t *m)
{
  json_int_t pid = json_integer_value (json_object_get (m, "pid"));
  json_int_t start = json_integer_value (json_object_get (m, "start"));

  return pid <= 0 || brig_proc_start_time ((pid_t)pid) != (unsigned long long)start;
}

/* Delete link NAME if it is of KIND: what brig made, not what someone
 * put under the same name since. */
static void
link_del_kind (struct brig_nl *nl, const char *name, const char *kind)
{
  struct brig_err e = { 0 };
  char k[16];

  if (brig_nl_link_get (nl, name, k, &e) > 0 && strcmp (k, kind) == 0)
    brig_nl_link_del (nl, name, &e);
  brig_err_release (&e);
}

/* Remove members whose brig is gone (their veth too, should it be left),
 * and bridges without members but KEEP, with their link. */
static void
prune (struct bstate *s, struct brig_nl *nl, const char *keep)
{
  const char *name;
  json_t *b;
  void *tmp;

  json_object_foreach_safe (s->bridges, tmp, name, b)
  {
    json_t *ms = json_object_get (b, "members");

    for (size_t i = json_array_size (ms); i-- > 0;)
      {
        json_t *m = json_array_get (ms, i);
        if (!member_stale (m))
          continue;
        link_del_kind (nl, jstr (m, "veth"), "veth");
        json_array_remove (ms, i);
      }
    if (json_array_size (ms) == 0 && (keep == NULL || strcmp (name, keep) != 0))
      {
        link_del_kind (nl, name, "bridge");
        json_object_del (s->bridges, name);
      }
  }
}

/* --- nftables ------------------------------------------------------------- */

static const char *
nft_path (void)
{
  static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };
  for (size_t i = 0; i < ARRAY_SIZE (paths); i++)
    if (access (paths[i], X_OK) == 0)
      return paths[i];
  return NULL;
}

/* Linux's default net.ipv4.ip_local_port_range: the source ports of a
 * member's connections (its /proc/sys is read-only: it cannot widen it). */
#define EPHEMERAL_PORTS "32768-60999"

/* The rules between member M and PEER, as RULE says. */
static void
pair_rules (FILE *f, json_t *rule, json_t *m, json_t *peer)
{
  static const char *const protos[] = { [IPPROTO_TCP] = "tcp", [IPPROTO_UDP] = "udp" };
  json_int_t proto = json_integer_value (json_object_get (rule, "proto"));
  json_int_t port = json_integer_value (json_object_get (rule, "port"));
  const char *p = proto == IPPROTO_TCP || proto == IPPROTO_UDP ? protos[proto] : NULL;
  const char *mv = jstr (m, "veth"), *pv = jstr (peer, "veth");
  _cleanup_free_ char *to = NULL, *back = NULL;
  char sport[32] = "";

  if (json_is_true (json_object_get (rule, "link")))
    {
      fprintf (f, "    iifname \"%s\" oifname \"%s\" accept\n", mv, pv);
      fprintf (f, "    iifname \"%s\" oifname \"%s\" accept\n", pv, mv);
      return;
    }
  /* M to PEER, and PEER back to M: by port and by address (each member's
   * source address is pinned on prerouting). */
  to = xasprintf ("iifname \"%s\" oifname \"%s\" ip saddr %s ip daddr %s", mv, pv, jstr (m, "addr"),
                  jstr (peer, "addr"));
  back = xasprintf ("iifname \"%s\" oifname \"%s\" ip saddr %s ip daddr %s", pv, mv,
                    jstr (peer, "addr"), jstr (m, "addr"));
  /* Addresses are resolved both ways; errors come back. */
  fprintf (f, "    iifname \"%s\" oifname \"%s\" ether type arp accept\n", mv, pv);
  fprintf (f, "    iifname \"%s\" oifname \"%s\" ether type arp accept\n", pv, mv);
  fprintf (f, "    %s icmp type { echo-reply, destination-unreachable, time-exceeded } accept\n",
           back);
  /* Without conntrack in the bridge (`ct` does not load in a bridge table
   * on many kernels), replies are told apart statelessly: TCP segments
   * that open no connection, UDP datagrams from the port, and both only to
   * M's ephemeral ports. */
  if (port)
    snprintf (sport, sizeof sport, " %s sport %d", p, (int)port);
  if (p == NULL)
    {
      fprintf (f, "    %s ip protocol { tcp, icmp } accept\n", to);
      fprintf (f, "    %s tcp flags & (syn | ack) != syn tcp dport " EPHEMERAL_PORTS " accept\n",
               back);
      return;
    }
  if (port)
    fprintf (f, "    %s %s dport %d accept\n", to, p, (int)port);
  else
    fprintf (f, "    %s ip protocol %s accept\n", to, p);
  if (proto == IPPROTO_TCP)
    fprintf (f, "    %s tcp flags & (syn | ack) != syn%s tcp dport " EPHEMERAL_PORTS " accept\n",
             back, sport);
  else if (port)
    fprintf (f, "    %s%s udp dport " EPHEMERAL_PORTS " accept\n", back, sport);
}

static json_t *
member_by_id (json_t *ms, const char *id)
{
  size_t i;
  json_t *m;

  json_array_foreach (ms, i, m) if (strcmp (jstr (m, "id"), id) == 0) return m;
  return NULL;
}

/* A member's hardware address follows from its IP address (as Docker's):
 * a container that gets an address again is reached at once, whatever the
 * neighbours' caches hold. */
static void
mac_of (struct in_addr a, unsigned char mac[6])
{
  mac[0] = 0x02;
  mac[1] = 0x62;
  memcpy (mac + 2, &a.s_addr, 4);
}

/* Member M's frames carry its MAC and its address, or are dropped: on the
 * prerouting hook, before the bridge learns from them where a MAC is (a
 * frame dropped here moves no FDB entry).  Only IPv4 and ARP pass: brig
 * gives a member no IPv6 address, and NDP from its link-local address
 * could announce anyone's. */
static void
pin_rules (FILE *f, json_t *m)
{
  struct in_addr a = jaddr (m, "addr");
  unsigned char mac[6];
  char ms[18];
  _cleanup_free_ char *at = addr_text (a);

  mac_of (a, mac);
  snprintf (ms, sizeof ms, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
            mac[5]);
  fprintf (f, "  chain p_%s {\n    ether saddr != %s drop\n", jstr (m, "veth"), ms);
  fprintf (f, "    ether type ip ip saddr %s accept\n", at);
  /* Probes (sender 0.0.0.0) look for a conflict before taking an address. */
  fprintf (f,
           "    ether type arp arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether %s "
           "arp saddr ip { 0.0.0.0, %s } accept\n    drop\n  }\n",
           ms, at);
}

/* brig's tables, whole, from the state: replaced in one transaction
 * (add then delete makes the delete succeed when there is none). */
static char *
nft_script (struct bstate *s)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);
  const char *name;
  json_t *b;
  size_t k = 0;

  fprintf (f, "add table bridge brig\ndelete table bridge brig\n"
              "add table inet brig\ndelete table inet brig\n");
  if (json_object_size (s->bridges) == 0)
    goto done;
  fprintf (f, "table bridge brig {\n  chain prerouting {\n"
              "    type filter hook prerouting priority 0; policy accept;\n");
  json_object_foreach (s->bridges, name, b)
  {
    json_t *m;
    size_t i;
    json_array_foreach (json_object_get (b, "members"), i, m)
        fprintf (f, "    iifname \"%s\" jump p_%s\n", jstr (m, "veth"), jstr (m, "veth"));
  }
  fprintf (f, "    iifname \"" VETH_PREFIX "*\" drop\n  }\n");
  json_object_foreach (s->bridges, name, b)
  {
    json_t *m;
    size_t i;
    json_array_foreach (json_object_get (b, "members"), i, m) pin_rules (f, m);
  }
  fprintf (f, "  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
  json_object_foreach (s->bridges, name, b)
  {
    json_t *ms = json_object_get (b, "members"), *m;
    size_t i;
    if (json_array_size (ms) == 0)
      {
        k++;
        continue;
      }
    fprintf (f, "    iifname {");
    json_array_foreach (ms, i, m) fprintf (f, "%s \"%s\"", i ? "," : "", jstr (m, "veth"));
    fprintf (f, " } jump b%zu\n", k++);
  }
  /* A veth of brig's that no bridge lists yet: nothing passes. */
  fprintf (f, "    iifname \"" VETH_PREFIX "*\" drop\n  }\n");
  k = 0;
  json_object_foreach (s->bridges, name, b)
  {
    json_t *ms = json_object_get (b, "members"), *m, *rule;
    size_t i, j;
    fprintf (f, "  chain b%zu {\n", k++);
    json_array_foreach (ms, i, m)
    {
      json_array_foreach (json_object_get (m, "rules"), j, rule)
      {
        json_t *peer = member_by_id (ms, jstr (rule, "peer"));
        if (peer)
          pair_rules (f, rule, m, peer);
      }
    }
    fprintf (f, "    drop\n  }\n");
  }
  /* What a member sends to the bridge itself (the host) is for the
   * bridge's address, never to be routed on: a member that made that
   * address its gateway would pass the host to reach an unlinked one. */
  fprintf (f, "  chain input {\n    type filter hook input priority 0; policy accept;\n");
  json_object_foreach (s->bridges, name, b)
  {
    json_t *ms = json_object_get (b, "members"), *m;
    struct in_addr gw = { htonl (ntohl (jaddr (b, "subnet").s_addr) + 1) };
    _cleanup_free_ char *t = addr_text (gw);
    size_t i;
    if (json_array_size (ms) == 0)
      continue;
    fprintf (f, "    iifname {");
    json_array_foreach (ms, i, m) fprintf (f, "%s \"%s\"", i ? "," : "", jstr (m, "veth"));
    fprintf (f, " } ether type ip ip daddr != %s drop\n", t);
  }
  fprintf (f, "  }\n}\ntable inet brig {\n  chain input {\n"
              "    type filter hook input priority 0; policy accept;\n");
  json_object_foreach (s->bridges, name, b)
  {
    fprintf (f, "    iifname \"%s\" ct state established,related accept\n", name);
    fprintf (f, "    iifname \"%s\" drop\n", name);
  }
  fprintf (f, "  }\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
  /* Nothing is routed into or out of a bridge.  In and out of the same
   * one is what bridged frames look like here when br_netfilter is loaded
   * (the bridge's forward chain judges them); routed ones the bridge's
   * input chain has dropped, and the bridge does not forward. */
  json_object_foreach (s->bridges, name, b)
  {
    fprintf (f, "    iifname \"%s\" oifname != \"%s\" drop\n", name, name);
    fprintf (f, "    oifname \"%s\" iifname != \"%s\" drop\n", name, name);
  }
  fprintf (f, "  }\n}\n");
done:
  fclose (f);
  return text;
}

/* Run `nft -f -` on SCRIPT; its complaint, on one line, in the error. */
static int
nft_run (const char *script, struct brig_err *err)
{
  const char *nft = nft_path ();
  _cleanup_close_ int in = memfd_create ("brig-nft", MFD_CLOEXEC);
  _cleanup_close_ int out = memfd_create ("brig-nft-out", MFD_CLOEXEC);
  char said[1024];
  ssize_t n;
  pid_t pid;
  int st;

  if (nft == NULL)
    return brig_error (err, ENOENT, "--network bridge needs nft (Debian: apt install nftables)");
  if (in < 0 || out < 0 || brig_write_all (in, script, strlen (script)) < 0
      || lseek (in, 0, SEEK_SET) < 0)
    return brig_error (err, errno, "nft script");
  pid = fork ();
  if (pid < 0)
    return brig_error (err, errno, "fork nft");
  if (pid == 0)
    {
      if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (out, 2) < 0)
        _exit (127);
      execl (nft, "nft", "-f", "-", (char *)NULL);
      _exit (127);
    }
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return brig_error (err, errno, "wait for nft");
  if (WIFEXITED (st) && WEXITSTATUS (st) == 0)
    return 0;
  n = pread (out, said, sizeof said - 1, 0);
  said[n > 0 ? n : 0] = '\0';
  for (char *q = said; *q; q++)
    if (*q == '\n')
      *q = ' ';
  return brig_error (err, 0, "nft refused brig's rules: %s", said[0] ? said : "(it said nothing)");
}

static int
nft_apply (struct bstate *s, struct brig_err *err)
{
  _cleanup_free_ char *script = nft_script (s);
  return nft_run (script, err);
}

/* --- joining and leaving -------------------------------------------------- */

/* A subnet for a new bridge NAME: J's, or the pool's first free /24.  It
 * must overlap no other brig bridge and no host route (but NAME's own). */
static int
pick_subnet (struct bstate *s, struct brig_nl *nl, const struct brig_bridge_join *j,
             const char *name, struct in_addr *ret, int *ret_prefix, char **ret_note,
             struct brig_err *err)
{
  _cleanup_free_ struct brig_nl_route *routes = NULL;
  _cleanup_free_ char *first_conflict = NULL;
  size_t nroutes = 0;
  struct in_addr pool;
  int r;

  if ((r = brig_nl_routes (nl, &routes, &nroutes, err)) < 0)
    return r;
  inet_pton (AF_INET, "10.89.0.0", &pool);
  for (unsigned i = 0; i < (j->prefix ? 1u : 256u); i++)
    {
      struct in_addr cand
          = j->prefix ? j->subnet : (struct in_addr){ htonl (ntohl (pool.s_addr) + (i << 8)) };
      int prefix = j->prefix ? j->prefix : 24;
      _cleanup_free_ char *conflict = NULL;
      const char *other;
      json_t *b;

      json_object_foreach (s->bridges, other, b)
      {
        if (!conflict && strcmp (other, name) != 0
            && overlaps (cand, prefix, jaddr (b, "subnet"),
                         (int)json_integer_value (json_object_get (b, "prefix"))))
          {
            _cleanup_free_ char *t = addr_text (jaddr (b, "subnet"));
            conflict = xasprintf ("brig's bridge %s (%s/%d)", other, t,
                                  (int)json_integer_value (json_object_get (b, "prefix")));
          }
      }
      for (size_t k = 0; !conflict && k < nroutes; k++)
        if (strcmp (routes[k].dev, name) != 0
            && overlaps (cand, prefix, routes[k].dst, routes[k].prefix))
          {
            _cleanup_free_ char *t = addr_text (routes[k].dst);
            conflict
                = xasprintf ("the host's %s %s/%d%s%s", routes[k].address ? "address" : "route", t,
                             routes[k].prefix, routes[k].dev[0] ? " dev " : "", routes[k].dev);
          }
      if (conflict == NULL)
        {
          *ret = cand;
          *ret_prefix = prefix;
          if (first_conflict)
            {
              _cleanup_free_ char *t = addr_text (cand);
              *ret_note = xasprintf ("bridge %s: 10.89.0.0/24 overlaps %s; it uses %s/%d", name,
                                     first_conflict, t, prefix);
            }
          return 0;
        }
      if (first_conflict == NULL)
        first_conflict = steal_pointer (&conflict);
    }
  if (j->prefix)
    {
      _cleanup_free_ char *t = addr_text (j->subnet);
      return brig_error (err, 0, "bridge %s: subnet %s/%d overlaps %s; choose another", name, t,
                         j->prefix, first_conflict);
    }
  return brig_error (err, 0,
                     "bridge %s: every /24 of " BRIG_BRIDGE_POOL " is taken (the first overlaps "
                     "%s): name a subnet (--network bridge=%s:CIDR)",
                     name, first_conflict, name);
}

/* net.FAMILY.conf.NAME.KEY = VALUE, in this network namespace.  A host
 * without IPv6 has no ipv6 tree: nothing to disable there. */
static int
bridge_sysctl (const char *name, const char *family, const char *key, const char *value,
               struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("/proc/sys/net/%s/conf/%s/%s", family, name, key);

  if (strcmp (family, "ipv6") == 0 && access ("/proc/sys/net/ipv6", F_OK) < 0)
    return 0;
  return brig_write_file_at (AT_FDCWD, path, value, err);
}

/* Make bridge NAME with its first address, up. */
static int
bridge_make (struct brig_nl *nl, const char *name, struct in_addr subnet, int prefix,
             struct brig_err *err)
{
  struct in_addr gw = { htonl (ntohl (subnet.s_addr) + 1) };
  struct brig_err e = { 0 };
  int r;

  if ((r = brig_nl_bridge_add (nl, name, err)) < 0)
    return r;
  /* No forwarding from it, whatever ip_forward says (the forward hook of
   * table inet brig drops it too), and no IPv6 on it. */
  if ((r = bridge_sysctl (name, "ipv4", "forwarding", "0", err)) < 0
      || (r = bridge_sysctl (name, "ipv6", "disable_ipv6", "1", err)) < 0
      || (r = brig_nl_addr_add (nl, name, gw, prefix, err)) < 0
      || (r = brig_nl_link_up (nl, name, 0, err)) < 0)
    {
      brig_nl_link_del (nl, name, &e);
      brig_err_release (&e);
    }
  return r;
}

/* The member that TARGET names: its --name, or its id (4 digits or more). */
static int
find_target (json_t *ms, const char *bridge, const char *target, json_t **ret, struct brig_err *err)
{
  json_t *m, *found = NULL, *named = NULL;
  size_t i, n = 0, nnamed = 0;
  _cleanup_free_ char *list = NULL, *ids = NULL;

  json_array_foreach (ms, i, m)
  {
    const char *id = jstr (m, "id"), *name = jstr (m, "name");
    _cleanup_free_ char *one
        = name[0] ? xasprintf ("%s (%.12s)", name, id) : xasprintf ("%.12s", id);
    /* Names are unique in a runtime directory; a bridge is the network
     * namespace's, shared by every runtime directory. */
    if (strcmp (name, target) == 0)
      {
        _cleanup_free_ char *id12 = xstrndup (id, 12);
        named = m;
        nnamed++;
        str_append (&ids, ", ", id12);
      }
    if (strlen (target) >= 4 && str_has_prefix (id, target))
      {
        found = m;
        n++;
      }
    str_append (&list, ", ", one);
  }
  if (nnamed > 1)
    return brig_error (err, 0,
                       "`%s` names %zu containers on bridge %s (of different runtime "
                       "directories): give the id of the one meant (%s)",
                       target, nnamed, bridge, ids);
  if (nnamed == 1)
    {
      *ret = named;
      return 0;
    }
  if (n == 1)
    {
      *ret = found;
      return 0;
    }
  if (n > 1)
    return brig_error (err, 0, "`%s` names more than one container on bridge %s: give more digits",
                       target, bridge);
  return brig_error (err, 0, "no running container `%s` on bridge %s (%s%s)", target, bridge,
                     list ? "on it: " : "it has none", list ? list : "");
}

static json_t *
member_new (const struct brig_bridge_join *j, struct brig_bridge *b, json_t *ms,
            struct brig_err *err)
{
  _cleanup_free_ char *a = addr_text (b->addr);
  json_t *rules = json_array ();
  json_t *m
      = json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I}", "id", j->id, "name", j->name ? j->name : "",
                   "addr", a, "veth", b->veth, "pid", (json_int_t)getpid (), "start",
                   (json_int_t)brig_proc_start_time (getpid ()));

  json_object_set_new (m, "rules", rules);
  for (size_t i = 0; i < j->nrules; i++)
    {
      const struct brig_bridge_rule *rl = &j->rules[i];
      json_t *peer = NULL;
      if (find_target (ms, b->bridge, rl->target, &peer, err) < 0)
        {
          brig_err_wrap (err, "%s %s", rl->link ? "--link" : "--allow-to", rl->target);
          json_decref (m);
          return NULL;
        }
      json_array_append_new (rules, json_pack ("{s:b, s:s, s:i, s:i}", "link", rl->link, "peer",
                                               jstr (peer, "id"), "proto", rl->proto, "port",
                                               (int)rl->port));
      if (rl->link)
        {
          const char *pn = jstr (peer, "name");
          _cleanup_free_ char *id12 = xstrndup (jstr (peer, "id"), 12);
          strv_push (&b->hosts, xasprintf ("%s\t%s%s%s", jstr (peer, "addr"), pn[0] ? pn : id12,
                                           rl->alias ? " " : "", rl->alias ? rl->alias : ""));
        }
    }
  return m;
}

/* The lowest free address of the bridge (after the bridge's own). */
static int
pick_addr (struct brig_bridge *b, json_t *ms, struct brig_err *err)
{
  uint32_t base = ntohl (b->subnet.s_addr), size = ~mask_of (b->prefix) + 1;

  for (uint32_t h = 2; h + 1 < size; h++)
    {
      struct in_addr cand = { htonl (base + h) };
      _cleanup_free_ char *t = addr_text (cand);
      size_t i;
      json_t *m;
      bool used = false;
      json_array_foreach (ms, i, m) used |= strcmp (jstr (m, "addr"), t) == 0;
      if (!used)
        {
          b->addr = cand;
          return 0;
        }
    }
  return brig_error (err, 0, "bridge %s: every address of its subnet is taken", b->bridge);
}

static void
bridge_free (struct brig_bridge *b)
{
  if (b == NULL)
    return;
  free (b->bridge);
  free (b->id);
  strv_free (b->hosts);
  free (b->note);
  free (b);
}

int
brig_bridge_reserve (const struct brig_bridge_join *j, struct brig_bridge **ret,
                     struct brig_err *err)
{
  const char *name = j->bridge ? j->bridge : BRIG_BRIDGE_DEFAULT;
  struct brig_bridge *b = xcalloc (1, sizeof *b);
  struct brig_nl nl = { -1, 0 };
  struct bstate s;
  json_t *br, *ms, *m = NULL;
  char kind[16];
  bool foreign = false;
  int r;

  *ret = NULL;
  b->bridge = xstrdup (name);
  b->id = xstrdup (j->id);
  snprintf (b->veth, sizeof b->veth, VETH_PREFIX "%.12s", j->id);
  if (!brig_bridge_name_valid (name))
    {
      bridge_free (b);
      return brig_error (err, 0,
                         "bridge name `%s`: expected 1 to %d letters, digits, `_`, `-` or `.`, "
                         "starting with a letter or digit, and not `" VETH_PREFIX "...`",
                         name, IFNAMSIZ - 1);
    }
  if ((r = bstate_open (&s, err)) < 0)
    {
      bridge_free (b);
      return r;
    }
  if ((r = brig_nl_open (-1, &nl, err)) < 0)
    goto fail;
  prune (&s, &nl, name);
  br = json_object_get (s.bridges, name);
  if (br == NULL)
    {
      r = brig_nl_link_get (&nl, name, kind, err);
      if (r >= 0)
        {
          r = brig_error (err, 0,
                          "bridge %s: the host has a network interface of that name (%s) that "
                          "brig did not make; choose another name (--network bridge=NAME)",
                          name, kind[0] ? kind : "a device");
          goto fail;
        }
      if (r != -ENODEV)
        goto fail;
      if ((r = pick_subnet (&s, &nl, j, name, &b->subnet, &b->prefix, &b->note, err)) < 0)
        goto fail;
      if ((r = bridge_make (&nl, name, b->subnet, b->prefix, err)) < 0)
        goto fail;
      b->created_bridge = true;
      {
        _cleanup_free_ char *t = addr_text (b->subnet);
        br = json_pack ("{s:s, s:i, s:[]}", "subnet", t, "prefix", b->prefix, "members");
        json_object_set_new (s.bridges, name, br);
      }
    }
  else
    {
      b->subnet = jaddr (br, "subnet");
      b->prefix = (int)json_integer_value (json_object_get (br, "prefix"));
      if (j->prefix && (j->prefix != b->prefix || j->subnet.s_addr != b->subnet.s_addr))
        {
          _cleanup_free_ char *t = addr_text (b->subnet);
          r = brig_error (err, 0, "bridge %s exists with subnet %s/%d: give no subnet, or that one",
                          name, t, b->prefix);
          goto fail;
        }
      /* Made by brig, then deleted by someone: made again; replaced by
       * something else: not brig's to use. */
      r = brig_nl_link_get (&nl, name, kind, err);
      if (r == -ENODEV)
        r = bridge_make (&nl, name, b->subnet, b->prefix, err);
      else if (r >= 0 && strcmp (kind, "bridge") != 0 && (foreign = true))
        r = brig_error (err, 0,
                        "bridge %s: the interface of that name is now a %s that brig did not "
                        "make; delete it or choose another name",
                        name, kind[0] ? kind : "device");
      if (r < 0)
        goto fail;
    }
  ms = json_object_get (br, "members");
  if ((r = pick_addr (b, ms, err)) < 0)
    goto fail;
  if ((m = member_new (j, b, ms, err)) == NULL)
    {
      r = -EINVAL;
      goto fail;
    }
  json_array_append_new (ms, m);
  /* The rules know the veth before it exists: it never passes a frame
   * unfiltered. */
  if ((r = nft_apply (&s, err)) < 0)
    {
      json_array_remove (ms, json_array_size (ms) - 1);
      goto fail;
    }
  if ((r = bstate_save (&s, err)) < 0)
    goto fail_applied;
  brig_nl_close (&nl);
  bstate_close (&s);
  *ret = b;
  return 0;

fail_applied:
  json_array_remove (ms, json_array_size (ms) - 1);
fail:
  /* Made now, or kept for us but left without members: gone again. */
  br = json_object_get (s.bridges, name);
  if (b->created_bridge || (br && json_array_size (json_object_get (br, "members")) == 0))
    {
      if (!foreign)
        link_del_kind (&nl, name, "bridge");
      json_object_del (s.bridges, name);
    }
  {
    /* The state as it was, but for pruned members: the tables too. */
    struct brig_err e = { 0 };
    if (nft_apply (&s, &e) == 0)
      bstate_save (&s, &e);
    brig_err_release (&e);
  }
  brig_nl_close (&nl);
  bstate_close (&s);
  bridge_free (b);
  return brig_err_wrap (err, "--network bridge");
}

int
brig_bridge_attach (struct brig_bridge *b, int netns, struct brig_err *err)
{
  struct brig_nl host = { -1, 0 }, inside = { -1, 0 };
  struct brig_err e = { 0 };
  unsigned char mac[6];
  int master, r;

  if (netns < 0)
    return brig_error (err, EBADF, "--network bridge: no network namespace");
  if ((r = brig_nl_open (-1, &host, err)) < 0)
    goto out;
  if ((master = r = brig_nl_link_get (&host, b->bridge, NULL, err)) < 0)
    {
      if (r == -ENODEV)
        r = brig_error (err, ENODEV, "bridge %s is gone", b->bridge);
      goto out;
    }
  mac_of (b->addr, mac);
  if ((r = brig_nl_veth_add (&host, b->veth, "eth0", netns, mac, err)) < 0)
    goto out;
  if ((r = brig_nl_open (netns, &inside, err)) < 0
      || (r = brig_nl_addr_add (&inside, "eth0", b->addr, b->prefix, err)) < 0
      || (r = brig_nl_link_up (&inside, "eth0", 0, err)) < 0
      || (r = brig_nl_link_up (&host, b->veth, master, err)) < 0)
    {
      brig_nl_link_del (&host, b->veth, &e);
      brig_err_release (&e);
    }
out:
  brig_nl_close (&inside);
  brig_nl_close (&host);
  return r < 0 ? brig_err_wrap (err, "--network bridge") : 0;
}

int
brig_bridge_leave (struct brig_bridge *b, struct brig_err *err)
{
  struct brig_nl nl = { -1, 0 };
  struct bstate s;
  json_t *br, *ms;
  int r;

  if (b == NULL)
    return 0;
  if ((r = bstate_open (&s, err)) < 0)
    goto out;
  if ((r = brig_nl_open (-1, &nl, err)) < 0)
    goto out;
  link_del_kind (&nl, b->veth, "veth");
  br = json_object_get (s.bridges, b->bridge);
  ms = json_object_get (br, "members");
  for (size_t i = json_array_size (ms); i-- > 0;)
    if (strcmp (jstr (json_array_get (ms, i), "id"), b->id) == 0)
      json_array_remove (ms, i);
  /* Ours is gone, and any whose brig died: the last one out takes the
   * bridge (prune), and the last bridge brig's tables (nft_apply). */
  prune (&s, &nl, NULL);
  if ((r = nft_apply (&s, err)) < 0)
    goto out;
  r = bstate_save (&s, err);
out:
  brig_nl_close (&nl);
  bstate_close (&s);
  bridge_free (b);
  return r < 0 ? brig_err_wrap (err, "leave bridge") : 0;
}
