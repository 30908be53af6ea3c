/* brig audit of config.json (see oci_audit.h).  The gate decides; this
 * file only says where.  For a rule about a list, the gate's own check is
 * asked again of a shallow copy of the container that holds one item (one
 * mount, one device node, one capability...), so that each offending item
 * is found by the rule itself, never by a second reading of it here. */
#include "policy/oci_audit.h"
#include "model/caps.h"
#include "util/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP(c) (UINT64_C (1) << (c))

struct ctx
{
  const struct brig_container *c;
  const struct brig_policy *p;
  const struct brig_locmap *where;
  const char *file;
  struct brig_findings *f;
  const struct brig_audit_rule *rule; /* the audit's, of the gate's id */
  const struct brig_rule *gate;
  const char *fix; /* in a bundle's words */
  bool privileged; /* BRIG-C001 found CAP_SYS_ADMIN or every capability */
};

/* Does C (the container or a copy with one item) break the gate's rule?
 * *RET_DETAIL: what the gate says, or NULL. */
static bool
breaks (const struct ctx *x, const struct brig_container *c, char **ret_detail)
{
  char *d = NULL;
  bool r = x->gate->check (c, x->p, &d);

  if (!r)
    {
      free (d);
      d = NULL;
    }
  *ret_detail = d;
  return r;
}

/* A finding at PATH, or at its nearest written parent (the document's
 * start at worst). */
static void __attribute__ ((format (printf, 3, 4)))
report (const struct ctx *x, const char *path, const char *fmt, ...)
{
  const struct brig_locent *e = brig_locmap_nearest (x->where, path);
  struct brig_loc loc = e && e->loc.line > 0 ? e->loc : (struct brig_loc){ 1, 1, 1, 1 };
  _cleanup_free_ char *m = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&m, fmt, ap) < 0)
    abort ();
  va_end (ap);
  brig_findings_add (x->f, x->rule, x->file, loc, "%s", m);
  x->f->v[x->f->n - 1].fix = x->fix;
}

/* "PATH is VALUE: WHAT" where PATH holds a scalar, "PATH: WHAT" where it
 * holds an object or a list, "no PATH: WHAT" where it is not written. */
static void
report_key (const struct ctx *x, const char *path, const char *what)
{
  const struct brig_locent *e = brig_locmap_get (x->where, path);

  if (e && e->value)
    report (x, path, "%s is %s: %s", path, e->value, what);
  else if (e)
    report (x, path, "%s: %s", path, what);
  else
    report (x, path, "no %s: %s", path, what);
}

/* --- capabilities ----------------------------------------------------------- */

static const char *const set_names[]
    = { "bounding", "effective", "permitted", "inheritable", "ambient" };
enum
{
  SET_INHERITABLE = 3,
  SET_AMBIENT = 4,
};

static uint64_t *
set_of (struct brig_capsets *s, size_t i)
{
  uint64_t *sets[] = { &s->bounding, &s->effective, &s->permitted, &s->inheritable, &s->ambient };
  return sets[i];
}

/* The path of the first item that names CAP in process.capabilities'
 * sets FIRST..LAST, or NULL. */
static char *
cap_path (const struct ctx *x, int cap, size_t first, size_t last)
{
  for (size_t s = first; s <= last; s++)
    for (size_t k = 0;; k++)
      {
        char *p = xasprintf ("process.capabilities.%s[%zu]", set_names[s], k);
        const struct brig_locent *e = brig_locmap_get (x->where, p);
        if (e && e->value && brig_cap_from_name (e->value) == cap)
          return p;
        free (p);
        if (e == NULL)
          break;
      }
  return NULL;
}

/* BRIG-C001: the whole decision, at the item that grants CAP_SYS_ADMIN. */
static size_t
where_privileged (const struct ctx *x, const char *detail)
{
  _cleanup_free_ char *p = cap_path (x, 21, 0, SET_AMBIENT);
  report (x, p ? p : "process.capabilities", "%s: %s; leave CAP_SYS_ADMIN out of every set",
          p ? p : "process.capabilities", detail);
  return 1;
}

/* BRIG-C005: each capability outside the allow-list, at its first item. */
static size_t
where_each_cap (const struct ctx *x, const char *detail)
{
  uint64_t all = x->c->caps.bounding | x->c->caps.effective | x->c->caps.permitted
                 | x->c->caps.inheritable | x->c->caps.ambient;
  size_t n = 0;

  (void)detail;
  /* As the compose audit does: BRIG-C001 says it all for every
   * capability, and for CAP_SYS_ADMIN. */
  if (x->privileged && (all & BRIG_CAPS_ALL) == BRIG_CAPS_ALL)
    return 1;
  for (int cap = 0; cap <= BRIG_CAP_MAX; cap++)
    {
      if (x->privileged && cap == 21)
        continue;
      struct brig_container one = *x->c;
      _cleanup_free_ char *d = NULL, *p = NULL;
      bool any = false;

      for (size_t s = 0; s <= SET_AMBIENT; s++)
        {
          *set_of (&one.caps, s) &= CAP (cap);
          any |= *set_of (&one.caps, s) != 0;
        }
      if (!any || !breaks (x, &one, &d))
        continue;
      p = cap_path (x, cap, 0, SET_AMBIENT);
      report (x, p ? p : "process.capabilities",
              "%s: %s is outside the capability allow-list; leave it out of every set",
              p ? p : "process.capabilities", brig_cap_name (cap));
      n++;
    }
  return n;
}

/* BRIG-C006: each of the inheritable and ambient sets that is not empty. */
static size_t
where_inheritable (const struct ctx *x, const char *detail)
{
  size_t n = 0;

  (void)detail;
  for (size_t s = SET_INHERITABLE; s <= SET_AMBIENT; s++)
    {
      struct brig_container one = *x->c;
      _cleanup_free_ char *d = NULL, *p = NULL;

      for (size_t k = 0; k <= SET_AMBIENT; k++)
        if (k != s)
          *set_of (&one.caps, k) = 0;
      if (!breaks (x, &one, &d))
        continue;
      p = xasprintf ("process.capabilities.%s", set_names[s]);
      report (x, p, "%s: %s pass on to every program the process execs", p, d);
      n++;
    }
  return n;
}

/* --- namespaces ------------------------------------------------------------- */

static const struct
{
  unsigned bit;
  const char *name; /* as linux.namespaces[].type says it */
  const char *what; /* what sharing it means */
} namespaces[] = {
  { BRIG_NS_PID, "pid", "the container sees and signals the host's processes" },
  { BRIG_NS_NET, "network", "the container is on the host's network" },
  { BRIG_NS_IPC, "ipc", "the container shares the host's shared memory and semaphores" },
  { BRIG_NS_UTS, "uts", "the container can set the host's name" },
  { BRIG_NS_MNT, "mount", "the container shares the host's mounts" },
  { BRIG_NS_USER, "user", "root in the container is root on the host" },
  { BRIG_NS_CGROUP, "cgroup", "the container sees the host's cgroup tree" },
};

/* What a namespace of kind BIT needs besides its linux.namespaces item. */
static const char *
also (unsigned bit)
{
  return bit == BRIG_NS_USER ? " with linux.uidMappings and gidMappings" : "";
}

/* The path of the linux.namespaces item of TYPE, or NULL. */
static char *
ns_path (const struct ctx *x, const char *type)
{
  for (size_t k = 0;; k++)
    {
      char *p = xasprintf ("linux.namespaces[%zu].type", k);
      const struct brig_locent *e = brig_locmap_get (x->where, p);
      free (p);
      if (e == NULL)
        return NULL;
      if (e->value && strcmp (e->value, type) == 0)
        return xasprintf ("linux.namespaces[%zu]", k);
    }
}

/* BRIG-C002, C011, C013: each namespace the rule finds shared. */
static size_t
where_namespaces (const struct ctx *x, const char *detail)
{
  size_t n = 0;

  (void)detail;
  for (size_t i = 0; i < ARRAY_SIZE (namespaces); i++)
    {
      unsigned bit = namespaces[i].bit;
      struct brig_container one = *x->c;
      _cleanup_free_ char *d = NULL, *p = NULL;
      const char *joined = x->c->ns_path[__builtin_ctz (bit)];

      /* Every other namespace made, this one as it is. */
      one.namespaces = x->c->namespaces | (BRIG_NS_ALL & ~bit);
      one.ns_host = x->c->ns_host & bit;
      if (!breaks (x, &one, &d))
        continue;
      p = ns_path (x, namespaces[i].name);
      if (p && joined && (x->c->namespaces & bit))
        report (x, p, "%s joins the host's %s namespace (%s): %s; drop its path", p,
                namespaces[i].name, joined, namespaces[i].what);
      else if (brig_locmap_get (x->where, "linux.namespaces"))
        report (x, "linux.namespaces",
                "linux.namespaces has no %s namespace: %s; add {\"type\": \"%s\"}%s",
                namespaces[i].name, namespaces[i].what, namespaces[i].name, also (bit));
      else
        report (x, "linux.namespaces",
                "no linux.namespaces, so no %s namespace: %s; add {\"type\": \"%s\"}%s",
                namespaces[i].name, namespaces[i].what, namespaces[i].name, also (bit));
      n++;
    }
  return n;
}

/* --- lists of mounts and devices ---------------------------------------------- */

/* "/a//b/" -> "/a/b", as the runtime's reader stores destinations. */
static char *
norm (const char *s)
{
  char *out = xstrdup (s), *w = out;

  for (const char *r = s; *r; r++)
    if (!(*r == '/' && w > out && w[-1] == '/'))
      *w++ = *r;
  while (w > out + 1 && w[-1] == '/')
    w--;
  *w = '\0';
  return out;
}

/* The items of a list by one member's value: where each value is, for
 * lists that may be long (mounts, device nodes). */
struct item
{
  char *value; /* normalised */
  size_t k;    /* the item's index */
};

struct items
{
  struct item *v;
  size_t n;
};

static int
by_value (const void *a, const void *b)
{
  const struct item *x = a, *y = b;
  int c = strcmp (x->value, y->value);

  return c ? c : (x->k > y->k) - (x->k < y->k);
}

static void
items_read (const struct ctx *x, const char *list, const char *member, struct items *ret)
{
  for (size_t k = 0;; k++)
    {
      _cleanup_free_ char *p = xasprintf ("%s[%zu].%s", list, k, member);
      _cleanup_free_ char *item = xasprintf ("%s[%zu]", list, k);
      const struct brig_locent *e = brig_locmap_get (x->where, p);
      if (e == NULL && brig_locmap_get (x->where, item) == NULL)
        break;
      if (e && e->value)
        {
          ret->v = xreallocarray (ret->v, ret->n + 1, sizeof *ret->v);
          ret->v[ret->n++] = (struct item){ norm (e->value), k };
        }
    }
  if (ret->n)
    qsort (ret->v, ret->n, sizeof *ret->v, by_value);
}

static void
items_release (struct items *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->v[i].value);
  free (l->v);
}

/* The path of the last item of LIST (read into L) whose member is VALUE
 * (the last: a later mount at the same destination replaces an earlier
 * one), or NULL. */
static char *
item_path (const struct items *l, const char *list, const char *value)
{
  size_t lo = 0, hi = l->n;

  /* Past the last item whose value is not above VALUE. */
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp (l->v[mid].value, value) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0 || strcmp (l->v[lo - 1].value, value) != 0)
    return NULL;
  return xasprintf ("%s[%zu]", list, l->v[lo - 1].k);
}

/* ONE is a copy of the container with one item of LIST: a finding at the
 * item, at path P (taken; NULL when not found: at LIST), if ONE breaks the
 * rule.  How many: 1 or 0. */
static size_t
report_item (const struct ctx *x, const struct brig_container *one, const char *list, char *p)
{
  _cleanup_free_ char *path = p, *d = NULL;

  if (!breaks (x, one, &d))
    return 0;
  report (x, path ? path : list, "%s: %s", path ? path : list, d);
  return 1;
}

/* BRIG-C003, C015, C016: each mount that alone breaks the rule. */
static size_t
where_mounts (const struct ctx *x, const char *detail)
{
  struct items l = { 0 };
  size_t n = 0;

  (void)detail;
  items_read (x, "mounts", "destination", &l);
  for (size_t i = 0; i < x->c->nmounts; i++)
    {
      struct brig_container one = *x->c;
      one.mounts = &x->c->mounts[i];
      one.nmounts = 1;
      n += report_item (x, &one, "mounts", item_path (&l, "mounts", x->c->mounts[i].dest));
    }
  items_release (&l);
  return n;
}

/* BRIG-C014: each device node the policy does not allow. */
static size_t
where_nodes (const struct ctx *x, const char *detail)
{
  struct items l = { 0 };
  size_t n = 0;

  (void)detail;
  items_read (x, "linux.devices", "path", &l);
  for (size_t i = 0; i < x->c->nnodes; i++)
    {
      struct brig_container one = *x->c;
      one.nodes = &x->c->nodes[i];
      one.nnodes = 1;
      n += report_item (x, &one, "linux.devices",
                        item_path (&l, "linux.devices", x->c->nodes[i].path));
    }
  items_release (&l);
  return n;
}

/* BRIG-C012: each device rule that allows every device, or the missing
 * rules. */
static size_t
where_device_rules (const struct ctx *x, const char *detail)
{
  size_t n = 0;

  (void)detail;
  for (size_t i = 0; i < x->c->ndevices; i++)
    {
      struct brig_container one = *x->c;
      one.devices = &x->c->devices[i];
      one.ndevices = 1;
      /* The reader keeps linux.resources.devices in order, one for one. */
      n += report_item (x, &one, "linux.resources.devices",
                        xasprintf ("linux.resources.devices[%zu]", i));
    }
  if (n == 0)
    report_key (x, "linux.resources.devices",
                "every device is allowed; deny all first ({\"allow\": false, \"access\": "
                "\"rwm\"}), then allow what is needed");
  return 1;
}

/* --- the rest --------------------------------------------------------------- */

/* BRIG-C009: the masked paths and the read-only paths, each. */
static size_t
where_masks (const struct ctx *x, const char *detail)
{
  /* The checks only read the lists. */
  char **masked = (char **)brig_default_masked_paths;
  char **readonly = (char **)brig_default_readonly_paths;
  struct brig_container one = *x->c;
  _cleanup_free_ char *d = NULL, *e = NULL;
  size_t n = 0;

  (void)detail;
  one.readonly_paths = readonly;
  if (breaks (x, &one, &d))
    {
      _cleanup_free_ char *what = xasprintf ("%s; list them there", d);
      report_key (x, "linux.maskedPaths", what);
      n++;
    }
  one = *x->c;
  one.masked_paths = masked;
  if (breaks (x, &one, &e))
    {
      _cleanup_free_ char *what = xasprintf ("%s; list them there", e);
      report_key (x, "linux.readonlyPaths", what);
      n++;
    }
  return n;
}

/* BRIG-C010: the memory limit and the pids limit, each. */
static size_t
where_limits (const struct ctx *x, const char *detail)
{
  struct brig_container one = *x->c;
  _cleanup_free_ char *d = NULL, *e = NULL;
  size_t n = 0;

  (void)detail;
  one.limits.pids = 1;
  if (breaks (x, &one, &d))
    {
      report_key (x, "linux.resources.memory.limit",
                  "no memory limit: one leak takes the host's memory; set one in bytes");
      n++;
    }
  one = *x->c;
  one.limits.memory = 1;
  if (breaks (x, &one, &e))
    {
      report_key (x, "linux.resources.pids.limit",
                  "no pids limit: a fork bomb takes the host down; set one");
      n++;
    }
  return n;
}

static size_t
where_seccomp (const struct ctx *x, const char *detail)
{
  (void)detail;
  if (x->c->seccomp == NULL)
    report_key (x, "linux.seccomp",
                "every syscall of the kernel is reachable; give a profile whose defaultAction "
                "refuses (SCMP_ACT_ERRNO)");
  else
    report_key (x, "linux.seccomp.defaultAction",
                "the seccomp profile allows every syscall it does not name; refuse by default "
                "(SCMP_ACT_ERRNO) and allow what is needed");
  return 1;
}

static size_t
where_nnp (const struct ctx *x, const char *detail)
{
  (void)detail;
  report_key (x, "process.noNewPrivileges", "setuid programs can raise privileges; set it true");
  return 1;
}

static size_t
where_readonly (const struct ctx *x, const char *detail)
{
  (void)detail;
  report_key (x, "root.readonly",
              "the root filesystem is writable; set it true, with tmpfs mounts where the program "
              "writes");
  return 1;
}

/* Where each gate rule's findings go, and how a bundle fixes them (the
 * audit rules' fixes speak compose and docker run); a rule not here is
 * reported at the document's start, with the audit rule's fix. */
#define SPEC "`brig runtime spec` writes"
static const struct
{
  const char *id;
  size_t (*where) (const struct ctx *x, const char *detail); /* how many it reported */
  const char *fix;
} subjects[] = {
  { "BRIG-C001", where_privileged,
    "Leave CAP_SYS_ADMIN out of every set of process.capabilities (bounding, effective, "
    "permitted, inheritable, ambient); list only the capabilities the program needs." },
  { "BRIG-C002", where_namespaces,
    "List a network, pid, ipc and uts namespace in linux.namespaces, each without a path (a new "
    "one) or with another container's, never the host's (/proc/1/ns/...)." },
  { "BRIG-C003", where_mounts,
    "Remove the mount; give the container an API proxy that allows only what it needs (such as "
    "a docker-socket-proxy with read-only endpoints), or a copy of the files it reads." },
  { "BRIG-C004", where_seccomp,
    "Give linux.seccomp a profile whose defaultAction refuses (SCMP_ACT_ERRNO), as " SPEC "." },
  { "BRIG-C005", where_each_cap,
    "List in process.capabilities only what the program needs, from CAP_CHOWN, "
    "CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_SETPCAP, "
    "CAP_NET_BIND_SERVICE." },
  { "BRIG-C006", where_inheritable,
    "Leave process.capabilities.inheritable and ambient empty, or out." },
  { "BRIG-C007", where_nnp, "Set process.noNewPrivileges to true." },
  { "BRIG-C008", where_readonly,
    "Set root.readonly to true, with tmpfs mounts (options nosuid, nodev) on /tmp and /run and "
    "bind mounts for the data the program writes." },
  { "BRIG-C009", where_masks,
    "List the paths in linux.maskedPaths and linux.readonlyPaths as " SPEC "." },
  { "BRIG-C010", where_limits,
    "Set linux.resources.memory.limit (bytes) and linux.resources.pids.limit." },
  { "BRIG-C011", where_namespaces,
    "Add {\"type\": \"user\"} to linux.namespaces, with linux.uidMappings and gidMappings that "
    "map the container's root to an unprivileged range of the host's ids." },
  { "BRIG-C012", where_device_rules,
    "Begin linux.resources.devices with {\"allow\": false, \"access\": \"rwm\"}, then allow only "
    "the devices the program needs." },
  { "BRIG-C013", where_namespaces, "Add {\"type\": \"cgroup\"} to linux.namespaces." },
  { "BRIG-C014", where_nodes,
    "Remove the node from linux.devices (and its rule from linux.resources.devices), or list it "
    "in brig's policy \"allowed_devices\" as \"TYPE MAJOR:MINOR\"." },
  { "BRIG-C015", where_mounts,
    "Bind only the files the program needs, from a directory of their own." },
  { "BRIG-C016", where_mounts, "Add nosuid and nodev to the mount's options." },
};
#undef SPEC

/* A path the host's own namespaces go by: its first process's, or the
 * runtime's (which runs on the host). */
static bool
host_ns_path (const char *p)
{
  return str_has_prefix (p, "/proc/1/ns/") || str_has_prefix (p, "/proc/self/ns/")
         || str_has_prefix (p, "/proc/thread-self/ns/");
}

static struct brig_policy *
audit_policy (void)
{
  struct brig_policy *p = brig_policy_default ();
  size_t n;

  brig_rules (&n);
  for (size_t i = 0; i < n; i++)
    p->actions[i] = BRIG_ACT_AUDIT;
  p->max_memory = INT64_MAX;
  p->max_pids = INT64_MAX;
  return p;
}

void
brig_audit_oci (struct brig_container *c, const struct brig_locmap *where, const char *file,
                struct brig_findings *f)
{
  struct brig_policy *p = audit_policy ();
  struct brig_decision *d = NULL;
  struct brig_err err = { 0 };
  size_t nd = 0;
  bool privileged = false;

  for (size_t i = 0; i < ARRAY_SIZE (c->ns_path); i++)
    if (c->ns_path[i] && host_ns_path (c->ns_path[i]))
      c->ns_host |= 1u << i;
  /* Every action is audit: nothing refused, nothing changed. */
  if (brig_policy_gate (p, c, &d, &nd, &err) < 0)
    brig_err_release (&err);
  for (size_t i = 0; i < nd; i++)
    privileged |= strcmp (d[i].rule->id, "BRIG-C001") == 0;
  for (size_t i = 0; i < nd; i++)
    {
      struct ctx x = { .c = c,
                       .p = p,
                       .where = where,
                       .file = file,
                       .f = f,
                       .rule = brig_audit_rule_find (d[i].rule->id),
                       .gate = d[i].rule,
                       .privileged = privileged };
      size_t k = 0, n = 0;

      if (x.rule == NULL)
        continue; /* a gate rule with no audit entry: the unit tests say so */
      while (k < ARRAY_SIZE (subjects) && strcmp (subjects[k].id, d[i].rule->id) != 0)
        k++;
      if (k < ARRAY_SIZE (subjects))
        {
          x.fix = subjects[k].fix;
          n = subjects[k].where (&x, d[i].detail);
        }
      /* No item broke it alone: the gate's word, at the document. */
      if (n == 0)
        report (&x, "", "%s", d[i].detail);
    }
  brig_decisions_free (d, nd);
  brig_policy_free (p);
}
