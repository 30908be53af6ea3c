/* brig run: flags -> container model -> sandbox.  Only this file knows the
 * flags; everything it decides lands in struct brig_container. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "image/rootfs.h"
#include "image/store.h"
#include "model/caps.h"
#include "model/container.h"
#include "parse/envfile.h"
#include "parse/etcfiles.h"
#include "parse/passwd.h"
#include "parse/publish.h"
#include "parse/seccomp_json.h"
#include "parse/units.h"
#include "parse/volume.h"
#include "policy/policy.h"
#include "host/hostpath.h"
#include "sandbox/volume.h"
#include "report/auditlog.h"
#include "sandbox/bridge.h"
#include "sandbox/portfwd.h"
#include "sandbox/overlay.h"
#include "sandbox/slirp.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BRIG_DATADIR
#define BRIG_DATADIR "/usr/local/share/brig"
#endif

#define EXIT_BRIG 125
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

/* The images brig carries itself. */
static const struct
{
  const char *name;
  const char *cmd; /* default command */
} embedded[] = {
  { "busybox", "sh" },
};

struct run_opts
{
  struct brig_container *c;
  char *user;
  char *log_path;
  char *userns_range;
  char *seccomp_path;
  bool seccomp_unconfined;
  uint64_t cap_add, cap_drop;
  bool memory_set, swap_set;
  bool tty;
  char **env;              /* -e, in order */
  char **env_files;        /* --env-file, in order */
  struct brig_mount *vols; /* -v and --mount, in order */
  size_t nvols;
  int *vol_locks; /* held while the container runs: its named volumes */
  size_t nvol_locks;
  bool workdir_set;
  bool strict;
  /* --image-volume: what an image's VOLUME gets; the paths given an
   * anonymous volume (bind), made once the root is. */
  enum
  {
    IMAGE_VOLUME_BIND,
    IMAGE_VOLUME_TMPFS,
    IMAGE_VOLUME_IGNORE,
  } image_volume;
  char **anon;
  size_t nuser_vols; /* o->vols after these are the anonymous volumes */
  char *entrypoint;  /* --entrypoint, "" for none; NULL: not given */
  /* An image of the store (IMG.DIGEST set), its root, and what its
   * config asks of the run. */
  struct brig_stored_image img;
  char *image_tag;
  struct brig_rootfs root;
  struct brig_policy *policy; /* loaded once, before the model is built */
  /* --network bridge[=NAME[:CIDR]], --link and --allow-to, and the place
   * on the bridge once reserved. */
  char *bridge;
  struct in_addr subnet;
  int prefix;
  struct brig_bridge_rule *rules;
  size_t nrules;
  struct brig_bridge *br;
  int peer_netns; /* --network container:ID: its namespace, checked and open */
};

static int
set_memory (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  int64_t v;
  int r = brig_parse_size (arg, &v, err);

  if (r < 0)
    return r;
  if (v != 0 && v < (INT64_C (6) << 20))
    return brig_error (err, 0, "`%s` is below the minimum of 6m", arg);
  o->c->limits.memory = v == 0 ? BRIG_UNLIMITED : v;
  o->memory_set = true;
  return 0;
}

static int
set_memory_swap (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  int64_t v;
  int r;

  if (strcmp (arg, "-1") == 0)
    v = BRIG_UNLIMITED;
  else if ((r = brig_parse_size (arg, &v, err)) < 0)
    return brig_err_wrap (err, "expected -1 (unlimited) or");
  o->c->limits.memory_swap = v;
  o->swap_set = true;
  return 0;
}

static int
set_cpus (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  uint64_t nano;
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);
  int r = brig_parse_cpus (arg, &nano, err);

  if (r < 0)
    return r;
  if (nano == 0)
    {
      o->c->limits.cpu_quota = 0;
      return 0;
    }
  if (nano < UINT64_C (10000000) || (ncpu > 0 && nano > (uint64_t)ncpu * 1000000000))
    return brig_error (err, 0,
                       "`%s`: expected 0.01 to %ld (the CPUs of this host), or 0 "
                       "for no limit",
                       arg, ncpu);
  o->c->limits.cpu_period = 100000;
  o->c->limits.cpu_quota = nano * 100000 / 1000000000;
  return 0;
}

static int
set_pids (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  int64_t v;
  int r = brig_parse_int64 (arg, -1, INT32_MAX, &v, err);

  if (r < 0)
    return r;
  o->c->limits.pids = v <= 0 ? BRIG_UNLIMITED : v;
  return 0;
}

static int
set_cap_add (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  uint64_t m;
  int r = brig_cap_parse (arg, &m, err);

  if (r == 0)
    o->cap_add |= m;
  return r;
}

static int
set_cap_drop (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  uint64_t m;
  int r = brig_cap_parse (arg, &m, err);

  if (r == 0)
    o->cap_drop |= m;
  return r;
}

static int
set_security_opt (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;

  if (str_has_prefix (arg, "seccomp=") || str_has_prefix (arg, "seccomp:"))
    {
      const char *v = arg + 8;
      if (strcmp (v, "unconfined") == 0)
        o->seccomp_unconfined = true;
      else if (*v == '\0')
        return brig_error (err, 0,
                           "`%s`: expected seccomp=PROFILE.json or "
                           "seccomp=unconfined",
                           arg);
      else
        {
          free (o->seccomp_path);
          o->seccomp_path = xstrdup (v);
          o->seccomp_unconfined = false;
        }
      return 0;
    }
  if (strcmp (arg, "no-new-privileges") == 0 || strcmp (arg, "no-new-privileges=true") == 0
      || strcmp (arg, "no-new-privileges:true") == 0)
    return 0;
  if (str_has_prefix (arg, "no-new-privileges"))
    return brig_error (err, 0, "`%s`: brig always sets no_new_privs", arg);
  return brig_error (err, 0,
                     "unsupported security option `%s`: expected "
                     "seccomp=PROFILE.json, seccomp=unconfined or no-new-privileges",
                     arg);
}

static int
set_user (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;

  if (*arg == '\0' || *arg == ':')
    return brig_error (err, 0, "`%s`: expected UID[:GID] or NAME[:GROUP]", arg);
  free (o->user);
  o->user = xstrdup (arg);
  return 0;
}

static int
set_userns_range (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  free (o->userns_range);
  o->userns_range = xstrdup (arg);
  (void)err;
  return 0;
}

static int
set_env (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  const char *eq = strchr (arg, '=');

  if (!brig_env_name_valid (arg, eq ? (size_t)(eq - arg) : strlen (arg)))
    return brig_error (err, 0, "invalid variable `%s`: expected NAME=VALUE or NAME", arg);
  strv_push (&o->env, xstrdup (arg));
  return 0;
}

static int
set_env_file (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  (void)err;
  strv_push (&o->env_files, xstrdup (arg));
  return 0;
}

static int
set_workdir (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;

  if (arg[0] != '/')
    return brig_error (err, 0, "`%s`: the working directory must be an absolute path", arg);
  free (o->c->cwd);
  o->c->cwd = xstrdup (arg);
  o->workdir_set = true;
  return 0;
}

static int
set_hostname (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  size_t n = strlen (arg);

  if (n == 0 || n > 63 || arg[0] == '-' || arg[0] == '.')
    return brig_error (err, 0, "`%s`: expected 1 to 63 letters, digits, `-` or `.`", arg);
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char)arg[i]) && arg[i] != '-' && arg[i] != '.')
      return brig_error (err, 0, "`%s`: expected 1 to 63 letters, digits, `-` or `.`", arg);
  free (o->c->hostname);
  o->c->hostname = xstrdup (arg);
  return 0;
}

/* A container's --name, and a --link or --allow-to target (a name or an
 * id): a letter or digit, then letters, digits, `_`, `.` or `-`. */
static bool
valid_name (const char *s, size_t n)
{
  return str_is_name (s, n, 128);
}

static int
set_name (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;

  if (!valid_name (arg, strlen (arg)))
    return brig_error (err, 0,
                       "`%s`: expected a letter or digit, then letters, digits, "
                       "`_`, `.` or `-` (at most 128)",
                       arg);
  free (o->c->name);
  o->c->name = xstrdup (arg);
  return 0;
}

static int
set_image_volume (void *ctx, const char *arg, struct brig_err *err)
{
  static const char *const modes[] = { "bind", "tmpfs", "ignore" };
  struct run_opts *o = ctx;

  for (size_t i = 0; i < ARRAY_SIZE (modes); i++)
    if (strcmp (arg, modes[i]) == 0)
      {
        o->image_volume = i;
        return 0;
      }
  return brig_error (err, 0, "`%s`: expected bind, tmpfs or ignore", arg);
}

static int
set_tmpfs (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  struct brig_mount m;
  int r = brig_parse_tmpfs (arg, &m, err);

  if (r == 0)
    brig_container_set_mount (o->c, &m);
  return r;
}

static int
add_volume (struct run_opts *o, const char *flag, const char *arg,
            int (*parse) (const char *, struct brig_mount *, struct brig_err *),
            struct brig_err *err)
{
  struct brig_mount m;
  int r = parse (arg, &m, err);

  if (r < 0)
    return r;
  for (size_t i = 0; i < o->nvols; i++)
    if (strcmp (o->vols[i].dest, m.dest) == 0)
      {
        brig_mount_release (&m);
        return brig_error (err, 0, "%s `%s`: another -v or --mount already mounts on `%s`", flag,
                           arg, o->vols[i].dest);
      }
  o->vols = xreallocarray (o->vols, o->nvols + 1, sizeof *o->vols);
  o->vols[o->nvols++] = m;
  return 0;
}

static int
set_volume (void *ctx, const char *arg, struct brig_err *err)
{
  return add_volume (ctx, "-v", arg, brig_parse_volume, err);
}

static int
set_mount (void *ctx, const char *arg, struct brig_err *err)
{
  return add_volume (ctx, "--mount", arg, brig_parse_mount, err);
}

static int
set_ulimit (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  struct brig_rlimit rl;
  int r = brig_parse_ulimit (arg, &rl, err);

  if (r == 0)
    brig_container_set_rlimit (o->c, &rl);
  return r;
}

/* Ranges no bridge subnet may lie in (a subnet is /16 or smaller, so it
 * is wholly in one or outside). */
static const struct
{
  uint32_t net;
  int prefix;
  const char *what;
} bad_subnets[] = {
  { 0x00000000, 8, "0.0.0.0/8, \"this network\"" },     { 0x7f000000, 8, "127.0.0.0/8, loopback" },
  { 0xa9fe0000, 16, "169.254.0.0/16, link-local" },     { 0xe0000000, 4, "224.0.0.0/4, multicast" },
  { 0xf0000000, 4, "240.0.0.0/4, reserved (class E)" },
};

/* bridge=NAME[:CIDR]: the bridge's name, and the subnet it gets when brig
 * makes it. */
static int
set_bridge (struct run_opts *o, const char *arg, struct brig_err *err)
{
  _cleanup_free_ char *name = xstrdup (arg[6] == '=' ? arg + 7 : BRIG_BRIDGE_DEFAULT);
  char *colon = strchr (name, ':'), *slash;

  o->prefix = 0;
  if (colon)
    {
      char *end;
      long n;
      *colon = '\0';
      slash = strchr (colon + 1, '/');
      if (slash)
        *slash = '\0';
      n = slash ? strtol (slash + 1, &end, 10) : 0;
      if (!slash || inet_pton (AF_INET, colon + 1, &o->subnet) != 1
          || !isdigit ((unsigned char)slash[1]) || *end || n < 16 || n > 29)
        return brig_error (err, 0,
                           "`%s`: expected bridge=NAME:A.B.C.D/N, an IPv4 subnet with "
                           "N from 16 to 29 (e.g. bridge=lab:10.90.0.0/24)",
                           arg);
      if (ntohl (o->subnet.s_addr) & ~(0xffffffffu << (32 - n)))
        return brig_error (err, 0,
                           "`%s`: %s/%ld is not the start of a subnet (its host bits are "
                           "set)",
                           arg, colon + 1, n);
      for (size_t i = 0; i < ARRAY_SIZE (bad_subnets); i++)
        if ((ntohl (o->subnet.s_addr) >> (32 - bad_subnets[i].prefix))
            == bad_subnets[i].net >> (32 - bad_subnets[i].prefix))
          return brig_error (err, 0,
                             "`%s`: %s/%ld lies in %s: not for a bridge; use a private range "
                             "(10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
                             arg, colon + 1, n, bad_subnets[i].what);
      o->prefix = (int)n;
    }
  if (!brig_bridge_name_valid (name))
    return brig_error (err, 0,
                       "`%s`: a bridge name is 1 to %d letters, digits, `_`, `-` or `.`, "
                       "starting with a letter or digit (and not `brv...`, brig's veths)",
                       arg, IFNAMSIZ - 1);
  free (o->bridge);
  o->bridge = steal_pointer (&name);
  o->c->netmode = BRIG_NET_BRIDGE;
  return 0;
}

static int
set_network (void *ctx, const char *arg, struct brig_err *err)
{
  struct brig_container *c = ((struct run_opts *)ctx)->c;

  free (((struct run_opts *)ctx)->bridge);
  ((struct run_opts *)ctx)->bridge = NULL;
  free (c->net_peer);
  c->net_peer = NULL;
  if (strcmp (arg, "none") == 0)
    c->netmode = BRIG_NET_NONE;
  else if (strcmp (arg, "host") == 0)
    c->netmode = BRIG_NET_HOST;
  else if (str_has_prefix (arg, "container:") && arg[10] != '\0')
    {
      c->netmode = BRIG_NET_CONTAINER;
      c->net_peer = xstrdup (arg + 10);
    }
  else if (strcmp (arg, "private") == 0)
    c->netmode = BRIG_NET_PRIVATE;
  else if (strcmp (arg, "bridge") == 0 || str_has_prefix (arg, "bridge="))
    return set_bridge (ctx, arg, err);
  else
    return brig_error (err, 0,
                       "unknown network `%s`: expected none (loopback only, the default), "
                       "private (outbound through a user-mode stack), bridge[=NAME[:CIDR]] "
                       "(containers on a bridge, only linked ones reach each other), host or "
                       "container:ID|NAME",
                       arg);
  return 0;
}

static struct brig_bridge_rule *
add_rule (struct run_opts *o, bool link, const char *target, size_t n)
{
  struct brig_bridge_rule *r;

  o->rules = xreallocarray (o->rules, o->nrules + 1, sizeof *o->rules);
  r = &o->rules[o->nrules++];
  *r = (struct brig_bridge_rule){ .link = link, .target = xstrndup (target, n) };
  return r;
}

/* --link NAME|ID[:ALIAS]: both ways, and NAME (and ALIAS) in /etc/hosts. */
static int
set_link (void *ctx, const char *arg, struct brig_err *err)
{
  const char *colon = strchr (arg, ':');
  size_t n = colon ? (size_t)(colon - arg) : strlen (arg);

  if (!valid_name (arg, n) || (colon && !brig_valid_hostname (colon + 1)))
    return brig_error (err, 0,
                       "`%s`: expected NAME|ID[:ALIAS], a running container on the same "
                       "bridge and a host name for it",
                       arg);
  add_rule (ctx, true, arg, n)->alias = colon ? xstrdup (colon + 1) : NULL;
  strv_push (&((struct run_opts *)ctx)->c->net_links, xasprintf ("--link %s", arg));
  return 0;
}

/* --allow-to NAME|ID[:PORT[/tcp|udp]]: this container may open
 * connections to that one. */
static int
set_allow_to (void *ctx, const char *arg, struct brig_err *err)
{
  static const struct
  {
    const char *name;
    int proto;
  } protos[] = { { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP } };
  const char *colon = strchr (arg, ':'), *slash = colon ? strchr (colon, '/') : NULL;
  size_t n = colon ? (size_t)(colon - arg) : strlen (arg);
  int proto = colon ? IPPROTO_TCP : 0;
  unsigned long port = 0;

  if (!valid_name (arg, n))
    goto bad;
  if (colon)
    {
      char *end;
      if (!isdigit ((unsigned char)colon[1]))
        goto bad;
      port = strtoul (colon + 1, &end, 10);
      if (port == 0 || port > 65535 || (end != slash && *end))
        goto bad;
      if (slash)
        {
          proto = -1;
          for (size_t i = 0; i < ARRAY_SIZE (protos); i++)
            if (strcmp (slash + 1, protos[i].name) == 0)
              proto = protos[i].proto;
          if (proto < 0)
            goto bad;
        }
    }
  {
    struct brig_bridge_rule *r = add_rule (ctx, false, arg, n);
    r->proto = proto;
    r->port = (unsigned)port;
  }
  strv_push (&((struct run_opts *)ctx)->c->net_links, xasprintf ("--allow-to %s", arg));
  return 0;
bad:
  return brig_error (err, 0,
                     "`%s`: expected NAME|ID[:PORT[/tcp|udp]] (a running container "
                     "on the same bridge; PORT 1 to 65535)",
                     arg);
}

/* What goes with --network bridge, and what it needs. */
static int
check_bridge (const struct run_opts *o, struct brig_err *err)
{
  if (o->c->netmode != BRIG_NET_BRIDGE)
    {
      if (o->nrules)
        return brig_error (err, 0,
                           "%s %s needs --network bridge (the container it names must "
                           "be on the same bridge)",
                           o->rules[0].link ? "--link" : "--allow-to", o->rules[0].target);
      return 0;
    }
  if (!brig_is_host_root ())
    return brig_error (err, 0,
                       "--network bridge needs root on the host (CAP_NET_ADMIN to make the "
                       "bridge, the veth pairs and the nftables rules): unprivileged, use "
                       "--network private");
  return 0;
}

/* --network bridge: a place on the bridge, taken once the policy has
 * allowed the container and before it exists (its address goes into the
 * /etc/hosts of those that link it). */
static int
setup_bridge (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  struct brig_bridge_join j;
  int r;

  if (c->netmode != BRIG_NET_BRIDGE)
    return 0;
  j = (struct brig_bridge_join){ .bridge = o->bridge,
                                 .subnet = o->subnet,
                                 .prefix = o->prefix,
                                 .id = c->id,
                                 .name = c->name,
                                 .rules = o->rules,
                                 .nrules = o->nrules };
  if ((r = brig_bridge_reserve (&j, &o->br, err)) < 0)
    return r;
  {
    /* Its own address under its hostname, as Docker writes it. */
    char a[INET_ADDRSTRLEN];
    inet_ntop (AF_INET, &o->br->addr, a, sizeof a);
    strv_push (&c->extra_hosts, xasprintf ("%s\t%s", a, c->hostname));
  }
  for (size_t i = 0; o->br->hosts && o->br->hosts[i]; i++)
    strv_push (&c->extra_hosts, xstrdup (o->br->hosts[i]));
  if (o->br->note)
    fprintf (stderr, "brig: note: %s\n", o->br->note);
  return 0;
}

/* --network host and container:ID are the policy's to allow (BRIG-C002,
 * BRIG-C017): refused by the default policy, written to the audit log
 * when a policy allows them.  So are --link and --allow-to on a bridge
 * (BRIG-C019), allowed and written to the audit log by default. */
static int
gate_network (struct brig_container *c, const struct brig_policy *p, struct brig_auditlog *log,
              struct brig_err *err)
{
  static const char *const ids[] = {
    [BRIG_NET_HOST] = "BRIG-C002",
    [BRIG_NET_CONTAINER] = "BRIG-C017",
    [BRIG_NET_BRIDGE] = "BRIG-C019",
  };
  const char *id = (size_t)c->netmode < ARRAY_SIZE (ids) ? ids[c->netmode] : NULL;
  _cleanup_free_ char *detail = NULL;
  const struct brig_rule *rule;
  size_t idx;
  int r = 0;

  if (id == NULL)
    return 0;
  rule = brig_rule_find (id, &idx);
  if (p->actions[idx] != BRIG_ACT_OFF && rule->check (c, p, &detail))
    {
      if (p->actions[idx] == BRIG_ACT_AUDIT || p->actions[idx] == BRIG_ACT_HARDEN)
        brig_audit_decision (log, c, id, "audit", detail);
      else
        r = brig_error (err, 0,
                        "--network %s%s%s refused by policy rule %s (%s): %s.  To allow it, "
                        "set \"rules\": {\"%s\": \"audit\"} in the policy file (%s, or the "
                        "file BRIG_POLICY names; see docs/policy.md)",
                        brig_netmode_name (c->netmode), c->net_peer ? ":" : "",
                        c->net_peer ? c->net_peer : "", id, rule->title, detail, id,
                        BRIG_DEFAULT_POLICY);
    }
  return r;
}

/* What --network means for the model, and what cannot go with it. */
static int
setup_network (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;

  if (c->netmode == BRIG_NET_HOST)
    {
      if (c->nports)
        return brig_error (err, 0,
                           "-p with --network host: the container's ports are the host's "
                           "already; publish nothing");
      c->namespaces &= ~BRIG_NS_NET;
    }
  else if (c->netmode == BRIG_NET_CONTAINER)
    {
      _cleanup_free_ char *dir = brig_runtime_dir ();
      int fd = brig_state_peer_netns (dir, c->net_peer, err);
      if (fd < 0)
        return brig_err_wrap (err, "--network container:%s", c->net_peer);
      /* The namespace checked, not whatever has its pid when it is joined. */
      o->peer_netns = fd;
      free (c->ns_path[5]);
      c->ns_path[5] = xasprintf ("/proc/self/fd/%d", fd);
    }
  return 0;
}

static int
set_dns (void *ctx, const char *arg, struct brig_err *err)
{
  char *ip;
  int r = brig_parse_ip (arg, &ip, err);

  if (r < 0)
    return brig_err_wrap (err, "--dns");
  strv_push (&((struct run_opts *)ctx)->c->dns, ip);
  return 0;
}

static int
set_dns_search (void *ctx, const char *arg, struct brig_err *err)
{
  if (strcmp (arg, ".") != 0 && !brig_valid_hostname (arg))
    return brig_error (err, 0, "--dns-search `%s`: expected a domain name", arg);
  strv_push (&((struct run_opts *)ctx)->c->dns_search, xstrdup (arg));
  return 0;
}

static int
set_dns_option (void *ctx, const char *arg, struct brig_err *err)
{
  if (arg[0] == '\0' || strpbrk (arg, " \t\n"))
    return brig_error (err, 0, "--dns-option `%s`: expected one resolv.conf option (ndots:2)", arg);
  strv_push (&((struct run_opts *)ctx)->c->dns_options, xstrdup (arg));
  return 0;
}

static int
set_add_host (void *ctx, const char *arg, struct brig_err *err)
{
  char *line;
  int r = brig_parse_add_host (arg, &line, err);

  if (r < 0)
    return r;
  strv_push (&((struct run_opts *)ctx)->c->extra_hosts, line);
  return 0;
}

/* /etc/hostname, /etc/hosts and /etc/resolv.conf, written by brig (read-only
 * in the container) unless a volume is mounted there. */
static void
setup_etc_files (struct brig_container *c)
{
  _cleanup_free_ char *host = NULL;
  struct brig_err e = { 0 };
  size_t len = 0;
  struct
  {
    const char *dest;
    char *text;
  } files[3];

  /* --dns-search . means none, as with Docker. */
  if (c->dns_search && strcmp (c->dns_search[0], ".") == 0)
    {
      strv_free (c->dns_search);
      c->dns_search = xcalloc (1, sizeof *c->dns_search);
    }
  if (brig_read_file ("/etc/resolv.conf", 1 << 16, &host, &len, &e) < 0)
    brig_err_release (&e);
  files[0].dest = "/etc/hostname";
  files[0].text = xasprintf ("%s\n", c->hostname);
  files[1].dest = "/etc/hosts";
  files[1].text = brig_hosts_text (c->hostname, c->extra_hosts);
  files[2].dest = "/etc/resolv.conf";
  {
    /* slirp4netns forwards DNS at its own address. */
    char *const slirp_dns[] = { (char *)BRIG_SLIRP_DNS, NULL };
    files[2].text = brig_resolv_text (host, len,
                                      c->dns || c->netmode != BRIG_NET_PRIVATE ? c->dns : slirp_dns,
                                      c->dns_search, c->dns_options, c->netmode == BRIG_NET_HOST);
  }
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      bool mounted = false;
      for (size_t k = 0; k < c->nmounts; k++)
        mounted |= strcmp (c->mounts[k].dest, files[i].dest) == 0;
      if (mounted)
        {
          free (files[i].text);
          continue;
        }
      c->gen_files = xreallocarray (c->gen_files, c->ngen_files + 1, sizeof *c->gen_files);
      c->gen_files[c->ngen_files++]
          = (struct brig_gen_file){ xstrdup (files[i].dest), files[i].text };
    }
}

static int
set_publish (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  return brig_parse_publish (arg, &o->c->ports, &o->c->nports, err);
}

static int
set_log (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  if (*arg == '\0')
    return brig_error (err, 0, "expected a file name");
  free (o->log_path);
  o->log_path = xstrdup (arg);
  return 0;
}

static int
set_init (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct run_opts *)ctx)->c->init = true;
  return 0;
}

static int
set_rw_rootfs (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct run_opts *)ctx)->c->readonly_rootfs = false;
  return 0;
}

static int
set_read_only (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct run_opts *)ctx)->c->readonly_rootfs = true;
  return 0;
}

static int
set_tty (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct run_opts *)ctx)->tty = true;
  return 0;
}

static int
set_entrypoint (void *ctx, const char *arg, struct brig_err *err)
{
  struct run_opts *o = ctx;
  (void)err;
  free (o->entrypoint);
  o->entrypoint = xstrdup (arg);
  return 0;
}

static int
set_strict (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct run_opts *)ctx)->strict = true;
  return 0;
}

static int
accept_flag (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  return 0;
}

enum help_kind
{
  HELP_NONE,
  HELP_TEXT,
  HELP_MAN,
};
static enum help_kind help_requested;

static int
set_help_flag (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  help_requested = HELP_TEXT;
  return 0;
}

/* Hidden: the OPTIONS section of brig-run(1), generated at build time. */
static int
set_help_man (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  help_requested = HELP_MAN;
  return 0;
}

#define STR(x) #x
#define XSTR(x) STR (x)

static const struct brig_opt run_opts_table[] = {
  { 'u', "user", "USER",
    "run as UID[:GID] or NAME[:GROUP] of the image's /etc/passwd "
    "(default: the image's user; busybox: root, mapped)",
    set_user },
  { 0, "userns-range", "HOSTID:SIZE",
    "host ids that container ids 0..SIZE-1 map to "
    "(default: root's /etc/subuid entry, else "
    "100000:65536; unprivileged: your own id)",
    set_userns_range },
  { 0, "cap-add", "CAP",
    "add a capability (NET_BIND_SERVICE or CAP_NET_BIND_SERVICE; ALL); "
    "the default is none at all",
    set_cap_add },
  { 0, "cap-drop", "CAP", "drop a capability added with --cap-add", set_cap_drop },
  { 0, "security-opt", "OPT",
    "seccomp=PROFILE.json (Docker or OCI format), "
    "seccomp=unconfined, or no-new-privileges (always on)",
    set_security_opt },
  { 0, "read-only", NULL, "mount the root filesystem read-only (the default)", set_read_only },
  { 0, "rw-rootfs", NULL,
    "mount the root filesystem writable (writes reach the image "
    "directory)",
    set_rw_rootfs },
  { 0, "tmpfs", "PATH[:OPTS]",
    "mount a tmpfs (size=, mode=, ro, exec, suid, dev; default "
    "nosuid,nodev,noexec,size=64m); /tmp and /run always have one",
    set_tmpfs },
  { 0, "image-volume", "MODE",
    "what each VOLUME of the image gets: bind (the default: an anonymous volume, "
    "writable, a copy of what the image has there, removed with the container), tmpfs (the "
    "same in a tmpfs) or ignore (the read-only root); a -v, --mount or --tmpfs at or above it "
    "wins",
    set_image_volume },
  { 'v', "volume", "SRC:DST[:OPTS]",
    "mount the host path SRC (absolute), or the named volume SRC, on DST; OPTS: "
    "ro (the default), rw, noexec, and suid or dev where the policy allows them (binds are "
    "nosuid,nodev by default). The host's /, /proc, /sys, /dev, /boot, /etc and engine "
    "sockets are refused, through symlinks and parent directories too",
    set_volume },
  { 0, "mount", "KEY=VAL,...",
    "type=bind|volume|tmpfs,source=SRC,target=DST[,readonly=true|false][,rw][,noexec]"
    "[,tmpfs-size=N][,tmpfs-mode=OCTAL]: the same mounts as -v (read-only unless rw), and "
    "tmpfs",
    set_mount },
  { 'm', "memory", "BYTES", "memory limit, e.g. 512m or 1g; 0 for none (default 512m)",
    set_memory },
  { 0, "memory-swap", "BYTES",
    "memory plus swap, -1 for unlimited swap (default: equal to "
    "--memory, no swap)",
    set_memory_swap },
  { 0, "cpus", "N", "CPUs the container may use, e.g. 1.5 (default: no limit)", set_cpus },
  { 0, "pids-limit", "N",
    "most processes at once; -1 for none (default " XSTR (BRIG_DEFAULT_PIDS) ")", set_pids },
  { 0, "ulimit", "NAME=SOFT[:HARD]",
    "set an rlimit (default: inherited), e.g. "
    "nofile=1024:2048",
    set_ulimit },
  { 'e', "env", "NAME[=VALUE]", "set a variable; NAME alone takes this environment's value",
    set_env },
  { 0, "env-file", "FILE", "read variables from FILE, one NAME=VALUE per line", set_env_file },
  { 'w', "workdir", "DIR", "working directory inside the container (default /)", set_workdir },
  { 0, "hostname", "NAME", "the container's hostname (default: the id's first 12 digits)",
    set_hostname },
  { 0, "name", "NAME", "a name for the container, unique among running ones", set_name },
  { 0, "network", "MODE",
    "none: a network namespace with loopback only (the default); private: outbound only, "
    "through a user-mode stack of its own (slirp4netns; no other container or host loopback "
    "service is reachable); host: the host's network, or container:ID|NAME: another running "
    "brig container's, both refused by the default policy (BRIG-C002, BRIG-C017); "
    "bridge[=NAME[:CIDR]]: eth0 on a Linux bridge brig makes (default " BRIG_BRIDGE_DEFAULT
    ", subnet: CIDR, an IPv4 /16 to /29 not loopback, link-local, multicast, 0/8 or class E, "
    "else the first free /24 of " BRIG_BRIDGE_POOL "), needs root; containers on it reach "
    "each other only as --link and --allow-to say, and nothing else (no route out: use private "
    "for outbound)",
    set_network },
  { 0, "link", "NAME|ID[:ALIAS]",
    "with --network bridge: this container and that one (running, on the same bridge) reach "
    "each other, both ways; NAME (and ALIAS) go into /etc/hosts",
    set_link },
  { 0, "allow-to", "NAME|ID[:PORT[/tcp|udp]]",
    "with --network bridge: this container may open connections to that one (TCP and ping, or "
    "only PORT), and get the replies (told apart statelessly: from that one's address and PORT, "
    "to this one's ephemeral ports 32768-60999); not the other way",
    set_allow_to },
  { 'p', "publish", "[IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]",
    "forward a host port (or equal ranges, 8000-8009:80-89) to the container's loopback; "
    "without IP on 127.0.0.1 and ::1 only, never every interface unless 0.0.0.0 is named "
    "(written to the audit log)",
    set_publish },
  { 0, "dns", "IP",
    "a name server for the container's /etc/resolv.conf (default: the host's, without those on "
    "its loopback)",
    set_dns },
  { 0, "dns-search", "DOMAIN", "a search domain for /etc/resolv.conf (. for none)",
    set_dns_search },
  { 0, "dns-option", "OPT", "a resolv.conf option, e.g. ndots:2", set_dns_option },
  { 0, "add-host", "NAME:IP", "a line of the container's /etc/hosts (IPv6: NAME:[::1])",
    set_add_host },
  { 0, "entrypoint", "CMD",
    "run CMD, then COMMAND, instead of the image's Entrypoint and Cmd (\"\" for no "
    "entrypoint)",
    set_entrypoint },
  { 0, "strict", NULL,
    "refuse an image of the store whose user is root or unset unless -u names another user "
    "(BRIG-C018 set to enforce; the default policy writes it to the audit log)",
    set_strict },
  { 0, "init", NULL, "run a tiny init as PID 1 that forwards signals and reaps zombies", set_init },
  { 0, "log", "FILE",
    "audit log (default: "
    "<state dir>/audit.log)",
    set_log },
  { 0, "rm", NULL, "accepted: brig run never keeps a stopped container", accept_flag },
  { 'i', "interactive", NULL, "accepted: standard input is always passed through", accept_flag },
  { 't', "tty", NULL, "give the command a terminal of its own (a pty that brig relays)", set_tty },
  { 'h', "help", NULL, "show this help", set_help_flag },
  { 0, "help-man", NULL, NULL, set_help_man },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help run_help = {
  "brig run [OPTIONS] IMAGE [COMMAND [ARG...]]",
  "Run COMMAND in a new container whose defaults are the hardened setup.",
  "IMAGE is `busybox` (the embedded image), the path of a root filesystem directory\n"
  "(absolute, or starting with ./), or an image of the local store (brig load;\n"
  "NAME[:TAG][@DIGEST], an id or a digest), whose Entrypoint, Cmd, Env, WorkingDir\n"
  "and User are used; the digest that ran is in the audit log.  By default the container has its "
  "own user\n"
  "namespace (root maps to an unprivileged host range), no capabilities at all,\n"
  "no_new_privs, the default seccomp profile, a read-only root with tmpfs on /tmp\n"
  "and /run, masked /proc paths, read-only /sys, a minimal /dev, loopback-only\n"
  "networking, and limits of 512m memory, no swap and " XSTR (
      BRIG_DEFAULT_PIDS) " processes.\n"
                         "Every relaxation of these is written to the audit log.\n\n"
                         "Exit status: the command's; 125 if brig failed, 126 if the command "
                         "cannot be\n"
                         "invoked, 127 if it is not found, 128+N if it was killed by signal N.",
};

static int
new_id (struct brig_container *c, struct brig_err *err)
{
  unsigned char raw[32];
  char hex[65];

  if (getrandom (raw, sizeof raw, 0) != (ssize_t)sizeof raw)
    return brig_error (err, errno, "getrandom");
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf (hex + 2 * i, 3, "%02x", raw[i]);
  c->id = xstrdup (hex);
  return 0;
}

/* IMAGE from the store: its manifest and config, read and verified. */
static int
resolve_stored_image (struct run_opts *o, const char *image, struct brig_err *err)
{
  _cleanup_free_ char *root = brig_store_root ();
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  char digest[BRIG_DIGEST_LEN];
  int r;

  if ((r = brig_store_open (root, false, &s, err)) < 0)
    return r;
  if ((r = brig_store_read_refs (&s, &refs, err)) == 0
      && (r = brig_store_resolve (&s, &refs, image, digest, &o->image_tag, err)) == 0)
    r = brig_store_load_image (&s, digest, &o->img, err);
  brig_refs_release (&refs);
  brig_store_close (&s);
  if (r == -ENOENT)
    {
      brig_err_release (err);
      return brig_error (err, 0,
                         "image `%s`: expected `busybox` (the embedded image), an image of the "
                         "store (see brig images) or the path of a directory (absolute, or "
                         "starting with ./)",
                         image);
    }
  return r < 0 ? brig_err_wrap (err, "image `%s`", image) : 0;
}

/* The image config's command, user and working directory, under what the
 * command line said. */
static int
apply_image_config (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  const struct brig_image_config *ic = &o->img.config;
  char **argv = NULL;

  const char *arch, *variant;

  brig_host_platform (&arch, &variant);
  if ((ic->os && strcmp (ic->os, "linux") != 0) || (ic->arch && strcmp (ic->arch, arch) != 0))
    return brig_error (err, 0, "image `%s` is for %s/%s; this machine runs linux/%s", c->image,
                       ic->os ? ic->os : "?", ic->arch ? ic->arch : "?", arch);
  /* As docker run: --entrypoint replaces Entrypoint and drops Cmd. */
  char *const *cmd = c->argv ? c->argv : o->entrypoint ? NULL : ic->cmd;

  if (o->entrypoint && o->entrypoint[0])
    strv_push (&argv, xstrdup (o->entrypoint));
  for (size_t i = 0; !o->entrypoint && ic->entrypoint && ic->entrypoint[i]; i++)
    strv_push (&argv, xstrdup (ic->entrypoint[i]));
  for (size_t i = 0; cmd && cmd[i]; i++)
    strv_push (&argv, xstrdup (cmd[i]));
  if (argv == NULL)
    return brig_error (err, 0,
                       "image `%s` has neither Entrypoint nor Cmd: give a command after its "
                       "name",
                       c->image);
  strv_free (c->argv);
  c->argv = argv;
  if (!o->workdir_set && ic->workdir && ic->workdir[0])
    {
      free (c->cwd);
      c->cwd = ic->workdir[0] == '/' ? xstrdup (ic->workdir) : xasprintf ("/%s", ic->workdir);
    }
  c->image_user = xstrdup (ic->user ? ic->user : "");
  if (o->user == NULL && ic->user && ic->user[0])
    o->user = xstrdup (ic->user);
  return 0;
}

/* Unpack (or reuse) the image's layers for this container's user
 * namespace and make its root. */
/* Whether a mount of the container, or a -v or --mount still to be made,
 * is at PATH or above it. */
static bool
covered (const struct run_opts *o, const char *path)
{
  const struct brig_container *c = o->c;

  for (size_t i = 0; i < c->nmounts + o->nvols; i++)
    {
      const char *d = i < c->nmounts ? c->mounts[i].dest : o->vols[i - c->nmounts].dest;
      size_t n = d ? strlen (d) : 0;
      while (n > 1 && d[n - 1] == '/')
        n--;
      if (d && strncmp (path, d, n) == 0 && (path[n] == '\0' || path[n] == '/' || n == 1))
        return true;
    }
  return false;
}

/* Each VOLUME of the image, as --image-volume says: its place, kept for
 * make_image_volumes (once the root is made). */
static int
add_image_volumes (struct run_opts *o, struct brig_err *err)
{
  char **vols = o->img.config.volumes;

  for (size_t i = 0; o->image_volume != IMAGE_VOLUME_IGNORE && vols && vols[i]; i++)
    {
      _cleanup_free_ char *p = xstrdup (vols[i]);
      size_t n = strlen (p);

      while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
      if (p[0] != '/' || strstr (p, "/../") || str_has_suffix (p, "/..") || strstr (p, "/./")
          || str_has_suffix (p, "/.") || strstr (p, "//") || strchr (p, ':'))
        return brig_error (err, 0,
                           "image %s: VOLUME `%s`: expected an absolute path without `.` or "
                           "`..` components or `:` (or give --image-volume ignore)",
                           o->c->image, vols[i]);
      if (strcmp (p, "/") == 0 || covered (o, p) || strv_contains (o->anon, p))
        continue;
      strv_push (&o->anon, steal_pointer (&p));
    }
  return 0;
}

/* The image's volumes, once its root is made: tmpfs mounts, or
 * anonymous volumes in the container's directory of the store
 * (brig_rootfs_add_volume), owned by the container's root until the
 * sandbox copies the image's directory in, with its owner and mode. */
static int
make_image_volumes (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;

  o->nuser_vols = o->nvols;
  for (size_t i = 0; o->anon && o->anon[i]; i++)
    {
      int has = brig_rootfs_image_dir (&o->root, o->anon[i]), r;
      struct brig_mount m = { 0 };

      if (has < 0)
        {
          /* Docker would follow it in the root, onto /proc or wherever. */
          fprintf (stderr,
                   "brig: note: image %s: VOLUME %s is a symbolic link in the image: no volume "
                   "made there\n",
                   c->image, o->anon[i]);
          continue;
        }
      if (o->image_volume == IMAGE_VOLUME_TMPFS)
        {
          _cleanup_free_ char *arg = xasprintf ("%s:mode=1777", o->anon[i]);
          if ((r = brig_parse_tmpfs (arg, &m, err)) < 0)
            return brig_err_wrap (err, "image %s: VOLUME %s", c->image, o->anon[i]);
          m.copyup = true;
          /* Before the mounts below it, or it would hide them. */
          brig_container_add_mount_early (c, &m);
          continue;
        }
      if ((r = brig_rootfs_add_volume (&o->root, i, c->uidmap[0].outside, c->gidmap[0].outside,
                                       &m.source, err))
          < 0)
        return brig_err_wrap (err, "image %s: VOLUME %s", c->image, o->anon[i]);
      m.dest = xstrdup (o->anon[i]);
      m.type = xstrdup ("bind");
      m.flags = MS_NOSUID | MS_NODEV | MS_REC;
      /* A path the image lacks: nothing to copy, no owner to take (a flat
       * root's mount point is made later, by root of the host). */
      m.copyup = has > 0;
      o->vols = xreallocarray (o->vols, o->nvols + 1, sizeof *o->vols);
      o->vols[o->nvols++] = m;
    }
  return 0;
}

static int
prepare_image_root (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  _cleanup_free_ char *root = brig_store_root ();
  struct brig_store s;
  struct brig_rootfs_opts ro = {
    .id = c->id,
    .writable = !c->readonly_rootfs,
    .keep_setid = o->policy->keep_image_setid,
    .mount_overlay
    = getenv ("BRIG_IMAGE_FLAT") == NULL && brig_overlay_available () ? brig_overlay_mount : NULL,
    .detach = brig_overlay_detach,
    .squash = c->rootless,
    .uid_base = c->uidmap[0].outside,
    .gid_base = c->gidmap[0].outside,
    .id_count = c->uidmap[0].count < c->gidmap[0].count ? c->uidmap[0].count : c->gidmap[0].count
  };
  int r;

  _cleanup_strv_ char **points = NULL, **files = NULL;
  static const char *const gen[] = { "/etc/hostname", "/etc/hosts", "/etc/resolv.conf" };

  for (size_t i = 0; i < c->nmounts; i++)
    strv_push (&points, xstrdup (c->mounts[i].dest));
  /* The volumes, judged and mounted later: a bind of a file needs a file. */
  for (size_t i = 0; i < o->nvols; i++)
    {
      struct stat st;
      bool file = o->vols[i].source && strcmp (o->vols[i].type, "bind") == 0
                  && stat (o->vols[i].source, &st) == 0 && !S_ISDIR (st.st_mode);
      strv_push (file ? &files : &points, xstrdup (o->vols[i].dest));
    }
  for (size_t i = 0; o->anon && o->anon[i]; i++)
    strv_push (&points, xstrdup (o->anon[i]));
  for (size_t i = 0; i < ARRAY_SIZE (gen); i++)
    strv_push (&files, xstrdup (gen[i]));
  if (c->cwd)
    strv_push (&points, xstrdup (c->cwd));
  ro.mount_points = points;
  ro.mount_files = files;
  if ((r = brig_store_open (root, false, &s, err)) < 0)
    return r;
  r = brig_rootfs_prepare (&s, &o->img, &ro, &o->root, err);
  brig_store_close (&s);
  if (r < 0)
    return brig_err_wrap (err, "image `%s`", c->image);
  c->rootfs = xstrdup (o->root.path);
  c->rootfs_shifted = true;
  c->rootfs_suid = ro.keep_setid;
  return 0;
}

/* Not the embedded image nor a directory: an image of the store. */
static bool
is_store_ref (const char *image)
{
  for (size_t i = 0; i < ARRAY_SIZE (embedded); i++)
    if (strcmp (image, embedded[i].name) == 0)
      return false;
  return image[0] != '/' && !str_has_prefix (image, "./");
}

static int
resolve_image (struct run_opts *o, const char *image, struct brig_err *err)
{
  struct brig_container *c = o->c;
  char real[PATH_MAX];

  c->image = xstrdup (image);
  for (size_t i = 0; i < ARRAY_SIZE (embedded); i++)
    if (strcmp (image, embedded[i].name) == 0)
      {
        const char *dd = getenv ("BRIG_DATA_DIR");
        c->rootfs = xasprintf ("%s/images/%s/rootfs", dd && *dd == '/' ? dd : BRIG_DATADIR, image);
        if (c->argv == NULL)
          strv_push (&c->argv, xstrdup (embedded[i].cmd));
        if (access (c->rootfs, F_OK) < 0)
          return brig_error (err, errno,
                             "embedded image `%s` is not installed at `%s` "
                             "(run `make install`)",
                             image, c->rootfs);
        return 0;
      }
  if (image[0] != '/' && !str_has_prefix (image, "./"))
    return resolve_stored_image (o, image, err);
  if (realpath (image, real) == NULL)
    return brig_error (err, errno, "image `%s`", image);
  c->rootfs = xstrdup (real);
  if (c->argv == NULL)
    return brig_error (err, 0,
                       "image `%s`: no command given, and a directory image has "
                       "no default command",
                       image);
  return 0;
}

/* -u NAME[:GROUP] or UID[:GID] against the image's /etc/passwd and
 * /etc/group; numeric ids need no entry. */
static int
resolve_user (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  _cleanup_free_ char *user = xstrdup (o->user ? o->user : "0");
  _cleanup_free_ char *passwd = NULL, *group = NULL;
  size_t plen = 0, glen = 0;
  char *colon = strchr (user, ':');
  const char *grp = colon ? colon + 1 : NULL;
  struct brig_pwent pw = { 0, 0, "" };
  int r;

  if (colon)
    *colon = '\0';
  r = brig_rootfs_read_file (c->rootfs, "/etc/passwd", 1 << 20, &passwd, &plen, err);
  if (r < 0 && r != -ENOENT)
    return r;
  r = brig_rootfs_read_file (c->rootfs, "/etc/group", 1 << 20, &group, &glen, err);
  if (r < 0 && r != -ENOENT)
    return r;
  r = passwd ? brig_passwd_lookup (passwd, plen, "/etc/passwd", user, &pw, err) : -ENOENT;
  if (r == -ENOENT)
    {
      char *end;
      unsigned long v = strtoul (user, &end, 10);
      if (!isdigit ((unsigned char)user[0]) || *end || v > UINT32_MAX - 1)
        return brig_error (err, 0, "user `%s` is not in the image's /etc/passwd", user);
      pw = (struct brig_pwent){ (uid_t)v, (gid_t)v, "" };
      if (grp == NULL)
        pw.gid = 0;
    }
  else if (r < 0)
    return r;
  c->uid = pw.uid;
  c->gid = pw.gid;
  if (grp)
    {
      gid_t g;
      r = group ? brig_group_lookup (group, glen, "/etc/group", grp, &g, err) : -ENOENT;
      if (r == -ENOENT)
        {
          char *end;
          unsigned long v = strtoul (grp, &end, 10);
          if (!isdigit ((unsigned char)grp[0]) || *end || v > UINT32_MAX - 1)
            return brig_error (err, 0, "group `%s` is not in the image's /etc/group", grp);
          g = (gid_t)v;
        }
      else if (r < 0)
        return r;
      c->gid = g;
    }
  else if (!isdigit ((unsigned char)user[0]))
    {
      /* A named user gets its groups as login(1) would: the primary one
       * and every group that lists it (initgroups(3)). */
      c->groups = xmalloc (sizeof (gid_t));
      c->groups[0] = c->gid;
      c->ngroups = 1;
      if (group)
        brig_group_members (group, glen, user, &c->groups, &c->ngroups);
    }
  return 0;
}

static int
parse_range (const char *s, struct brig_idmap *ret, struct brig_err *err)
{
  unsigned long long host, size;
  char *end;

  errno = 0;
  host = strtoull (s, &end, 10);
  if (!isdigit ((unsigned char)*s) || *end != ':' || errno)
    goto bad;
  size = strtoull (end + 1, &end, 10);
  if (*end || errno || size == 0 || host == 0 || host + size > UINT32_MAX)
    goto bad;
  *ret = (struct brig_idmap){ 0, (uint32_t)host, (uint32_t)size };
  return 0;
bad:
  return brig_error (err, 0,
                     "--userns-range `%s`: expected HOSTID:SIZE with HOSTID above 0, "
                     "e.g. 100000:65536",
                     s);
}

static int
setup_userns (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  int r;

  c->rootless = !brig_is_host_root ();
  if (c->rootless)
    {
      if (o->userns_range)
        return brig_error (err, 0,
                           "--userns-range needs root: unprivileged, only your own "
                           "id can be mapped");
      c->uidmap[0] = (struct brig_idmap){ 0, (uint32_t)geteuid (), 1 };
      c->gidmap[0] = (struct brig_idmap){ 0, (uint32_t)getegid (), 1 };
      if (c->uid != 0 || c->gid != 0)
        return brig_error (err, 0,
                           "user %u:%u: unprivileged, only root (0:0) is mapped "
                           "inside the container",
                           (unsigned)c->uid, (unsigned)c->gid);
      return 0;
    }
  if (o->userns_range)
    {
      if ((r = parse_range (o->userns_range, &c->uidmap[0], err)) < 0)
        return r;
      c->gidmap[0] = c->uidmap[0];
    }
  else
    {
      _cleanup_free_ char *buf = NULL;
      size_t len;
      unsigned start, count;
      struct brig_err e = { 0 };

      if (brig_read_file ("/etc/subuid", 1 << 20, &buf, &len, &e) == 0
          && brig_subid_lookup (buf, len, "root", 0, &start, &count) == 0 && start > 0)
        c->uidmap[0] = (struct brig_idmap){ 0, start, count };
      brig_err_release (&e);
      free (buf);
      buf = NULL;
      if (brig_read_file ("/etc/subgid", 1 << 20, &buf, &len, &e) == 0
          && brig_subid_lookup (buf, len, "root", 0, &start, &count) == 0 && start > 0)
        c->gidmap[0] = (struct brig_idmap){ 0, start, count };
      brig_err_release (&e);
    }
  if (c->uid >= c->uidmap[0].count || c->gid >= c->gidmap[0].count)
    return brig_error (err, 0, "user %u:%u is outside the user namespace (ids 0 to %u)",
                       (unsigned)c->uid, (unsigned)c->gid, c->uidmap[0].count - 1);
  for (size_t i = 0; i < c->ngroups; i++)
    if (c->groups[i] >= c->gidmap[0].count)
      return brig_error (err, 0, "group %u is outside the user namespace (ids 0 to %u)",
                         (unsigned)c->groups[i], c->gidmap[0].count - 1);
  return 0;
}

static int
setup_env (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  char **all = NULL;
  int r = 0;

  brig_container_setenv (c, c->uid == 0 ? "HOME=/root" : "HOME=/");
  {
    _cleanup_free_ char *h = xasprintf ("HOSTNAME=%s", c->hostname);
    brig_container_setenv (c, h);
  }
  for (size_t i = 0; o->img.config.env && o->img.config.env[i]; i++)
    if (strchr (o->img.config.env[i], '='))
      brig_container_setenv (c, o->img.config.env[i]);
  for (size_t i = 0; o->env_files && o->env_files[i]; i++)
    {
      _cleanup_free_ char *buf = NULL;
      size_t len;
      if ((r = brig_read_file (o->env_files[i], 1 << 20, &buf, &len, err)) < 0
          || (r = brig_parse_envfile (buf, len, o->env_files[i], &all, err)) < 0)
        {
          brig_err_wrap (err, "--env-file");
          goto out;
        }
    }
  for (size_t i = 0; o->env && o->env[i]; i++)
    strv_push (&all, xstrdup (o->env[i]));
  for (size_t i = 0; all && all[i]; i++)
    {
      if (strchr (all[i], '='))
        brig_container_setenv (c, all[i]);
      else if (getenv (all[i]))
        {
          _cleanup_free_ char *kv = xasprintf ("%s=%s", all[i], getenv (all[i]));
          brig_container_setenv (c, kv);
        }
    }
out:
  strv_free (all);
  return r;
}

/* The host id that container id ID maps to through MAPS, or -1. */
static int64_t
host_id (const struct brig_idmap *maps, size_t n, uint32_t id)
{
  for (size_t i = 0; i < n; i++)
    if (id >= maps[i].inside && id - maps[i].inside < maps[i].count)
      return (int64_t)maps[i].outside + (id - maps[i].inside);
  return -1;
}

/* A bind's host path, as the policy will judge it and the sandbox will
 * open it: resolved, with every path it went through and what it holds. */
static int
resolve_source (struct brig_mount *m, const char *given, struct brig_err *err)
{
  char *real = NULL, **via = NULL;
  int r = brig_host_path_resolve (given, &real, &via, err);

  if (r < 0)
    return r;
  free (m->source);
  m->source = real;
  strv_free (m->source_via);
  m->source_via = via;
  strv_free (m->source_holds);
  m->source_holds = brig_host_path_holds (real);
  m->source_resolved = true;
  return 0;
}

/* -v and --mount into the model: each bind's source resolved, each named
 * volume made if missing, given to the container's user and held. */
static int
setup_volumes (struct run_opts *o, struct brig_err *err)
{
  struct brig_container *c = o->c;
  int r;

  for (size_t i = 0; i < o->nvols; i++)
    {
      struct brig_mount *m = &o->vols[i];
      bool anon = o->anon && o->anon[0] && i >= o->nuser_vols;
      const char *flag = anon ? "image VOLUME" : m->volume ? "volume" : "-v/--mount";

      if (strcmp (m->type, "bind") == 0 && m->volume)
        {
          int64_t uid = host_id (c->uidmap, c->nuidmap, c->uid);
          int64_t gid = host_id (c->gidmap, c->ngidmap, c->gid);
          _cleanup_free_ char *path = NULL;
          int lock;

          if (uid < 0 || gid < 0)
            return brig_error (err, 0, "volume `%s`: the user %u:%u is not mapped", m->volume,
                               (unsigned)c->uid, (unsigned)c->gid);
          if ((r = brig_volume_use (m->volume, (uid_t)uid, (gid_t)gid, &path, &lock, err)) < 0)
            return r;
          o->vol_locks = xreallocarray (o->vol_locks, o->nvol_locks + 1, sizeof (int));
          o->vol_locks[o->nvol_locks++] = lock;
          if ((r = resolve_source (m, path, err)) < 0)
            return brig_err_wrap (err, "volume `%s`", m->volume);
        }
      else if (strcmp (m->type, "bind") == 0)
        {
          _cleanup_free_ char *given = xstrdup (m->source);
          if ((r = resolve_source (m, given, err)) < 0)
            return anon ? brig_err_wrap (err, "image %s: VOLUME %s", c->image, m->dest)
                        : brig_err_wrap (err, "%s `%s:%s`", flag, given, m->dest);
        }
      /* An image's volume goes before the user's mounts below it. */
      if (anon)
        brig_container_add_mount_early (c, m);
      else
        brig_container_set_mount (c, m);
      *m = (struct brig_mount){ 0 };
    }
  return 0;
}

static int
build_model (struct run_opts *o, int argc, char **argv, struct brig_err *err)
{
  struct brig_container *c = o->c;
  int r;

  if (argc < 1)
    return brig_error (err, 0, "missing IMAGE (see brig run --help)");
  if (argc > 1)
    c->argv = strv_copy (argv + 1);
  if (o->entrypoint && o->entrypoint[0] && !is_store_ref (argv[0]))
    {
      char **v = NULL;
      strv_push (&v, xstrdup (o->entrypoint));
      for (size_t i = 0; c->argv && c->argv[i]; i++)
        strv_push (&v, xstrdup (c->argv[i]));
      strv_free (c->argv);
      c->argv = v;
    }
  if ((r = resolve_image (o, argv[0], err)) < 0)
    return r;
  if ((r = new_id (c, err)) < 0)
    return r;
  if (c->hostname == NULL)
    c->hostname = xstrndup (c->id, 12);
  /* An image of the store: its root is made for this user namespace, so
   * the mapping comes first (checked again once the user is known). */
  if (o->img.digest[0]
      && ((r = apply_image_config (o, err)) < 0 || (r = setup_userns (o, err)) < 0
          || (r = add_image_volumes (o, err)) < 0 || (r = prepare_image_root (o, err)) < 0
          || (r = make_image_volumes (o, err)) < 0))
    return r;

  if (o->seccomp_unconfined)
    {
      brig_seccomp_free (c->seccomp);
      c->seccomp = NULL;
    }
  else if (o->seccomp_path)
    {
      _cleanup_free_ char *buf = NULL;
      size_t len;
      struct brig_seccomp *p;
      if ((r = brig_read_file (o->seccomp_path, 4 << 20, &buf, &len, err)) < 0
          || (r = brig_parse_seccomp_json (buf, len, o->seccomp_path, &p, err)) < 0)
        return brig_err_wrap (err, "--security-opt seccomp");
      brig_seccomp_free (c->seccomp);
      c->seccomp = p;
    }

  if (o->swap_set && c->limits.memory_swap != BRIG_UNLIMITED)
    {
      if (c->limits.memory == BRIG_UNLIMITED)
        return brig_error (err, 0, "--memory-swap needs a --memory limit as well");
      if (c->limits.memory_swap < c->limits.memory)
        return brig_error (err, 0,
                           "--memory-swap (%" PRId64 ") must be at least --memory "
                           "(%" PRId64 "): it counts memory plus swap",
                           c->limits.memory_swap, c->limits.memory);
    }
  else if (!o->swap_set)
    c->limits.memory_swap = c->limits.memory;

  if ((r = setup_network (o, err)) < 0)
    return r;
  if ((r = resolve_user (o, err)) < 0 || (r = setup_userns (o, err)) < 0
      || (r = setup_env (o, err)) < 0 || (r = setup_volumes (o, err)) < 0
      || (r = check_bridge (o, err)) < 0)
    return r;
  c->caps = brig_capsets_uniform (
      o->cap_drop == BRIG_CAPS_ALL ? o->cap_add : o->cap_add & ~o->cap_drop, c->uid == 0);
  return 0;
}

/* brig run judges by the policy's rules IDS what it reads from the host
 * and the image: the binds (BRIG-C003, C015, C016) and the image's user
 * (BRIG-C018).  The rest of its model is the hardened default and the
 * flags, whose relaxations the audit log records.  Decisions go to the
 * log; hardened ones are also said on stderr. */
static int
gate_rules (const struct run_opts *o, const char *const *ids, struct brig_auditlog *log,
            struct brig_err *err)
{
  size_t nrules;
  struct brig_policy view = *o->policy; /* these rules only, on a copy */
  _cleanup_free_ enum brig_action *actions = NULL;
  struct brig_decision *d = NULL;
  size_t n = 0;
  int r;

  brig_rules (&nrules);
  actions = xreallocarray (NULL, nrules, sizeof *actions);
  memcpy (actions, o->policy->actions, nrules * sizeof *actions);
  view.actions = actions;
  brig_policy_only (&view, ids);
  r = brig_policy_gate (&view, o->c, &d, &n, err);
  for (size_t i = 0; i < n; i++)
    {
      brig_audit_decision (log, o->c, d[i].rule->id, brig_action_name (d[i].action), d[i].detail);
      if (d[i].action == BRIG_ACT_HARDEN)
        fprintf (stderr, "brig: warning: %s (%s): %s: hardened, as the policy (%s) says\n",
                 d[i].rule->id, d[i].rule->title, d[i].detail, view.source);
    }
  brig_decisions_free (d, n);
  return r;
}

static char *
default_log_path (void)
{
  _cleanup_free_ char *dir = brig_state_dir ();
  return xasprintf ("%s/audit.log", dir);
}

struct abandon_ctx
{
  struct brig_auditlog *log;
  const struct brig_container *c;
  struct brig_bridge *br;
};

static void
on_abandon (void *data)
{
  struct abandon_ctx *a = data;
  struct brig_err e = { 0 };

  brig_audit_exited (a->log, a->c, -1, false, "brig was killed; the container was stopped");
  brig_bridge_leave (a->br, &e);
  brig_err_release (&e);
}

static int
status_of (int st)
{
  if (WIFEXITED (st))
    return WEXITSTATUS (st);
  if (WIFSIGNALED (st))
    return 128 + WTERMSIG (st);
  return EXIT_BRIG;
}

/* What ran, exactly (the digest behind a tag), and the image's findings:
 * a root user (refused under --strict), ports and a health check that
 * brig run does not act on. */
static int
audit_image (struct run_opts *o, struct brig_auditlog *log, const char *ref, struct brig_err *err)
{
  struct brig_audit_image_info info = { .ref = ref,
                                        .digest = o->img.digest,
                                        .image_id = o->img.manifest.config.digest,
                                        .pinned = o->image_tag == NULL || strchr (ref, '@') != NULL,
                                        .exposed_ports = o->img.config.exposed_ports,
                                        .healthcheck = o->img.config.healthcheck };

  brig_audit_image_ran (log, o->c, &info);
  /* Informational: brig run acts on neither. */
  if (info.exposed_ports && info.exposed_ports[0] && o->c->nports == 0)
    {
      _cleanup_free_ char *ports = NULL;
      for (size_t i = 0; info.exposed_ports[i]; i++)
        str_append (&ports, ", ", info.exposed_ports[i]);
      fprintf (stderr,
               "brig: note: image %s declares ports %s; none is published unless -p names it\n",
               ref, ports);
    }
  if (info.healthcheck && info.healthcheck[0] && strcmp (info.healthcheck[0], "NONE") != 0)
    fprintf (stderr, "brig: note: image %s has a health check, which brig run does not run\n", ref);
  /* --image-volume ignore: each VOLUME of the image is the read-only root
   * unless a mount says otherwise. */
  for (size_t i = 0; o->image_volume == IMAGE_VOLUME_IGNORE && o->c->readonly_rootfs
                     && o->img.config.volumes && o->img.config.volumes[i];
       i++)
    if (!covered (o, o->img.config.volumes[i]))
      fprintf (stderr,
               "brig: note: image %s declares VOLUME %s, which is read-only here with the root "
               "(--image-volume ignore); to write there give -v NAME:%s:rw (a named volume) or "
               "--tmpfs %s\n",
               ref, o->img.config.volumes[i], o->img.config.volumes[i], o->img.config.volumes[i]);
  {
    static const char *const ids[] = { "BRIG-C018", NULL };
    return gate_rules (o, ids, log, err);
  }
}

int
cmd_run (int argc, char **argv)
{
  struct run_opts o = { .root = BRIG_ROOTFS_INIT, .peer_netns = -1 };
  struct brig_err err = { 0 };
  struct brig_auditlog log = { -1, NULL };
  struct brig_sandbox *sb = NULL;
  struct brig_portfwd *fwd = NULL;
  struct brig_slirp *slirp = NULL;
  struct brig_exit ex = { 0 };
  struct abandon_ctx actx;
  struct brig_sandbox_opts sopts;
  int optind, exec_errno, r, status = EXIT_BRIG;

  o.c = brig_container_new_hardened ();
  r = brig_opt_parse (run_opts_table, &o, argc, argv, &optind, &err);
  if (r < 0)
    goto fail;
  if (help_requested)
    {
      if (help_requested == HELP_MAN)
        brig_opt_man (stdout, run_opts_table);
      else
        brig_opt_help (stdout, &run_help, run_opts_table);
      status = 0;
      goto out;
    }
  if ((r = brig_load_policy (&o.policy, &err)) < 0)
    goto fail;
  if (o.strict)
    {
      size_t idx;
      brig_rule_find ("BRIG-C018", &idx);
      o.policy->actions[idx] = BRIG_ACT_ENFORCE;
    }
  if ((r = build_model (&o, argc - optind, argv + optind, &err)) < 0)
    goto fail;
  {
    _cleanup_free_ char *path = o.log_path ? xstrdup (o.log_path) : default_log_path ();
    if ((r = brig_auditlog_open (path, &log, &err)) < 0)
      goto fail;
  }
  {
    static const char *const ids[] = { "BRIG-C003", "BRIG-C015", "BRIG-C016", NULL };
    r = gate_rules (&o, ids, &log, &err);
  }
  if (r < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  if ((r = gate_network (o.c, o.policy, &log, &err)) < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  if (o.c->netmode == BRIG_NET_HOST || o.c->netmode == BRIG_NET_CONTAINER)
    {
      /* sysfs can be mounted only by the owner of the network namespace
       * (the host's, or the other container's user namespace):
       * the host's /sys instead, read-only, as runc does.  brig's own
       * bind, made once the policy has judged the user's. */
      struct brig_mount m = { xstrdup ("/sys"), xstrdup ("bind"), xstrdup ("/sys"),
                              MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_REC };
      brig_container_set_mount (o.c, &m);
    }
  if (o.img.digest[0] && (r = audit_image (&o, &log, argv[optind], &err)) < 0)
    goto fail;
  /* Allowed: now its place on a bridge, and the files that name it. */
  if ((r = setup_bridge (&o, &err)) < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  setup_etc_files (o.c);
  actx = (struct abandon_ctx){ &log, o.c, o.br };
  sopts = (struct brig_sandbox_opts){
    .on_abandon = on_abandon, .data = &actx, .console_socket = -1, .relay_terminal = o.tty
  };
  if ((r = brig_sandbox_create (o.c, &sopts, &sb, &err)) < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  if (o.c->netmode == BRIG_NET_PRIVATE
      && (r = brig_slirp_start (brig_sandbox_net_fd (sb, BRIG_NS_USER),
                                brig_sandbox_net_fd (sb, BRIG_NS_NET), &slirp, &err))
             < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  if (o.br && (r = brig_bridge_attach (o.br, brig_sandbox_net_fd (sb, BRIG_NS_NET), &err)) < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  if ((r = brig_portfwd_start (o.c->ports, o.c->nports, brig_sandbox_net_fd (sb, BRIG_NS_USER),
                               brig_sandbox_net_fd (sb, BRIG_NS_NET), &fwd, &err))
      < 0)
    {
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      goto fail;
    }
  brig_rootfs_detach (&o.root);
  for (char *const *w = brig_sandbox_warnings (sb); *w; w++)
    fprintf (stderr, "brig: warning: %s\n", *w);
  brig_audit_created (&log, o.c);
  brig_audit_relaxations (&log, o.c);

  r = brig_sandbox_start (sb, &exec_errno, &err);
  if (r < 0)
    {
      status = exec_errno == ENOENT ? EXIT_NOT_FOUND : exec_errno ? EXIT_CANNOT_INVOKE : EXIT_BRIG;
      brig_audit_exited (&log, o.c, -1, false, err.msg);
      brig_sandbox_destroy (sb);
      sb = NULL;
      brig_fail (status, &err);
      goto out;
    }
  brig_audit_started (&log, o.c, brig_sandbox_pid (sb));
  if ((r = brig_sandbox_wait (sb, &ex, &err)) < 0)
    goto fail;
  status = status_of (ex.status);
  brig_audit_exited (&log, o.c, ex.status, ex.oom_killed, NULL);
  if (ex.oom_killed && WIFSIGNALED (ex.status) && WTERMSIG (ex.status) == 9)
    fprintf (stderr,
             "brig: the container was killed for exceeding its memory limit "
             "(%" PRId64 " bytes)\n",
             o.c->limits.memory);
  goto out;
fail:
  status = brig_fail (EXIT_BRIG, &err);
out:
  brig_portfwd_stop (fwd);
  brig_slirp_stop (slirp);
  brig_sandbox_destroy (sb);
  {
    struct brig_err e = { 0 };
    if (brig_bridge_leave (o.br, &e) < 0)
      fprintf (stderr, "brig: warning: %s\n", e.msg);
    brig_err_release (&e);
  }
  free (o.bridge);
  if (o.peer_netns >= 0)
    close (o.peer_netns);
  for (size_t i = 0; i < o.nrules; i++)
    {
      free (o.rules[i].target);
      free (o.rules[i].alias);
    }
  free (o.rules);
  brig_rootfs_release (&o.root);
  brig_stored_image_release (&o.img);
  free (o.image_tag);
  free (o.entrypoint);
  brig_auditlog_close (&log);
  brig_container_free (o.c);
  brig_policy_free (o.policy);
  free (o.user);
  free (o.log_path);
  free (o.userns_range);
  free (o.seccomp_path);
  strv_free (o.env);
  strv_free (o.anon);
  strv_free (o.env_files);
  for (size_t i = 0; i < o.nvols; i++)
    brig_mount_release (&o.vols[i]);
  free (o.vols);
  for (size_t i = 0; i < o.nvol_locks; i++)
    close (o.vol_locks[i]);
  free (o.vol_locks);
  brig_err_release (&err);
  return status;
}
