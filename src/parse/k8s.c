/* Kubernetes manifests (YAML or JSON, many documents, List objects) ->
 * workloads: every kind with a pod template, each with where its values
 * were written.  Only what the rules read is taken; a value of the wrong
 * shape where one is read is an error at its line and column, as the API
 * server would refuse it. */
#include "parse/k8s.h"
#include "util/cleanup.h"

#include <string.h>

struct ctx
{
  const char *file;
  struct brig_err *err;
  struct brig_workload *w;
  size_t n, cap;
};

static int
bad (struct ctx *x, const struct brig_ynode *n, const char *what, const char *expected)
{
  return brig_error (x->err, 0, "%s:%d:%d: %s: expected %s", x->file, n ? n->line : 0,
                     n ? n->col : 0, what, expected);
}

/* MAP.KEY as a value: booleans spelled "true"/"false". */
static int
get_val (struct ctx *x, const struct brig_ynode *map, const char *key, struct brig_wval *ret)
{
  const struct brig_ynode *v = brig_ymap_get (map, key);
  int b;

  *ret = (struct brig_wval){ 0 };
  if (v == NULL || (v->kind == BRIG_Y_SCALAR && brig_ystr (v) == NULL))
    return 0;
  if (v->kind != BRIG_Y_SCALAR)
    return bad (x, v, key, "a scalar value");
  b = brig_ybool (v);
  *ret = (struct brig_wval){ b == 1   ? "true"
                             : b == 0 ? "false"
                                      : v->value,
                             brig_ykv_loc (map, key), true };
  return 0;
}

static const struct brig_ynode *
get_map (struct ctx *x, const struct brig_ynode *map, const char *key, int *r)
{
  const struct brig_ynode *v = brig_ymap_get (map, key);

  if (v == NULL || (v->kind == BRIG_Y_SCALAR && brig_ystr (v) == NULL))
    return NULL;
  if (v->kind != BRIG_Y_MAP)
    {
      *r = bad (x, v, key, "a mapping");
      return NULL;
    }
  return v;
}

static const struct brig_ynode *
get_seq (struct ctx *x, const struct brig_ynode *map, const char *key, int *r)
{
  const struct brig_ynode *v = brig_ymap_get (map, key);

  if (v == NULL || (v->kind == BRIG_Y_SCALAR && brig_ystr (v) == NULL))
    return NULL;
  if (v->kind != BRIG_Y_SEQ)
    {
      *r = bad (x, v, key, "a list");
      return NULL;
    }
  return v;
}

static void
list_push (struct brig_wlist *l, struct brig_wval v)
{
  l->v = xreallocarray (l->v, l->n + 1, sizeof *l->v);
  l->v[l->n++] = v;
}

static int
get_strs (struct ctx *x, const struct brig_ynode *map, const char *key, struct brig_wlist *ret)
{
  int r = 0;
  const struct brig_ynode *s = get_seq (x, map, key, &r);

  for (size_t i = 0; s && i < s->n; i++)
    {
      const struct brig_ynode *e = s->items[i];
      if (e->kind != BRIG_Y_SCALAR)
        return bad (x, e, key, "a list of strings");
      list_push (ret, (struct brig_wval){ e->value, brig_yloc (e), true });
    }
  return r;
}

static int
parse_sec (struct ctx *x, const struct brig_ynode *owner, bool container, struct brig_wsec *s)
{
  int r = 0;
  const struct brig_ynode *sc = get_map (x, owner, "securityContext", &r), *m;

  if (r < 0 || sc == NULL)
    return r;
  s->present = true;
  s->loc = brig_ykv_loc (owner, "securityContext");
  if ((r = get_val (x, sc, "runAsNonRoot", &s->run_as_non_root)) < 0
      || (r = get_val (x, sc, "runAsUser", &s->run_as_user)) < 0
      || (r = get_val (x, sc, "runAsGroup", &s->run_as_group)) < 0)
    return r;
  if ((m = get_map (x, sc, "seccompProfile", &r)))
    {
      if ((r = get_val (x, m, "type", &s->seccomp_type)) < 0)
        return r;
      /* A profile without a type: the API server requires one. */
      if (!s->seccomp_type.set)
        s->seccomp_type = (struct brig_wval){ "", brig_ykv_loc (sc, "seccompProfile"), true };
    }
  if (r == 0 && (m = get_map (x, sc, "appArmorProfile", &r)))
    {
      if ((r = get_val (x, m, "type", &s->apparmor_type)) < 0)
        return r;
      if (!s->apparmor_type.set)
        s->apparmor_type = (struct brig_wval){ "", brig_ykv_loc (sc, "appArmorProfile"), true };
    }
  if (r == 0 && (m = get_map (x, sc, "seLinuxOptions", &r)))
    {
      s->has_selinux = true;
      s->selinux_loc = brig_ykv_loc (sc, "seLinuxOptions");
      if ((r = get_val (x, m, "type", &s->se_type)) < 0
          || (r = get_val (x, m, "user", &s->se_user)) < 0
          || (r = get_val (x, m, "role", &s->se_role)) < 0)
        return r;
    }
  if (r == 0 && (m = get_map (x, sc, "windowsOptions", &r))
      && (r = get_val (x, m, "hostProcess", &s->host_process)) < 0)
    return r;
  if (r < 0 || !container)
    return r;
  if ((r = get_val (x, sc, "privileged", &s->privileged)) < 0
      || (r = get_val (x, sc, "allowPrivilegeEscalation", &s->allow_privilege_escalation)) < 0
      || (r = get_val (x, sc, "procMount", &s->proc_mount)) < 0
      || (r = get_val (x, sc, "readOnlyRootFilesystem", &s->read_only_root_fs)) < 0)
    return r;
  if ((m = get_map (x, sc, "capabilities", &r)))
    {
      s->has_caps = true;
      s->caps_loc = brig_ykv_loc (sc, "capabilities");
      if ((r = get_strs (x, m, "add", &s->cap_add)) < 0
          || (r = get_strs (x, m, "drop", &s->cap_drop)) < 0)
        return r;
    }
  return r;
}

/* The `host` of an httpGet or tcpSocket handler. */
static int
handler_hosts (struct ctx *x, const struct brig_ynode *h, struct brig_wlist *ret)
{
  static const char *const kinds[] = { "httpGet", "tcpSocket" };
  int r = 0;

  for (size_t i = 0; i < ARRAY_SIZE (kinds) && r == 0; i++)
    {
      const struct brig_ynode *m = get_map (x, h, kinds[i], &r);
      struct brig_wval v;
      if (m && (r = get_val (x, m, "host", &v)) == 0 && v.set && v.s[0])
        list_push (ret, v);
    }
  return r;
}

/* OWNER.resources.limits.memory and .cpu (a container's, or the pod's). */
static int
get_limits (struct ctx *x, const struct brig_ynode *owner, struct brig_wval *mem,
            struct brig_wval *cpu, struct brig_loc *ret_res, struct brig_loc *ret_lim)
{
  int r = 0;
  const struct brig_ynode *res = get_map (x, owner, "resources", &r), *lim;

  if (res == NULL)
    return r;
  if (ret_res)
    *ret_res = brig_ykv_loc (owner, "resources");
  if ((lim = get_map (x, res, "limits", &r)) == NULL)
    return r;
  if (ret_lim)
    *ret_lim = brig_ykv_loc (res, "limits");
  if ((r = get_val (x, lim, "memory", mem)) < 0)
    return r;
  return get_val (x, lim, "cpu", cpu);
}

static int
parse_container (struct ctx *x, const struct brig_ynode *c, const char *field,
                 struct brig_wcontainer *ret)
{
  static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe" };
  static const char *const hooks[] = { "postStart", "preStop" };
  const struct brig_ynode *ports, *lc, *m;
  int r = 0;

  if (c->kind != BRIG_Y_MAP)
    return bad (x, c, field, "a list of containers");
  ret->field = field;
  ret->loc = brig_yloc (c);
  ret->name = brig_ystr (brig_ymap_get (c, "name"));
  if (ret->name == NULL)
    ret->name = "";
  if ((r = parse_sec (x, c, true, &ret->sec)) < 0 || (r = get_val (x, c, "image", &ret->image)) < 0
      || (r = get_limits (x, c, &ret->mem_limit, &ret->cpu_limit, &ret->resources_loc,
                          &ret->limits_loc))
             < 0)
    return r;
  if ((m = get_seq (x, c, "volumeMounts", &r)))
    for (size_t i = 0; i < m->n; i++)
      {
        const struct brig_ynode *vm = m->items[i];
        struct brig_wvmount o = { brig_yloc (vm) };
        if (vm->kind != BRIG_Y_MAP)
          return bad (x, vm, "volumeMounts", "a list of volume mounts");
        if ((r = get_val (x, vm, "name", &o.name)) < 0
            || (r = get_val (x, vm, "mountPath", &o.mount_path)) < 0
            || (r = get_val (x, vm, "readOnly", &o.read_only)) < 0)
          return r;
        if (!o.name.set)
          continue;
        ret->mounts = xreallocarray (ret->mounts, ret->nmounts + 1, sizeof *ret->mounts);
        ret->mounts[ret->nmounts++] = o;
      }
  if (r < 0)
    return r;
  if ((ports = get_seq (x, c, "ports", &r)))
    for (size_t i = 0; i < ports->n && r == 0; i++)
      {
        struct brig_wval hp;
        long long port;
        if (ports->items[i]->kind != BRIG_Y_MAP)
          return bad (x, ports->items[i], "ports", "a list of ports");
        if ((r = get_val (x, ports->items[i], "hostPort", &hp)) < 0)
          return r;
        if (hp.set && (brig_yint (brig_ymap_get (ports->items[i], "hostPort"), &port) < 0))
          return bad (x, brig_ymap_get (ports->items[i], "hostPort"), "hostPort", "a port number");
        if (hp.set && port != 0)
          list_push (&ret->host_ports, hp);
      }
  for (size_t i = 0; i < ARRAY_SIZE (probes) && r == 0; i++)
    if ((m = get_map (x, c, probes[i], &r)))
      r = handler_hosts (x, m, &ret->probe_hosts);
  if (r == 0 && (lc = get_map (x, c, "lifecycle", &r)))
    for (size_t i = 0; i < ARRAY_SIZE (hooks) && r == 0; i++)
      if ((m = get_map (x, lc, hooks[i], &r)))
        r = handler_hosts (x, m, &ret->probe_hosts);
  return r;
}

static int
get_annotations (struct ctx *x, const struct brig_ynode *meta, struct brig_wannotation **ret,
                 size_t *ret_n)
{
  int r = 0;
  const struct brig_ynode *ann = get_map (x, meta, "annotations", &r);

  if (ann == NULL)
    return r;
  *ret = xcalloc (ann->n ? ann->n : 1, sizeof **ret);
  for (size_t i = 0; i < ann->n; i++)
    {
      const struct brig_ynode *k = ann->items[2 * i], *v = ann->items[2 * i + 1];
      if (k->kind != BRIG_Y_SCALAR || v->kind != BRIG_Y_SCALAR)
        return bad (x, v, "metadata.annotations", "string keys and values");
      (*ret)[(*ret_n)++] = (struct brig_wannotation){
        k->value, v->value, { k->line, k->col, v->end_line, v->end_col }
      };
    }
  return 0;
}

static int
parse_pod (struct ctx *x, const struct brig_ynode *obj, const struct brig_ynode *meta,
           const struct brig_ynode *parent, const char *kind)
{
  const struct brig_ynode *spec = brig_ymap_get (parent, "spec");
  static const char *const fields[] = { "containers", "initContainers", "ephemeralContainers" };
  struct brig_workload *w;
  const struct brig_ynode *vols, *obj_meta = brig_ymap_get (obj, "metadata");
  int r = 0;

  if (spec->kind != BRIG_Y_MAP)
    return bad (x, spec, "spec", "a pod spec (a mapping)");
  if (x->n == x->cap)
    {
      x->cap = x->cap ? x->cap * 2 : 4;
      x->w = xreallocarray (x->w, x->cap, sizeof *x->w);
    }
  w = &x->w[x->n++];
  *w = (struct brig_workload){ .file = x->file, .kind = kind };
  w->loc = brig_yloc (obj);
  w->spec_loc = brig_yloc (spec);
  w->spec_key_loc = brig_ykv_loc (parent, "spec");
  w->name = brig_ystr (brig_ymap_get (brig_ymap_get (obj, "metadata"), "name"));
  if (w->name == NULL)
    w->name = "";
  w->namespace_ = brig_ystr (brig_ymap_get (obj_meta, "namespace"));
  if ((r = get_val (x, spec, "hostNetwork", &w->host_network)) < 0
      || (r = get_val (x, spec, "hostPID", &w->host_pid)) < 0
      || (r = get_val (x, spec, "hostIPC", &w->host_ipc)) < 0
      || (r = get_val (x, spec, "hostUsers", &w->host_users)) < 0
      || (r = get_val (x, spec, "automountServiceAccountToken", &w->automount_token)) < 0
      || (r = get_val (x, spec, "serviceAccountName", &w->service_account)) < 0
      || (!w->service_account.set
          && (r = get_val (x, spec, "serviceAccount", &w->service_account)) < 0)
      || (r = get_limits (x, spec, &w->pod_mem_limit, &w->pod_cpu_limit, NULL, NULL)) < 0)
    return r;
  {
    const struct brig_ynode *os = get_map (x, spec, "os", &r);
    if (os && (r = get_val (x, os, "name", &w->os_name)) < 0)
      return r;
  }
  if (r < 0 || (r = parse_sec (x, spec, false, &w->sec)) < 0)
    return r;
  {
    const struct brig_ynode *sc = brig_ymap_get (spec, "securityContext");
    const struct brig_ynode *sysctls = sc ? get_seq (x, sc, "sysctls", &r) : NULL;
    for (size_t i = 0; sysctls && i < sysctls->n && r == 0; i++)
      {
        struct brig_wval name;
        if ((r = get_val (x, sysctls->items[i], "name", &name)) == 0 && name.set)
          {
            name.loc = brig_yloc (sysctls->items[i]);
            list_push (&w->sysctls, name);
          }
      }
    if (r < 0)
      return r;
  }
  if ((r = get_annotations (x, meta, &w->annotations, &w->nannotations)) < 0)
    return r;
  if (obj_meta != meta
      && (r = get_annotations (x, obj_meta, &w->obj_annotations, &w->nobj_annotations)) < 0)
    return r;
  if ((vols = get_seq (x, spec, "volumes", &r)))
    {
      w->volumes = xcalloc (vols->n ? vols->n : 1, sizeof *w->volumes);
      for (size_t i = 0; i < vols->n; i++)
        {
          const struct brig_ynode *v = vols->items[i];
          struct brig_wvolume *o = &w->volumes[w->nvolumes++];
          if (v->kind != BRIG_Y_MAP)
            return bad (x, v, "volumes", "a list of volumes");
          *o = (struct brig_wvolume){ brig_ystr (brig_ymap_get (v, "name")), "", brig_yloc (v) };
          if (o->name == NULL)
            o->name = "";
          /* The source is the key that is not `name`. */
          for (size_t k = 0; k < v->n; k++)
            if (v->items[2 * k]->kind == BRIG_Y_SCALAR
                && strcmp (v->items[2 * k]->value, "name") != 0)
              {
                o->type = v->items[2 * k]->value;
                break;
              }
          if (strcmp (o->type, "hostPath") == 0)
            {
              const struct brig_ynode *hp = get_map (x, v, "hostPath", &r);
              if (r < 0 || (hp && (r = get_val (x, hp, "path", &o->host_path)) < 0))
                return r;
            }
        }
    }
  if (r < 0)
    return r;
  for (size_t f = 0; f < ARRAY_SIZE (fields); f++)
    {
      const struct brig_ynode *cs = get_seq (x, spec, fields[f], &r);
      if (r < 0)
        return r;
      for (size_t i = 0; cs && i < cs->n; i++)
        {
          w->containers = xreallocarray (w->containers, w->ncontainers + 1, sizeof *w->containers);
          memset (&w->containers[w->ncontainers], 0, sizeof *w->containers);
          r = parse_container (x, cs->items[i], fields[f], &w->containers[w->ncontainers++]);
          if (r < 0)
            return r;
        }
    }
  return 0;
}

/* Where the pod template of KIND is: the path of maps to its spec's
 * parent ("" for the object itself). */
static const struct
{
  const char *kind;
  const char *const path[4];
} templates[] = {
  { "Pod", { NULL } },
  { "PodTemplate", { "template", NULL } },
  { "Deployment", { "spec", "template", NULL } },
  { "ReplicaSet", { "spec", "template", NULL } },
  { "StatefulSet", { "spec", "template", NULL } },
  { "DaemonSet", { "spec", "template", NULL } },
  { "Job", { "spec", "template", NULL } },
  { "ReplicationController", { "spec", "template", NULL } },
  { "CronJob", { "spec", "jobTemplate", "spec", "template" } },
};

/* What is done with one object of KIND (not a List). */
typedef int (*object_fn) (struct ctx *x, const struct brig_ynode *obj, const char *kind, void *arg);

/* FN for OBJ, or for each item of it when it is a List (Lists in Lists
 * too); what is not an object with a kind is nothing. */
static int
each_object (struct ctx *x, const struct brig_ynode *obj, int depth, object_fn fn, void *arg)
{
  const char *kind;
  int r = 0;

  if (obj == NULL || obj->kind != BRIG_Y_MAP
      || (kind = brig_ystr (brig_ymap_get (obj, "kind"))) == NULL)
    return 0;
  if (strcmp (kind, "List") == 0 || (strlen (kind) > 4 && str_has_suffix (kind, "List")))
    {
      const struct brig_ynode *items = get_seq (x, obj, "items", &r);
      if (depth > 8)
        return bad (x, obj, "items", "Lists nested at most 8 deep");
      for (size_t i = 0; items && i < items->n && r == 0; i++)
        r = each_object (x, items->items[i], depth + 1, fn, arg);
      return r;
    }
  return fn (x, obj, kind, arg);
}

static int
pod_object (struct ctx *x, const struct brig_ynode *obj, const char *kind, void *arg)
{
  const struct brig_ynode *t = obj, *spec;
  int r = 0;

  (void)arg;
  for (size_t i = 0; i < ARRAY_SIZE (templates); i++)
    if (strcmp (kind, templates[i].kind) == 0)
      {
        for (size_t k = 0; k < 4 && templates[i].path[k] && t; k++)
          t = get_map (x, t, templates[i].path[k], &r);
        if (r < 0)
          return r;
        spec = t ? brig_ymap_get (t, "spec") : NULL;
        if (spec == NULL)
          return 0; /* no pod spec written: nothing to judge */
        return parse_pod (x, obj, brig_ymap_get (t, "metadata"), t, templates[i].kind);
      }
  return 0;
}

bool
brig_k8s_detect_doc (const struct brig_ynode *d)
{
  return d && d->kind == BRIG_Y_MAP && brig_ystr (brig_ymap_get (d, "apiVersion"))
         && brig_ystr (brig_ymap_get (d, "kind"));
}

bool
brig_k8s_detect (const struct brig_yaml *y)
{
  for (size_t i = 0; i < brig_yaml_ndocs (y); i++)
    if (brig_k8s_detect_doc (brig_yaml_doc (y, i)))
      return true;
  return false;
}

int
brig_parse_k8s_doc (const struct brig_ynode *doc, const char *file, struct brig_workload **w,
                    size_t *n, struct brig_err *err)
{
  struct ctx x = { file, err, *w, *n, *n };
  int r = each_object (&x, doc, 0, pod_object, NULL);

  /* Whatever was made is the caller's, error or not. */
  *w = x.w;
  *n = x.n;
  return r;
}

int
brig_parse_k8s (const struct brig_yaml *y, const char *file, struct brig_workload **ret,
                size_t *ret_n, struct brig_err *err)
{
  struct ctx x = { file, err, NULL, 0, 0 };
  struct brig_k8s_env *env = NULL;
  int r = 0;

  /* The LimitRanges and ServiceAccounts of every document first: one may
   * come after the pods it decides for. */
  for (size_t i = 0; i < brig_yaml_ndocs (y) && r == 0; i++)
    r = brig_k8s_env_add (&env, brig_yaml_doc (y, i), file, err);
  for (size_t i = 0; i < brig_yaml_ndocs (y) && r == 0; i++)
    r = each_object (&x, brig_yaml_doc (y, i), 0, pod_object, NULL);
  for (size_t i = 0; i < x.n && r == 0; i++)
    brig_k8s_env_apply (env, &x.w[i]);
  brig_k8s_env_free (env);
  if (r < 0)
    {
      brig_workloads_free (x.w, x.n);
      return r;
    }
  *ret = x.w;
  *ret_n = x.n;
  return 0;
}

/* --- what objects that are not pods decide for them -------------------------- */

/* A LimitRange's default limits for containers, in namespace NS. */
struct env_limits
{
  char *ns;
  struct brig_wval mem, cpu; /* their strings owned */
};

/* A ServiceAccount NS/NAME's automountServiceAccountToken. */
struct env_account
{
  char *ns, *name;
  struct brig_wval automount; /* its string owned */
};

struct brig_k8s_env
{
  struct env_limits *lim;
  size_t nlim;
  struct env_account *sa;
  size_t nsa;
};

/* An object's namespace: "default" where none is written (as for a pod). */
static const char *
namespace_of (const char *ns)
{
  return ns && ns[0] ? ns : "default";
}

static struct brig_wval
own_val (struct brig_wval v)
{
  if (v.set)
    v.s = xstrdup (v.s);
  return v;
}

/* Its spec.limits of type Container: `default`, and `max` for what
 * `default` does not name, as the API server defaults a LimitRange. */
static int
env_limit_range (struct ctx *x, struct brig_k8s_env *e, const struct brig_ynode *obj,
                 const char *ns)
{
  static const char *const keys[] = { "default", "max" };
  int r = 0;
  const struct brig_ynode *spec = get_map (x, obj, "spec", &r);
  const struct brig_ynode *lims = spec ? get_seq (x, spec, "limits", &r) : NULL;

  for (size_t i = 0; lims && i < lims->n && r == 0; i++)
    {
      const struct brig_ynode *it = lims->items[i], *m;
      const char *type;
      struct brig_wval mem = { 0 }, cpu = { 0 };

      if (it->kind != BRIG_Y_MAP)
        return bad (x, it, "spec.limits", "a list of limits");
      type = brig_ystr (brig_ymap_get (it, "type"));
      if (type == NULL || strcmp (type, "Container") != 0)
        continue;
      for (size_t k = 0; k < ARRAY_SIZE (keys) && r == 0; k++)
        if ((m = get_map (x, it, keys[k], &r)))
          {
            if ((!mem.set && (r = get_val (x, m, "memory", &mem)) < 0)
                || (!cpu.set && (r = get_val (x, m, "cpu", &cpu)) < 0))
              return r;
          }
      if (r < 0 || (!mem.set && !cpu.set))
        continue;
      e->lim = xreallocarray (e->lim, e->nlim + 1, sizeof *e->lim);
      e->lim[e->nlim++] = (struct env_limits){ xstrdup (ns), own_val (mem), own_val (cpu) };
    }
  return r;
}

static int
env_account (struct ctx *x, struct brig_k8s_env *e, const struct brig_ynode *obj, const char *ns)
{
  const char *name = brig_ystr (brig_ymap_get (brig_ymap_get (obj, "metadata"), "name"));
  struct brig_wval a;
  int r = get_val (x, obj, "automountServiceAccountToken", &a);

  if (r < 0 || name == NULL || !a.set)
    return r;
  e->sa = xreallocarray (e->sa, e->nsa + 1, sizeof *e->sa);
  e->sa[e->nsa++] = (struct env_account){ xstrdup (ns), xstrdup (name), own_val (a) };
  return 0;
}

static int
env_object (struct ctx *x, const struct brig_ynode *obj, const char *kind, void *arg)
{
  struct brig_k8s_env *e = arg;
  const char *ns;

  ns = namespace_of (brig_ystr (brig_ymap_get (brig_ymap_get (obj, "metadata"), "namespace")));
  if (strcmp (kind, "LimitRange") == 0)
    return env_limit_range (x, e, obj, ns);
  if (strcmp (kind, "ServiceAccount") == 0)
    return env_account (x, e, obj, ns);
  return 0;
}

int
brig_k8s_env_add (struct brig_k8s_env **env, const struct brig_ynode *doc, const char *file,
                  struct brig_err *err)
{
  struct ctx x = { file, err, NULL, 0, 0 };

  if (*env == NULL)
    *env = xcalloc (1, sizeof **env);
  return each_object (&x, doc, 0, env_object, *env);
}

int
brig_k8s_env_scan (const char *buf, size_t len, const char *file, struct brig_k8s_env **env,
                   struct brig_err *err)
{
  struct brig_yaml *y = NULL;
  struct brig_err ignored = { 0 };
  const struct brig_ynode *doc;
  int k, r = 0;

  /* No LimitRange, nor a ServiceAccount that sets the token: no document
   * decides anything (the common case costs a search of the text, not a
   * second parse). */
  if (memmem (buf, len, "LimitRange", 10) == NULL
      && (memmem (buf, len, "ServiceAccount", 14) == NULL
          || memmem (buf, len, "automountServiceAccountToken", 28) == NULL))
    return 0;
  /* Only the documents that name one are parsed: the text is cut at its
   * document markers (`---` at a line's start), and each piece that holds
   * one of the words is read on its own, its lines counted from its place
   * in the file.  A syntax error ends that piece's reading, quietly:
   * judging the documents reports it. */
  for (size_t start = 0, line = 0; start < len && r == 0;)
    {
      size_t end = start, lines = 0;
      const char *piece;
      size_t plen;

      /* The piece: up to the next line that starts a document. */
      for (;;)
        {
          const char *nl = memchr (buf + end, '\n', len - end);
          end = nl ? (size_t)(nl - buf) + 1 : len;
          lines++;
          if (end >= len
              || (len - end >= 3 && memcmp (buf + end, "---", 3) == 0
                  && (len - end == 3 || strchr (" \t\r\n", buf[end + 3]))))
            break;
        }
      piece = buf + start;
      plen = end - start;
      if (memmem (piece, plen, "LimitRange", 10)
          || (memmem (piece, plen, "ServiceAccount", 14)
              && memmem (piece, plen, "automountServiceAccountToken", 28)))
        {
          if (brig_ystream_open_at (piece, plen, file, (int)line, &y, &ignored) == 0)
            {
              while (r == 0 && (k = brig_ystream_next (y, &doc, &ignored)) > 0)
                r = brig_k8s_env_add (env, doc, file, err);
              brig_yaml_free (y);
              y = NULL;
            }
          brig_err_release (&ignored);
        }
      line += lines;
      start = end;
    }
  return r;
}

/* The first of ENV's LimitRanges in NS that gives a default for MEMORY
 * (or cpu), or NULL. */
static const struct brig_wval *
env_default (const struct brig_k8s_env *e, const char *ns, bool memory)
{
  for (size_t i = 0; i < e->nlim; i++)
    {
      const struct brig_wval *v = memory ? &e->lim[i].mem : &e->lim[i].cpu;
      if (v->set && strcmp (e->lim[i].ns, ns) == 0)
        return v;
    }
  return NULL;
}

/* V, its string copied into W's. */
static struct brig_wval
copy_into (struct brig_workload *w, const struct brig_wval *v)
{
  struct brig_wval o = *v;

  o.s = xstrdup (v->s);
  strv_push (&w->strs, (char *)o.s);
  return o;
}

void
brig_k8s_env_apply (const struct brig_k8s_env *e, struct brig_workload *w)
{
  const char *ns = namespace_of (w->namespace_);
  const char *account
      = w->service_account.set && w->service_account.s[0] ? w->service_account.s : "default";
  const struct brig_wval *mem, *cpu;

  if (e == NULL)
    return;
  mem = env_default (e, ns, true);
  cpu = env_default (e, ns, false);
  for (size_t i = 0; i < w->ncontainers; i++)
    {
      struct brig_wcontainer *c = &w->containers[i];
      /* The LimitRanger admission plugin leaves ephemeral containers be. */
      if (strcmp (c->field, "ephemeralContainers") == 0)
        continue;
      if (mem && !c->mem_limit.set)
        c->default_mem_limit = copy_into (w, mem);
      if (cpu && !c->cpu_limit.set)
        c->default_cpu_limit = copy_into (w, cpu);
    }
  /* The pod's own setting wins over its ServiceAccount's. */
  if (w->automount_token.set)
    return;
  for (size_t i = 0; i < e->nsa; i++)
    if (strcmp (e->sa[i].ns, ns) == 0 && strcmp (e->sa[i].name, account) == 0)
      {
        w->sa_automount_token = copy_into (w, &e->sa[i].automount);
        break;
      }
}

void
brig_k8s_env_free (struct brig_k8s_env *e)
{
  if (e == NULL)
    return;
  for (size_t i = 0; i < e->nlim; i++)
    {
      free (e->lim[i].ns);
      free ((char *)e->lim[i].mem.s);
      free ((char *)e->lim[i].cpu.s);
    }
  for (size_t i = 0; i < e->nsa; i++)
    {
      free (e->sa[i].ns);
      free (e->sa[i].name);
      free ((char *)e->sa[i].automount.s);
    }
  free (e->lim);
  free (e->sa);
  free (e);
}
