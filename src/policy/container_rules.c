/* The rules over Docker's settings, as data: what a compose service or a
 * docker run line asks of the engine (model/workload.h, struct
 * brig_wdocker), judged as the runtime gate judges a bundle.
 *
 * One rule, one id: where the runtime gate (src/policy/rules.c) has the
 * same rule, this table uses its id, title and severity (BRIG-Cnnn; a unit
 * test keeps them equal), so a finding of `brig audit` names the rule that
 * `brig run` and brig-runtime would apply to the same container.  What
 * only a file shows (a root user, a port on every interface, an unpinned
 * image, AppArmor off, a writable /etc) is BRIG-Rnnn.  CIS numbers are
 * those of the CIS Docker Benchmark 1.6.0 as docker-bench-security's main
 * branch numbers section 5 (its v1.6.0 tag numbers it one lower; see
 * docs/cis-docker.md, "Which numbering").
 *
 * Docker's defaults are what an unset value means: a writable root, its
 * 14 default capabilities (Podman's 11), no limits, no no-new-privileges. */
#include "model/caps.h"
#include "policy/audit.h"
#include "policy/daemon.h"
#include "policy/host.h"
#include "policy/image.h"
#include "policy/stored_image.h"
#include "util/cleanup.h"

#include <string.h>

#define CAP(c) (UINT64_C (1) << (c))

static bool
compose (const struct brig_workload *w)
{
  return w->docker.engine && strcmp (w->docker.engine, "compose") == 0;
}

/* The spelling of a setting in W's format. */
#define KEY(w, compose_key, flag) (compose (w) ? (compose_key) : (flag))

/* A value that says "host": "host", or "service:x -> host" (compose.h). */
static bool
is_host (const struct brig_wval *v)
{
  return v->set && (strcmp (v->s, "host") == 0 || str_has_suffix (v->s, " -> host"));
}

static bool
has_var (const char *s)
{
  return strchr (s, '$') != NULL;
}

/* /a//b/./c/ -> /a/b/c, and an absolute path's .. resolved as the gate
 * resolves it (brig_path_lexical: /srv/../etc is /etc); a relative one
 * (./site, resolved by the engine against the file's directory) keeps its
 * .. as written. */
static char *
norm_path (const char *s)
{
  char *out, *o;

  if (s[0] == '/')
    return brig_path_lexical (s);
  out = o = xmalloc (strlen (s) + 2);

  for (const char *p = s; *p;)
    {
      if (*p == '/')
        {
          while (*p == '/')
            p++;
          if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
            {
              p++;
              continue;
            }
          *o++ = '/';
          continue;
        }
      *o++ = *p++;
    }
  if (o > out + 1 && o[-1] == '/')
    o--;
  if (o == out)
    *o++ = '/';
  *o = '\0';
  return out;
}

/* Is PATH DIR or below it? */
static bool
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

#define EACH_MOUNT(w, m)                                                                           \
  for (const struct brig_wmount *m = (w)->docker.mounts;                                           \
       m < (w)->docker.mounts + (w)->docker.nmounts; m++)

/* A bind of a host path (a --mount or long-syntax bind, or a short volume
 * whose source is a path), normalised; NULL otherwise. */
static char *
bind_source (const struct brig_wmount *m)
{
  if (!m->source.set || m->type == NULL || strcmp (m->type, "bind") != 0 || m->source.s[0] != '/')
    return NULL;
  return norm_path (m->source.s);
}

/* --- rules the runtime gate has too ------------------------------------- */

static void
check_privileged (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;

  (void)v;
  if (brig_wtrue (&d->privileged))
    brig_findings_add (f, r, w->file, d->privileged.loc,
                       "%s gives every capability, every device and no seccomp or AppArmor",
                       KEY (w, "privileged: true", "--privileged"));
  for (size_t i = 0; i < d->cap_add.n; i++)
    {
      int cap = brig_cap_from_name (d->cap_add.v[i].s);
      if (cap == -2 || cap == 21)
        brig_findings_add (f, r, w->file, d->cap_add.v[i].loc, "%s %s is as good as privileged",
                           KEY (w, "cap_add", "--cap-add"), d->cap_add.v[i].s);
    }
}

static void
check_host_ns (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;
  const struct
  {
    const struct brig_wval *val;
    const char *key, *flag, *what;
  } ns[] = {
    { &d->network_mode, "network_mode:", "--network", "network" },
    { &d->pid, "pid:", "--pid", "processes (pid namespace)" },
    { &d->ipc, "ipc:", "--ipc", "IPC (shared memory, semaphores)" },
    { &d->uts, "uts:", "--uts", "hostname (uts namespace)" },
  };

  (void)v;
  for (size_t i = 0; i < ARRAY_SIZE (ns); i++)
    if (is_host (ns[i].val))
      brig_findings_add (f, r, w->file, ns[i].val->loc, "%s %s shares the host's %s",
                         KEY (w, ns[i].key, ns[i].flag), ns[i].val->s, ns[i].what);
}

/* BRIG-C017: the network namespace of another container (or compose
 * service) joined. */
static void
check_peer_network (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  const struct brig_wval *n = &w->docker.network_mode;

  (void)v;
  if (n->set && (str_has_prefix (n->s, "container:") || str_has_prefix (n->s, "service:")))
    brig_findings_add (f, r, w->file, n->loc,
                       "%s %s joins another container's network namespace: every port it "
                       "listens on, loopback included, is open to this one",
                       KEY (w, "network_mode:", "--network"), n->s);
}

const char *
brig_bind_gives_host (const char *path, char **ret_norm)
{
  char *src = norm_path (path);
  const char *what = NULL;

  if (strcmp (src, "/") == 0 || brig_engine_socket_name (src))
    what = src;
  for (const char *const *sock = brig_engine_sockets; *sock && what == NULL; sock++)
    if (under (*sock, src))
      what = *sock;
  *ret_norm = src;
  return what;
}

static void
check_dangerous_binds (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  (void)v;
  EACH_MOUNT (w, m)
  {
    _cleanup_free_ char *src = bind_source (m), *norm = NULL;
    const char *sock = NULL;

    if (src == NULL)
      {
        /* ${DOCKER_SOCK}:/var/run/docker.sock: the target says what it is. */
        if (m->source.set && has_var (m->source.s) && m->target.set
            && brig_engine_socket_name (m->target.s))
          brig_findings_add (f, r, w->file, m->loc,
                             "%s is mounted at %s: an engine's socket is root on the host",
                             m->source.s, m->target.s);
        continue;
      }
    if (strcmp (src, "/") == 0)
      {
        brig_findings_add (f, r, w->file, m->loc, "the host's / is mounted at %s%s",
                           m->target.set ? m->target.s : "?",
                           m->read_only ? " (read-only still shows every secret of the host)" : "");
        continue;
      }
    sock = brig_bind_gives_host (src, &norm);
    if (sock == norm)
      sock = src;
    if (sock)
      brig_findings_add (f, r, w->file, m->loc,
                         "%s%s%s%s is mounted at %s: an engine's API is root on the host%s", sock,
                         sock == src ? "" : " (in ", sock == src ? "" : src, sock == src ? "" : ")",
                         m->target.set ? m->target.s : "?",
                         m->read_only ? " (:ro does not make a socket read-only)" : "");
  }
}

static void
check_seccomp (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  (void)v;
  if (w->docker.seccomp.set && strcmp (w->docker.seccomp.s, "unconfined") == 0)
    brig_findings_add (f, r, w->file, w->docker.seccomp.loc,
                       "seccomp=unconfined leaves every syscall of the kernel reachable");
}

static void
check_caps (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
            struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;
  struct brig_policy *p = brig_policy_default ();
  uint64_t allowed = p->allowed_caps, dropped = 0, kept;

  (void)v;
  brig_policy_free (p);
  if (brig_wtrue (&d->privileged))
    return; /* BRIG-C001 says it all */
  for (size_t i = 0; i < d->cap_drop.n; i++)
    {
      int cap = brig_cap_from_name (d->cap_drop.v[i].s);
      dropped |= cap == -2 ? BRIG_CAPS_ALL : cap >= 0 ? CAP (cap) : 0;
    }
  for (size_t i = 0; i < d->cap_add.n; i++)
    {
      const char *name = d->cap_add.v[i].s;
      int cap = brig_cap_from_name (name);
      if (cap == -2 || cap == 21 || has_var (name))
        continue; /* BRIG-C001 */
      if (cap < 0)
        brig_findings_add (f, r, w->file, d->cap_add.v[i].loc,
                           "%s %s: no such capability (the engine refuses it)",
                           KEY (w, "cap_add", "--cap-add"), name);
      else if (!(allowed & CAP (cap)))
        brig_findings_add (f, r, w->file, d->cap_add.v[i].loc, "%s %s is outside the allow-list",
                           KEY (w, "cap_add", "--cap-add"), brig_cap_name (cap));
    }
  kept = brig_engine_default_caps (d->engine) & ~dropped & ~allowed;
  if (kept)
    {
      _cleanup_free_ char *names = brig_caps_format (kept);
      brig_findings_add (f, r, w->file, d->cap_drop.n ? d->cap_drop.v[0].loc : w->loc,
                         "keeps the engine's default capabilities %s (no %s)", names,
                         KEY (w, "cap_drop: [ALL]", "--cap-drop ALL"));
    }
}

static void
check_nnp (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
           struct brig_findings *f)
{
  const struct brig_wval *nnp = &w->docker.no_new_privs;

  (void)v;
  if (brig_wtrue (nnp))
    return;
  if (nnp->set)
    brig_findings_add (f, r, w->file, nnp->loc, "no-new-privileges is %s", nnp->s);
  else
    brig_findings_add (f, r, w->file, w->loc,
                       "no %s no-new-privileges: setuid programs can raise privileges",
                       KEY (w, "security_opt", "--security-opt"));
}

static void
check_read_only (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  const struct brig_wval *ro = &w->docker.read_only;

  (void)v;
  if (brig_wtrue (ro))
    return;
  brig_findings_add (f, r, w->file, ro->set ? ro->loc : w->loc,
                     "%s: the root filesystem is writable",
                     ro->set ? KEY (w, "read_only is not true", "--read-only is not true")
                             : KEY (w, "no read_only: true", "no --read-only"));
}

static void
check_masks (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  (void)v;
  if (w->docker.systempaths.set && strcmp (w->docker.systempaths.s, "unconfined") == 0)
    brig_findings_add (f, r, w->file, w->docker.systempaths.loc,
                       "systempaths=unconfined unmasks /proc/kcore, /proc/keys, /proc/sys...");
}

/* Unset, 0 or -1: no limit. */
static bool
unlimited (const struct brig_wval *v)
{
  return !v->set || strcmp (v->s, "0") == 0 || strcmp (v->s, "-1") == 0;
}

static void
check_limits (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
              struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;

  (void)v;
  if (unlimited (&d->memory))
    brig_findings_add (f, r, w->file, d->memory.set ? d->memory.loc : w->loc,
                       "no memory limit (%s): one leak takes the host's memory",
                       KEY (w, "mem_limit or deploy.resources.limits.memory", "--memory"));
  if (unlimited (&d->pids_limit))
    brig_findings_add (f, r, w->file, d->pids_limit.set ? d->pids_limit.loc : w->loc,
                       "no pids limit (%s): a fork bomb takes the host down",
                       KEY (w, "pids_limit or deploy.resources.limits.pids", "--pids-limit"));
}

static void
check_userns (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
              struct brig_findings *f)
{
  (void)v;
  if (is_host (&w->docker.userns_mode))
    brig_findings_add (f, r, w->file, w->docker.userns_mode.loc,
                       "%s host leaves the daemon's user namespace: container root is host root",
                       KEY (w, "userns_mode:", "--userns"));
}

static void
check_device_rules (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  const struct brig_wlist *l = &w->docker.device_cgroup_rules;

  (void)v;
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].s[0] == 'a')
      brig_findings_add (f, r, w->file, l->v[i].loc,
                         "device cgroup rule \"%s\" allows every device", l->v[i].s);
}

static void
check_cgroupns (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  (void)v;
  if (is_host (&w->docker.cgroupns))
    brig_findings_add (f, r, w->file, w->docker.cgroupns.loc,
                       "%s host shows the host's cgroup tree", KEY (w, "cgroup:", "--cgroupns"));
}

static void
check_devices (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  static const char *const defaults[]
      = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", NULL };
  const struct brig_wlist *l = &w->docker.devices;

  (void)v;
  for (size_t i = 0; i < l->n; i++)
    {
      _cleanup_free_ char *host = xstrndup (l->v[i].s, strcspn (l->v[i].s, ":"));
      bool ok = false;
      for (size_t k = 0; defaults[k] && !ok; k++)
        ok = strcmp (host, defaults[k]) == 0;
      if (!ok)
        brig_findings_add (f, r, w->file, l->v[i].loc,
                           "the host's device %s is given to the container", host);
    }
}

/* --- rules only a file shows ------------------------------------------- */

static void
check_root_user (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  const struct brig_wval *u = &w->docker.user;
  size_t n;

  (void)v;
  if (!u->set)
    {
      brig_findings_add (f, r, w->file, w->loc,
                         "no %s: the image's USER applies, root unless the image names another",
                         KEY (w, "user", "--user"));
      return;
    }
  n = strcspn (u->s, ":");
  if ((n == 1 && u->s[0] == '0') || (n == 4 && strncmp (u->s, "root", 4) == 0))
    brig_findings_add (f, r, w->file, u->loc, "%s %s runs as root", KEY (w, "user:", "--user"),
                       u->s);
}

static void
check_lsm (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
           struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;

  (void)v;
  if (d->apparmor.set && strcmp (d->apparmor.s, "unconfined") == 0)
    brig_findings_add (f, r, w->file, d->apparmor.loc,
                       "apparmor=unconfined turns the engine's AppArmor profile off");
  if (d->label.set && strcmp (d->label.s, "disable") == 0)
    brig_findings_add (f, r, w->file, d->label.loc, "label=disable turns SELinux separation off");
}

/* The host's directories a writable bind of lets the container change
 * the host (BRIG-R003): compose and docker run binds here, Kubernetes
 * hostPath volumes in k8s_rules.c. */
static const char *const sensitive_dirs[] = { "/boot",
                                              "/dev",
                                              "/etc",
                                              "/lib",
                                              "/lib64",
                                              "/proc",
                                              "/sys",
                                              "/usr",
                                              "/bin",
                                              "/sbin",
                                              "/var/lib/docker",
                                              "/var/lib/containerd",
                                              "/var/lib/containers",
                                              "/root" };

const char *
brig_bind_sensitive (const char *path, char **ret_norm)
{
  char *src = norm_path (path);

  *ret_norm = src;
  if (brig_engine_socket_name (src))
    return NULL; /* an engine's socket: BRIG-C003 */
  for (size_t k = 0; k < ARRAY_SIZE (sensitive_dirs); k++)
    if (under (src, sensitive_dirs[k]))
      return sensitive_dirs[k];
  return NULL;
}

static void
check_sensitive_binds (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  (void)v;
  EACH_MOUNT (w, m)
  {
    _cleanup_free_ char *src = bind_source (m), *norm = NULL;
    if (src && !m->read_only && brig_bind_sensitive (src, &norm))
      brig_findings_add (f, r, w->file, m->loc, "the host's %s is mounted writable at %s", src,
                         m->target.set ? m->target.s : "?");
  }
}

/* BRIG-C015: a bind of the host's /proc, /sys, /dev, /boot or /etc, in
 * any mode (the paths the gate refuses; brig_host_path_refusal). */
static void
check_sensitive_dirs (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  (void)v;
  EACH_MOUNT (w, m)
  {
    _cleanup_free_ char *src = bind_source (m);
    bool c003;
    const char *why = src ? brig_host_path_refusal (src, &c003) : NULL;

    if (why && !c003)
      brig_findings_add (f, r, w->file, m->loc, "the host's %s is mounted at %s: %s", src,
                         m->target.set ? m->target.s : "?", why);
  }
}

static void
check_ports (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;

  (void)v;
  if (is_host (&d->network_mode))
    return; /* ports are not published on the host's network: BRIG-C002 */
  if (brig_wtrue (&d->publish_all))
    brig_findings_add (f, r, w->file, d->publish_all.loc,
                       "--publish-all publishes every exposed port on every interface");
  for (size_t i = 0; i < d->nports; i++)
    {
      const struct brig_wport *p = &d->ports[i];
      const char *ip = p->host_ip.set ? p->host_ip.s : NULL;
      if (ip && (has_var (ip) || (strcmp (ip, "0.0.0.0") != 0 && strcmp (ip, "::") != 0)))
        continue;
      brig_findings_add (f, r, w->file, p->loc,
                         "port %s%s%s%s%s is published on every interface of the host%s",
                         p->published.set ? p->published.s : "", p->published.set ? ":" : "",
                         p->target.set ? p->target.s : "?", p->protocol.set ? "/" : "",
                         p->protocol.set ? p->protocol.s : "",
                         p->published.set ? "" : " (on a port the engine picks)");
    }
}

static void
check_image (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  const struct brig_wval *img = &w->docker.image;
  struct brig_image_ref ref;

  (void)v;
  if (!img->set || w->docker.build)
    return; /* built here */
  brig_image_ref_parse (img->s, &ref);
  if (ref.pin == BRIG_REF_UNTAGGED && !has_var (img->s))
    brig_findings_add (f, r, w->file, img->loc,
                       "image %s has no tag: whatever latest is when it is pulled", img->s);
  else if (ref.pin == BRIG_REF_LATEST)
    brig_findings_add (f, r, w->file, img->loc,
                       "image %s: latest changes under you; pin a version (or a digest)", img->s);
}

static void
check_cpu (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
           struct brig_findings *f)
{
  const struct brig_wval *c = &w->docker.cpus;

  (void)v;
  if (!c->set || strcmp (c->s, "0") == 0)
    brig_findings_add (f, r, w->file, c->set ? c->loc : w->loc,
                       "no CPU limit (%s): one busy container slows every other",
                       KEY (w, "cpus or deploy.resources.limits.cpus", "--cpus"));
}

/* --- CIS Docker section 5 items only a file shows ------------------------ */

/* V as a number; false when it is not one (a variable, a range's end). */
static bool
number (const char *s, size_t n, long long *ret)
{
  long long v = 0;

  if (n == 0 || n > 18)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (s[i] - '0');
    }
  *ret = v;
  return true;
}

static void
check_privileged_ports (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                        struct brig_findings *f)
{
  const struct brig_wdocker *d = &w->docker;

  (void)v;
  if (is_host (&d->network_mode))
    return; /* ports are not published on the host's network */
  for (size_t i = 0; i < d->nports; i++)
    {
      const struct brig_wport *p = &d->ports[i];
      long long port;
      /* 80, or the first of 80-90. */
      if (p->published.set && number (p->published.s, strcspn (p->published.s, "-"), &port)
          && port > 0 && port < 1024)
        brig_findings_add (f, r, w->file, p->loc,
                           "host port %s is a privileged port (below 1024), published for "
                           "container port %s",
                           p->published.s, p->target.set ? p->target.s : "?");
    }
}

static void
check_restart (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  const struct brig_wval *rs = &w->docker.restart;
  const char *colon;
  long long max;
  size_t n;

  (void)v;
  if (!rs->set || has_var (rs->s))
    return;
  colon = strchr (rs->s, ':');
  n = colon ? (size_t)(colon - rs->s) : strlen (rs->s);
  if ((n == 6 && strncmp (rs->s, "always", n) == 0)
      || (n == 14 && strncmp (rs->s, "unless-stopped", n) == 0)
      || (n == 3 && strncmp (rs->s, "any", n) == 0 && colon == NULL))
    brig_findings_add (f, r, w->file, rs->loc,
                       "restart %s restarts the container without end: a crash loop, or an "
                       "attack that crashes it, goes on unseen",
                       rs->s);
  else if ((n == 10 && strncmp (rs->s, "on-failure", n) == 0) || (n == 3 && colon))
    {
      if (colon == NULL)
        brig_findings_add (f, r, w->file, rs->loc,
                           "restart %s has no maximum: the container is restarted without end",
                           rs->s);
      else if (number (colon + 1, strlen (colon + 1), &max) && max > 5)
        brig_findings_add (f, r, w->file, rs->loc, "restart %s allows %lld restarts (at most 5)",
                           rs->s, max);
    }
}

static void
check_healthcheck (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  const struct brig_wval *hc = &w->docker.healthcheck;

  (void)v;
  if (hc->set && strcmp (hc->s, "none") == 0)
    brig_findings_add (f, r, w->file, hc->loc,
                       "%s: the image's health check is off, and the engine cannot tell a hung "
                       "service from a working one",
                       KEY (w, "healthcheck disabled", "--no-healthcheck"));
  else if (!hc->set && !w->docker.build)
    brig_findings_add (f, r, w->file, w->loc,
                       "no %s: only the image's HEALTHCHECK, if it has one, tells a hung service "
                       "from a working one",
                       KEY (w, "healthcheck", "--health-cmd"));
}

static void
check_propagation (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  (void)v;
  EACH_MOUNT (w, m)
  if (m->propagation.set
      && (strcmp (m->propagation.s, "shared") == 0 || strcmp (m->propagation.s, "rshared") == 0))
    brig_findings_add (f, r, w->file, m->propagation.loc,
                       "%s is mounted at %s with %s propagation: mounts made in the container "
                       "appear on the host",
                       m->source.set ? m->source.s : "?", m->target.set ? m->target.s : "?",
                       m->propagation.s);
}

static void
check_ulimits (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  const struct brig_wlist *l = &w->docker.ulimits;

  (void)v;
  for (size_t i = 0; i < l->n; i++)
    {
      const char *eq = strchr (l->v[i].s, '=');
      bool unlimited = false;
      for (const char *p = eq ? eq + 1 : NULL; p && *p; p += strcspn (p, ":"), p += *p == ':')
        {
          size_t n = strcspn (p, ":");
          unlimited |= (n == 2 && strncmp (p, "-1", 2) == 0)
                       || (n == 9 && strncmp (p, "unlimited", 9) == 0);
        }
      if (unlimited)
        brig_findings_add (f, r, w->file, l->v[i].loc,
                           "ulimit %s lifts the engine's default limit entirely", l->v[i].s);
    }
}

static void
check_cgroup_parent (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                     struct brig_findings *f)
{
  const struct brig_wval *cp = &w->docker.cgroup_parent;

  (void)v;
  if (cp->set && cp->s[0])
    brig_findings_add (f, r, w->file, cp->loc,
                       "%s %s puts the container in a cgroup outside the engine's, under that "
                       "cgroup's limits instead of its own",
                       KEY (w, "cgroup_parent:", "--cgroup-parent"), cp->s);
}

static void
check_default_bridge (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  const struct brig_wval *net = &w->docker.network_mode;

  (void)v;
  if (net->set && (strcmp (net->s, "bridge") == 0 || strcmp (net->s, "default") == 0))
    brig_findings_add (f, r, w->file, net->loc,
                       "%s %s is Docker's default bridge (docker0): every container on it can "
                       "reach every other",
                       KEY (w, "network_mode:", "--network"), net->s);
  /* docker run's default; compose puts services on a network of their
   * project, Podman and nerdctl have bridges of their own. */
  else if (!net->set && w->docker.engine && strcmp (w->docker.engine, "docker") == 0)
    brig_findings_add (f, r, w->file, w->loc,
                       "no --network: the container joins Docker's default bridge (docker0), "
                       "where every container can reach every other");
}

/* --- docker exec lines ----------------------------------------------------- */

static void
check_exec_privileged (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  (void)v;
  if (brig_wtrue (&w->docker.privileged))
    brig_findings_add (f, r, w->file, w->docker.privileged.loc,
                       "--privileged gives the process every capability in the container");
}

static void
check_exec_root (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  const struct brig_wval *u = &w->docker.user;
  size_t n;

  (void)v;
  if (!u->set)
    return; /* the container's own user */
  n = strcspn (u->s, ":");
  if ((n == 1 && u->s[0] == '0') || (n == 4 && strncmp (u->s, "root", 4) == 0))
    brig_findings_add (f, r, w->file, u->loc,
                       "--user %s runs the process as root in the container, whatever user the "
                       "container runs as",
                       u->s);
}

/* The rules of docker exec lines (their CONTROL): the others judge a
 * container, not a process started in one. */
static bool
exec_rule (const struct brig_audit_rule *r)
{
  return str_has_prefix (r->control, "docker exec");
}

#define N BRIG_PSS_NONE, NULL, 0
static const struct brig_audit_rule rules[] = {
  { "BRIG-C001", "privileged container", BRIG_SEV_CRITICAL, "privileged", N,
    "Every capability, or CAP_SYS_ADMIN alone, lets a process in the container take over the host.",
    "Remove privileged: true (--privileged) and cap_add SYS_ADMIN or ALL; add back only the "
    "capabilities the program needs.",
    "CIS Docker 5.5, 5.4; brig run: BRIG-C001 (refused); Pod Security Standards baseline: "
    "privileged; docker-bench C.5.3.3 (SYS_ADMIN)",
    check_privileged },
  { "BRIG-C002", "host namespace shared", BRIG_SEV_HIGH, "host namespaces", N,
    "Sharing the host's pid, network, ipc or uts namespace shows the container the host's "
    "processes, network or IPC.",
    "Remove network_mode/pid/ipc/uts: host (--network=host, --pid=host, --ipc=host, "
    "--uts=host); publish ports, or share with another service instead.",
    "CIS Docker 5.10, 5.16, 5.17, 5.21; brig run: BRIG-C002 (refused); Pod Security Standards "
    "baseline: host namespaces",
    check_host_ns },
  { "BRIG-C003", "host root or engine socket mounted", BRIG_SEV_CRITICAL, "volumes", N,
    "A bind of / or of the Docker, containerd, Podman or CRI-O socket gives the container the "
    "host.",
    "Remove the bind mount; give the container an API proxy that allows only what it needs "
    "(such as a docker-socket-proxy with read-only endpoints).",
    "CIS Docker 5.32, 5.6; brig run: BRIG-C003 (refused); on Kubernetes hostPath volumes too: "
    "checkov CKV_K8S_27; trivy KSV-0006; kube-linter docker-sock; kubesec DockerSock; kubescape "
    "C-0074",
    check_dangerous_binds,
    BRIG_SAME_AS ("checkov:CKV_K8S_27", "trivy:KSV-0006", "kube-linter:docker-sock",
                  "kubesec:DockerSock", "kubescape:C-0074") },
  { "BRIG-C004", "seccomp unconfined", BRIG_SEV_HIGH, "security_opt seccomp", N,
    "Without a seccomp filter every syscall of the kernel is reachable from the container.",
    "Remove seccomp=unconfined; keep the engine's default profile, or give one that denies by "
    "default (seccomp=profile.json).",
    "CIS Docker 5.22; brig run: BRIG-C004 (refused); Pod Security Standards baseline: seccomp",
    check_seccomp },
  { "BRIG-C005", "capabilities outside the allow-list", BRIG_SEV_MEDIUM, "cap_add, cap_drop", N,
    "Each capability widens what root in the container can do to the kernel and the host; the "
    "engine's defaults include NET_RAW (spoofed packets), MKNOD and SETFCAP.",
    "cap_drop: [ALL] (--cap-drop ALL) and cap_add only what the program needs, from CHOWN, "
    "DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE.",
    "CIS Docker 5.4; brig run: BRIG-C005 (dropped); Pod Security Standards restricted: "
    "capabilities",
    check_caps },
  /* No compose key or docker run flag gives this: an OCI config.json
   * (policy/oci_audit.c) only. */
  { "BRIG-C006", "inheritable or ambient capabilities", BRIG_SEV_HIGH,
    "process.capabilities inheritable, ambient", N,
    "Inheritable and ambient capabilities pass to the programs the process execs, even as an "
    "unprivileged user (CVE-2022-29162).",
    "Leave process.capabilities.inheritable and ambient empty: a program that needs a "
    "capability gets it through the bounding, effective and permitted sets.",
    "CIS Docker 5.4 (capabilities restricted); CVE-2022-29162; brig run: BRIG-C006 (cleared)",
    NULL },
  { "BRIG-C007", "privilege escalation allowed", BRIG_SEV_HIGH, "security_opt no-new-privileges", N,
    "Without no_new_privs, setuid binaries and file capabilities raise privileges inside.",
    "security_opt: [\"no-new-privileges:true\"] (--security-opt no-new-privileges).",
    "CIS Docker 5.26; brig run: BRIG-C007 (set); Pod Security Standards restricted: "
    "allowPrivilegeEscalation",
    check_nnp },
  { "BRIG-C008", "writable root filesystem", BRIG_SEV_MEDIUM, "read_only", N,
    "A writable root lets an intruder change the programs the container runs.",
    "read_only: true (--read-only) with tmpfs: [/tmp, /run] (--tmpfs /tmp --tmpfs /run) and "
    "volumes for the data the program writes.",
    "CIS Docker 5.13; brig run: BRIG-C008 (made read-only); checkov CKV_K8S_22 and trivy "
    "KSV-0014 (Kubernetes)",
    check_read_only },
  { "BRIG-C009", "kernel interfaces not masked", BRIG_SEV_MEDIUM, "security_opt systempaths", N,
    "/proc/kcore, /proc/keys, /proc/sys and the like leak kernel state or let it be changed.",
    "Remove systempaths=unconfined (Podman: unmask=ALL).",
    "brig run: BRIG-C009 (masked); Pod Security Standards baseline: /proc mount type",
    check_masks },
  { "BRIG-C010", "no memory or pids limit", BRIG_SEV_MEDIUM, "limits", N,
    "Without limits one container (a fork bomb, a leak) takes the host down.",
    "mem_limit and pids_limit (or deploy.resources.limits memory and pids; --memory and "
    "--pids-limit).",
    "CIS Docker 5.11, 5.29; brig run: BRIG-C010 (capped)", check_limits },
  { "BRIG-C011", "no user namespace", BRIG_SEV_MEDIUM, "userns_mode", N,
    "Without a user namespace, root in the container is root on the host.",
    "Remove userns_mode: host (--userns=host) where the daemon remaps users (userns-remap); "
    "rootless Docker or Podman do it for every container.",
    "CIS Docker 5.31, 2.9; brig run: BRIG-C011 (audited)", check_userns },
  { "BRIG-C012", "every device allowed", BRIG_SEV_HIGH, "device_cgroup_rules", N,
    "A device cgroup that allows every device lets a process with a node (or CAP_MKNOD) reach "
    "the host's disks and memory.",
    "Remove the device cgroup rule \"a *:* rwm\"; list the devices needed.",
    "CIS Docker 5.18; brig run: BRIG-C012 (default rules)", check_device_rules },
  { "BRIG-C013", "host cgroup namespace", BRIG_SEV_LOW, "cgroup", N,
    "In the host's cgroup namespace the container sees the host's cgroup tree and paths.",
    "Remove cgroup: host (--cgroupns host); private is Docker's default on cgroup v2.",
    "brig run: BRIG-C013 (made private)", check_cgroupns },
  { "BRIG-C014", "device node outside the allow-list", BRIG_SEV_HIGH, "devices", N,
    "A device node is a door into a kernel driver: a block device is the raw disk, past every "
    "file permission, and character devices such as /dev/mem, /dev/kmsg or /dev/kvm reach the "
    "host's memory, log or hypervisor.",
    "Give the container only the devices it needs, and list each in brig's policy "
    "\"allowed_devices\" as \"TYPE MAJOR:MINOR\" (\"c 10:229\" for /dev/fuse).",
    "CIS Docker 5.18; brig run: BRIG-C014 (refused unless allowed)", check_devices },
  { "BRIG-C015", "sensitive host directory mounted", BRIG_SEV_HIGH, "volumes", N,
    "A bind of the host's /proc, /sys, /dev, /boot or /etc shows the container the host's "
    "processes, kernel settings, devices, boot files or secrets; written, it changes them.",
    "Bind only the files the program needs, from a directory of their own.",
    "CIS Docker 5.6; brig run: BRIG-C015 (refused unless the policy's allowed_host_paths lists "
    "it)",
    check_sensitive_dirs },
  /* Neither compose nor docker run can ask for nosuid or nodev on a bind:
   * an OCI config.json (policy/oci_audit.c) only. */
  { "BRIG-C016", "bind mount allows setuid files or device nodes", BRIG_SEV_MEDIUM,
    "mounts options nosuid, nodev", N,
    "Without nosuid a setuid file on the host path raises privileges inside the container; "
    "without nodev a device node there opens a kernel driver.",
    "Add nosuid and nodev to the bind's options.",
    "CIS Docker 5.6; brig run: BRIG-C016 (added unless allowed_bind_options allows them)", NULL },
  { "BRIG-C017", "another container's network joined", BRIG_SEV_MEDIUM, "network_mode", N,
    "A container in another's network namespace reaches every port that one listens on, its "
    "loopback services included, and shares its addresses and firewall.",
    "Publish the port the other container needs instead of network_mode: container:NAME "
    "(--network container:NAME), or put both on a network of their own.",
    "brig run: BRIG-C017 (refused)", check_peer_network },
  /* Only brig run makes brig's bridges: nothing to find in a file. */
  { "BRIG-C019", "inter-container traffic allowed on a bridge", BRIG_SEV_LOW, "--link, --allow-to",
    N,
    "Containers on one of brig's bridges reach each other only where --link or --allow-to opens "
    "a pair; each opening is a path for one compromised container to the other.",
    "Link only the pairs that talk, and prefer --allow-to NAME:PORT (one way, one port) to "
    "--link.",
    "CIS Docker 2.2; brig run: BRIG-C019 (audited)", NULL },
  { "BRIG-R001", "runs as root", BRIG_SEV_MEDIUM, "user", N,
    "Root in the container owns the image's files and is one kernel bug away from root on the "
    "host where no user namespace maps it.",
    "user: \"1000:1000\" (--user 1000:1000), or a USER in the image, and files owned "
    "accordingly.",
    "CIS Docker 4.1; Pod Security Standards restricted: runAsNonRoot; trivy DS-0002 and "
    "hadolint DL3002 (Dockerfile)",
    check_root_user },
  { "BRIG-R002", "AppArmor or SELinux off", BRIG_SEV_MEDIUM, "security_opt apparmor, label", N,
    "apparmor=unconfined and label=disable remove the mandatory access control the engine "
    "applies to every container.",
    "Remove apparmor=unconfined and label=disable; write a profile that allows what is needed.",
    "CIS Docker 5.2, 5.3; Pod Security Standards baseline: AppArmor, SELinux", check_lsm },
  { "BRIG-R003", "sensitive host directory mounted writable", BRIG_SEV_HIGH, "volumes", N,
    "A writable bind of /etc, /usr, /boot, /proc, /sys, /dev or the engine's data lets the "
    "container change the host.",
    "Mount it read-only (\"/etc/x:/etc/x:ro\", read_only: true; in Kubernetes readOnly: true in "
    "every volumeMounts entry of the hostPath volume), or mount only the file needed.",
    "CIS Docker 5.6; trivy KSV-0121 and kube-linter sensitive-host-mounts (Kubernetes hostPath "
    "volumes, judged by this rule too)",
    check_sensitive_binds },
  { "BRIG-R004", "port published on every interface", BRIG_SEV_MEDIUM, "ports", N,
    "A port published without a host address listens on every interface of the host, and "
    "Docker's iptables rules let it past the host's firewall.",
    "Bind it to one address: \"127.0.0.1:8080:80\" (host_ip: 127.0.0.1; -p 127.0.0.1:8080:80), "
    "or put a reverse proxy in front.",
    "CIS Docker 5.14; dclint no-unbound-port-interfaces", check_ports,
    BRIG_SAME_AS ("dclint:no-unbound-port-interfaces") },
  { "BRIG-R005", "image not pinned", BRIG_SEV_LOW, "image", N,
    "An untagged or :latest image is whatever the registry holds when it is pulled: builds and "
    "audits do not repeat.",
    "Name a version (nginx:1.27.3) or a digest (nginx@sha256:...).",
    "CIS Docker 5.28; dclint service-image-require-explicit-tag; hadolint DL3006, DL3007 "
    "(FROM)",
    check_image, BRIG_SAME_AS ("dclint:service-image-require-explicit-tag") },
  { "BRIG-R006", "no CPU limit", BRIG_SEV_LOW, "cpus", N,
    "Without a CPU limit or weight one container can starve the others and the host.",
    "cpus: 1.5 (deploy.resources.limits.cpus; --cpus 1.5).", "CIS Docker 5.12", check_cpu },
  { "BRIG-R007", "privileged host port", BRIG_SEV_LOW, "ports", N,
    "A host port below 1024 is one only root may bind: published for a container, it can stand "
    "in for a system service of the host (ssh, dns, http).",
    "Publish on a port of 1024 or above (\"127.0.0.1:8080:80\"; -p 127.0.0.1:8080:80), with a "
    "proxy or a load balancer in front where the service must answer on 80 or 443.",
    "CIS Docker 5.8; trivy KSV-0117 and kube-linter privileged-ports (Kubernetes)",
    check_privileged_ports },
  { "BRIG-R008", "restart policy without a bound", BRIG_SEV_LOW, "restart", N,
    "restart always or unless-stopped (or on-failure without a count) restarts a crashing "
    "container forever: a crash loop, or an attack that keeps crashing it, goes on unseen and "
    "takes the host's resources.",
    "restart: on-failure:5 (--restart on-failure:5; deploy.restart_policy: {condition: "
    "on-failure, max_attempts: 5}), and alert on restarts.",
    "CIS Docker 5.15", check_restart },
  { "BRIG-R009", "no health check at run time", BRIG_SEV_LOW, "healthcheck", N,
    "Without a health check the engine cannot tell a hung or taken-over service from a working "
    "one, nor restart it or keep traffic from it; an image's HEALTHCHECK applies unless it is "
    "turned off, but a file does not show whether the image has one.",
    "healthcheck: {test: [\"CMD\", \"/healthcheck\"]} (--health-cmd /healthcheck); or a "
    "HEALTHCHECK in the image (BRIG-D019), and never disable: true / --no-healthcheck.",
    "CIS Docker 5.27; a HEALTHCHECK in the Dockerfile: CIS Docker 4.6, BRIG-D019",
    check_healthcheck },
  { "BRIG-R010", "shared mount propagation", BRIG_SEV_MEDIUM, "volumes propagation", N,
    "With shared propagation a mount made inside the container (by a process with "
    "CAP_SYS_ADMIN, or the engine) appears on the host, and the host's in the container.",
    "Leave propagation private (the default), or rslave where the container must see the "
    "host's later mounts.",
    "CIS Docker 5.20; Kubernetes: mountPropagation Bidirectional (privileged containers only, "
    "BRIG-K001)",
    check_propagation },
  { "BRIG-R011", "ulimit raised to unlimited", BRIG_SEV_LOW, "ulimits", N,
    "The engine's default ulimits bound open files, processes, locked memory and core dumps; "
    "an unlimited one (-1) lifts that bound for the container, where only the cgroup's limits "
    "remain.",
    "Override a ulimit only where the program needs it, with a number (nofile: {soft: 65536, "
    "hard: 65536}; --ulimit nofile=65536:65536), never -1.",
    "CIS Docker 5.19", check_ulimits },
  { "BRIG-R012", "cgroup parent set", BRIG_SEV_LOW, "cgroup_parent", N,
    "A custom cgroup parent puts the container under another cgroup's limits and accounting, "
    "outside those the engine manages (and brig checks).",
    "Remove cgroup_parent (--cgroup-parent) unless the host's resource plan needs it; set the "
    "container's own limits instead.",
    "CIS Docker 5.25", check_cgroup_parent },
  { "BRIG-R013", "default bridge network", BRIG_SEV_LOW, "network_mode", N,
    "On Docker's default bridge (docker0) every container reaches every other unless the daemon "
    "turns inter-container traffic off (icc: false); user-defined networks isolate each "
    "application and resolve names.",
    "docker network create app && docker run --network app ... (compose does so for every "
    "project; remove network_mode: bridge).",
    "CIS Docker 5.30, 2.2", check_default_bridge },
  { "BRIG-R014", "privileged docker exec", BRIG_SEV_HIGH, "docker exec --privileged", N,
    "docker exec --privileged gives the process it starts every capability, whatever the "
    "container was started with: the container's hardening does not hold for it.",
    "Run the command without --privileged; if it needs a capability, give it to the container "
    "(cap_add) where it can be reviewed, or run a separate, short-lived container.",
    "CIS Docker 5.23", check_exec_privileged },
  { "BRIG-R015", "docker exec as root", BRIG_SEV_MEDIUM, "docker exec --user", N,
    "docker exec --user root (or 0) runs the command as root in a container that runs as "
    "another user: it owns every file of the container and, without a user namespace, is root "
    "on the host.",
    "Run the command as the container's user (leave --user out), or fix the image so that no "
    "root step is needed at run time.",
    "CIS Docker 5.24", check_exec_root },
};
#undef N

const struct brig_audit_rule *
brig_container_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

/* Every table of audit rules, in --list-rules order: a new table is one
 * more entry. */
static const struct brig_audit_rule *(*const tables[]) (size_t *ret_n)
    = { brig_audit_rules,  brig_k8s_rules,  brig_container_rules,   brig_image_rules,
        brig_daemon_rules, brig_host_rules, brig_stored_image_rules };

const struct brig_audit_rule *
brig_audit_rule_nth (size_t i)
{
  for (size_t t = 0; t < ARRAY_SIZE (tables); t++)
    {
      size_t n;
      const struct brig_audit_rule *v = tables[t](&n);
      if (i < n)
        return &v[i];
      i -= n;
    }
  return NULL;
}

void
brig_audit_container (const struct brig_workload *w, struct brig_findings *f)
{
  size_t first = f->n;
  _cleanup_free_ char *who = NULL;

  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    if (rules[i].check && exec_rule (&rules[i]) == w->docker.exec)
      rules[i].check (w, 0, &rules[i], f);
  /* Say whose: "service web: ...", "docker run nginx:1.27: ...". */
  if (w->docker.profiles.n)
    {
      _cleanup_free_ char *p = NULL;
      for (size_t i = 0; i < w->docker.profiles.n; i++)
        str_append (&p, ", ", w->docker.profiles.v[i].s);
      who = xasprintf ("%s %s (profiles: %s)", w->kind, w->name, p);
    }
  else
    who = xasprintf ("%s %s", w->kind, w->name[0] ? w->name : "(unnamed)");
  for (size_t i = first; i < f->n; i++)
    {
      char *m = xasprintf ("%s: %s", who, f->v[i].message);
      free (f->v[i].message);
      f->v[i].message = m;
      /* A docker run continued over lines: comments above it suppress. */
      if (!compose (w))
        f->v[i].first_line = w->loc.line;
    }
}
