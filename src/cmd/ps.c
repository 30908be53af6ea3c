/* brig ps: every container on the host and the hardening that holds for
 * it, read from /proc (src/host/proc.c); --audit judges each with the
 * rules of brig audit over a workload model filled from what was seen.
 *
 * Exit: 0, or with --audit 1 when a finding is at least --fail-on severe;
 * 2 when /proc cannot be read, an option is wrong or a CONTAINER names
 * none. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "host/proc.h"
#include "model/caps.h"
#include "policy/audit.h"
#include "policy/policy.h"
#include "report/findings.h"
#include "sandbox/sandbox.h"
#include "util/cleanup.h"
#include "util/mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ps_opts
{
  bool help, help_man, audit, json, sarif;
  enum brig_severity fail_on;
  bool fail_never;
  const char *docker_host, *podman_host;
};

static int
o_format (void *ctx, const char *arg, struct brig_err *err)
{
  struct ps_opts *o = ctx;
  return brig_format_arg (arg, &o->json, &o->sarif, err);
}

static int
o_fail_on (void *ctx, const char *arg, struct brig_err *err)
{
  struct ps_opts *o = ctx;
  return brig_severity_arg (arg, &o->fail_on, &o->fail_never, err);
}

BRIG_OPT_FLAG (o_audit, struct ps_opts, audit)
BRIG_OPT_FLAG (o_help, struct ps_opts, help)
BRIG_OPT_FLAG (o_help_man, struct ps_opts, help_man)

static int
o_docker_host (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_socket_arg (arg, &((struct ps_opts *)ctx)->docker_host, err);
}

static int
o_podman_host (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_socket_arg (arg, &((struct ps_opts *)ctx)->podman_host, err);
}

static const struct brig_opt options[] = {
  { 0, "format", "FORMAT", "text (default), json, or with --audit sarif (SARIF 2.1.0)", o_format },
  { 0, "audit", NULL, "judge each container with brig audit's rules, and report findings",
    o_audit },
  { 0, "fail-on", "SEVERITY",
    "with --audit, exit 1 when a finding is at least this severe: low, medium, high (default), "
    "critical, or never",
    o_fail_on },
  { 0, "docker-host", "unix:///PATH",
    "Docker's API socket, unix:///PATH or /PATH, to name its containers (default: $DOCKER_HOST "
    "when it is one of those, else /var/run/docker.sock when it exists)",
    o_docker_host },
  { 0, "podman-host", "unix:///PATH",
    "Podman's API socket (`podman system service`), to name its containers and read their "
    "ports (default: $CONTAINER_HOST when it is unix:///PATH or /PATH, else "
    "/run/podman/podman.sock when it exists)",
    o_podman_host },
  { 'h', "help", NULL, "print this help", o_help },
  { 0, "help-man", NULL, NULL, o_help_man }, /* hidden: brig-ps(1), made at build time */
  { 0 },
};

static const struct brig_cmd_help help = {
  "brig ps [OPTIONS] [CONTAINER...]",
  "list every running container and the hardening the kernel enforces on it",
  "Finds containers from /proc, whoever started them (brig, Docker, Podman, containerd, LXC): "
  "processes in a pid namespace other than the host's, or whose cgroup names an engine; one "
  "line per container, its init process.  Reads for each its user namespace and uid_map, "
  "effective and bounding capabilities, seccomp mode and filters, no_new_privs, whether its root "
  "is read-only, which of the host's namespaces it shares, its cgroup's memory, pids and CPU "
  "limits, whether its device cgroup allows every device (cgroup v1), and mounts that give it "
  "the host (an engine's socket, the host's /, a writable /sys "
  "or /proc/sys).  The host's namespaces are PID 1's, or brig's own where /proc/1 cannot be "
  "read.  CONTAINER (a pid, a name or the start of an id) shows only those; one that names none is "
  "an error (exit 2).  Docker's and Podman's containers "
  "are named through their APIs when they answer (Podman's through `podman system service`, "
  "whose Docker-compatible endpoints brig reads; else from conmon's --name), LXC's by their cgroup "
  "(lxc.payload.NAME); published ports "
  "are shown only then, and one on every address (0.0.0.0, ::) is a weakness.\n\n"
  "--audit applies brig audit's container rules (BRIG-C001... and BRIG-R001, R003, R004, R006) to "
  "what "
  "was seen, with the same report formats and exit status: 0, 1 for a finding at --fail-on, 2 for "
  "errors.",
};

/* --- verdicts -------------------------------------------------------------- */

static uint64_t
allowed_caps (void)
{
  struct brig_policy *p = brig_policy_default ();
  uint64_t a = p->allowed_caps;
  brig_policy_free (p);
  return a;
}

/* What is weak about O, comma-separated; "" when nothing. */
static char *
weaknesses (const struct brig_observed *o)
{
  _cleanup_free_ char *out = xstrdup ("");
  uint64_t allowed = allowed_caps ();
#define ADD(...)                                                                                   \
  do                                                                                               \
    {                                                                                              \
      _cleanup_free_ char *w_ = xasprintf (__VA_ARGS__);                                           \
      char *n_ = xasprintf ("%s%s%s", out, out[0] ? ", " : "", w_);                                \
      free (out);                                                                                  \
      out = n_;                                                                                    \
    }                                                                                              \
  while (0)

  if (o->root_uid == 0 && o->uid == 0)
    ADD ("root");
  else if (!o->userns)
    ADD ("no userns");
  if (o->cap_eff & ~allowed)
    ADD ("caps");
  if (o->seccomp == 0)
    ADD ("no seccomp");
  if (o->no_new_privs == 0)
    ADD ("no nnp");
  if (o->read_only_root == 0)
    ADD ("rw root");
  for (int i = 0; i < BRIG_OBS_NS_COUNT; i++)
    if (o->shares[i] && i != BRIG_OBS_NS_USER && i != BRIG_OBS_NS_MNT)
      ADD ("host %s", brig_obs_ns_name (i));
  if (o->mem_limit < 0)
    ADD ("no memory limit");
  if (o->pids_limit < 0)
    ADD ("no pids limit");
  if (o->all_devices == 1)
    ADD ("all devices");
  for (size_t i = 0; i < o->nmounts; i++)
    if (o->mounts[i].what)
      ADD ("%s", o->mounts[i].what);
  for (size_t i = 0; i < o->nports; i++)
    if (brig_obs_port_open (&o->ports[i]))
      ADD ("port %d/%s on every address", o->ports[i].host_port, o->ports[i].proto);
#undef ADD
  return steal_pointer (&out);
}

static char *
short_name (const struct brig_observed *o)
{
  if (o->name[0])
    return xstrdup (o->name);
  if (o->id[0])
    return xstrndup (o->id, 12);
  return xstrdup ("-");
}

static char *
limit_text (long long v)
{
  if (v < 0)
    return xstrdup ("-");
  if (v >= 1 << 20 && v % (1 << 20) == 0)
    return xasprintf ("%lldM", v >> 20);
  return xasprintf ("%lld", v);
}

static void
print_table (const struct brig_observed_list *l)
{
  printf ("%-8s %-10s %-14s %-9s %-6s %-7s %-3s %-4s %-12s %-7s %-6s %s\n", "PID", "ENGINE", "NAME",
          "ROOT-UID", "CAPS", "SECCOMP", "NNP", "FS", "HOST-NS", "MEMORY", "PIDS", "VERDICT");
  for (size_t i = 0; i < l->n; i++)
    {
      const struct brig_observed *o = &l->v[i];
      _cleanup_free_ char *name = short_name (o), *weak = weaknesses (o);
      _cleanup_free_ char *mem = limit_text (o->mem_limit), *pids = limit_text (o->pids_limit);
      _cleanup_free_ char *root = o->root_uid < 0    ? xstrdup ("unmapped")
                                  : o->root_uid == 0 ? xstrdup ("host 0")
                                                     : xasprintf ("%ld", o->root_uid);
      char hostns[64] = "", seccomp[16], caps[8];
      for (int k = 0; k < BRIG_OBS_NS_COUNT; k++)
        if (o->shares[k] && k != BRIG_OBS_NS_MNT)
          snprintf (hostns + strlen (hostns), sizeof hostns - strlen (hostns), "%s%s",
                    hostns[0] ? "," : "", brig_obs_ns_name (k));
      snprintf (seccomp, sizeof seccomp, "%s",
                o->seccomp == 2   ? "filter"
                : o->seccomp == 1 ? "strict"
                : o->seccomp == 0 ? "off"
                                  : "?");
      if (o->seccomp == 2 && o->seccomp_filters >= 0)
        snprintf (seccomp, sizeof seccomp, "filt:%d", o->seccomp_filters);
      snprintf (caps, sizeof caps, "%d", __builtin_popcountll (o->cap_eff));
      printf ("%-8d %-10s %-14s %-9s %-6s %-7s %-3s %-4s %-12s %-7s %-6s %s%s\n", o->pid, o->engine,
              name, root, caps, seccomp,
              o->no_new_privs == 1   ? "yes"
              : o->no_new_privs == 0 ? "no"
                                     : "?",
              o->read_only_root == 1   ? "ro"
              : o->read_only_root == 0 ? "rw"
                                       : "?",
              hostns[0] ? hostns : "-", mem, pids, weak[0] ? "weak: " : "hardened", weak);
    }
  if (l->n == 0)
    printf ("(no running containers)\n");
}

static json_t *
caps_json (uint64_t mask)
{
  json_t *a = json_array ();
  for (int c = 0; c <= BRIG_CAP_MAX; c++)
    if (mask & (UINT64_C (1) << c))
      {
        const char *n = brig_cap_name (c);
        json_array_append_new (a, n ? json_string (n) : json_integer (c));
      }
  return a;
}

static json_t *
opt_int (long long v)
{
  return v < 0 ? json_null () : json_integer (v);
}

static json_t *
tri (int v)
{
  return v < 0 ? json_null () : json_boolean (v);
}

static json_t *
ports_json (const struct brig_observed *o)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < o->nports; i++)
    {
      const struct brig_obs_port *p = &o->ports[i];
      json_array_append_new (a, json_pack ("{s:s, s:i, s:i, s:s, s:b}", "host_ip", p->host_ip,
                                           "host_port", p->host_port, "port", p->port, "protocol",
                                           p->proto, "every_address", brig_obs_port_open (p)));
    }
  return a;
}

static void
print_json (const struct brig_observed_list *l)
{
  json_t *root = json_object (), *arr = json_array ();
  json_object_set_new (root, "host_namespaces_of", json_integer (l->host_ref_pid));
  for (size_t i = 0; i < l->n; i++)
    {
      const struct brig_observed *o = &l->v[i];
      json_t *c = json_object (), *ns = json_array (), *m = json_array (), *lim = json_object ();
      _cleanup_free_ char *weak = weaknesses (o);
      json_object_set_new (c, "pid", json_integer (o->pid));
      json_object_set_new (c, "engine", json_string (o->engine));
      json_object_set_new (c, "id", json_string (o->id));
      json_object_set_new (c, "name", json_string (o->name));
      json_object_set_new (c, "image", json_string (o->image));
      json_object_set_new (c, "command", json_string (o->comm));
      json_object_set_new (c, "processes", json_integer ((json_int_t)o->nprocs));
      json_object_set_new (c, "cgroup", json_string (o->cgroup));
      json_object_set_new (c, "uid", json_integer (o->uid));
      json_object_set_new (c, "userns", json_boolean (o->userns));
      json_object_set_new (c, "uid_map", o->uid_map ? json_string (o->uid_map) : json_null ());
      json_object_set_new (c, "root_uid", opt_int (o->root_uid));
      json_object_set_new (c, "cap_eff", caps_json (o->cap_eff));
      json_object_set_new (c, "cap_bnd", caps_json (o->cap_bnd));
      json_object_set_new (c, "all_caps", json_boolean (o->all_caps));
      json_object_set_new (c, "seccomp", opt_int (o->seccomp));
      json_object_set_new (c, "seccomp_filters", opt_int (o->seccomp_filters));
      json_object_set_new (c, "no_new_privs", tri (o->no_new_privs));
      json_object_set_new (c, "read_only_root", tri (o->read_only_root));
      for (int k = 0; k < BRIG_OBS_NS_COUNT; k++)
        if (o->shares[k])
          json_array_append_new (ns, json_string (brig_obs_ns_name (k)));
      json_object_set_new (c, "host_namespaces", ns);
      json_object_set_new (lim, "memory", opt_int (o->mem_limit));
      json_object_set_new (lim, "pids", opt_int (o->pids_limit));
      json_object_set_new (lim, "cpu_quota_us", opt_int (o->cpu_quota));
      json_object_set_new (lim, "cpu_period_us",
                           o->cpu_quota < 0 ? json_null () : json_integer (o->cpu_period));
      json_object_set_new (c, "limits", lim);
      json_object_set_new (c, "all_devices", tri (o->all_devices));
      for (size_t k = 0; k < o->nmounts; k++)
        {
          const struct brig_obs_mount *x = &o->mounts[k];
          json_t *j = json_object ();
          json_object_set_new (j, "target", json_string (x->target));
          json_object_set_new (j, "host_path",
                               x->host_path ? json_string (x->host_path) : json_null ());
          json_object_set_new (j, "danger", x->what ? json_string (x->what) : json_null ());
          json_object_set_new (j, "read_only", json_boolean (x->read_only));
          json_array_append_new (m, j);
        }
      json_object_set_new (c, "mounts", m);
      json_object_set_new (c, "ports", o->ports_known ? ports_json (o) : json_null ());
      json_object_set_new (c, "verdict", json_string (weak[0] ? "weak" : "hardened"));
      json_object_set_new (c, "weaknesses", json_string (weak));
      json_array_append_new (arr, c);
    }
  json_object_set_new (root, "containers", arr);
  json_dumpf (root, stdout, JSON_INDENT (2));
  putchar ('\n');
  json_decref (root);
}

/* --- --audit --------------------------------------------------------------- */

static const char *
own (struct brig_workload *w, char *s)
{
  strv_push (&w->strs, s);
  return s;
}

#define VAL(x) ((struct brig_wval){ .s = (x), .set = true })

/* The workload model of what was seen, as if a docker run line asked for
 * it: each fact becomes the setting that gives it. */
static void
observed_workload (const struct brig_observed *o, const char *file, struct brig_workload *w)
{
  struct brig_wdocker *d = &w->docker;
  uint64_t defaults;

  w->file = file;
  w->kind = "container";
  w->name = own (w, short_name (o));
  w->loc = (struct brig_loc){ 0 };
  d->engine = strcmp (o->engine, "podman") == 0 ? "podman" : "docker";
  /* What was added and dropped, against the defaults the rules assume
   * for that engine. */
  defaults = brig_engine_default_caps (d->engine);
  if (o->all_caps && o->seccomp == 0)
    d->privileged = VAL ("true");
  for (int c = 0; c <= BRIG_CAP_MAX; c++)
    {
      uint64_t bit = UINT64_C (1) << c;
      if ((o->cap_eff & bit) && !(defaults & bit) && brig_cap_name (c))
        brig_wlist_push (&d->cap_add, VAL (brig_cap_name (c)));
      if (!(o->cap_eff & bit) && (defaults & bit) && brig_cap_name (c))
        brig_wlist_push (&d->cap_drop, VAL (brig_cap_name (c)));
    }
  if (o->seccomp == 0)
    d->seccomp = VAL ("unconfined");
  /* Every device without the rest of --privileged: the rule it breaks. */
  if (o->all_devices == 1 && !d->privileged.set)
    brig_wlist_push (&d->device_cgroup_rules, VAL ("a *:* rwm"));
  if (o->no_new_privs >= 0)
    d->no_new_privs = VAL (o->no_new_privs ? "true" : "false");
  if (o->read_only_root >= 0)
    d->read_only = VAL (o->read_only_root ? "true" : "false");
  if (o->mem_limit >= 0)
    d->memory = VAL (own (w, xasprintf ("%lld", o->mem_limit)));
  if (o->pids_limit >= 0)
    d->pids_limit = VAL (own (w, xasprintf ("%lld", o->pids_limit)));
  if (o->cpu_quota >= 0)
    d->cpus = VAL (own (w, xasprintf ("%lld/%lld", o->cpu_quota, o->cpu_period)));
  d->user = VAL (own (w, xasprintf ("%ld", o->uid)));
  if (o->shares[BRIG_OBS_NS_NET])
    d->network_mode = VAL ("host");
  if (o->shares[BRIG_OBS_NS_PID])
    d->pid = VAL ("host");
  if (o->shares[BRIG_OBS_NS_IPC])
    d->ipc = VAL ("host");
  if (o->shares[BRIG_OBS_NS_UTS])
    d->uts = VAL ("host");
  if (!o->userns)
    d->userns_mode = VAL ("host");
  if (o->shares[BRIG_OBS_NS_CGROUP])
    d->cgroupns = VAL ("host");
  for (size_t i = 0; i < o->nports; i++)
    {
      const struct brig_obs_port *p = &o->ports[i];
      d->ports = xreallocarray (d->ports, d->nports + 1, sizeof *d->ports);
      d->ports[d->nports++] = (struct brig_wport){
        .host_ip = VAL (p->host_ip),
        .published = VAL (own (w, xasprintf ("%d", p->host_port))),
        .target = VAL (own (w, xasprintf ("%d", p->port))),
        .protocol = VAL (p->proto),
      };
    }
  for (size_t i = 0; i < o->nmounts; i++)
    {
      const struct brig_obs_mount *m = &o->mounts[i];
      if (m->what && strcmp (m->what, "/proc/sys writable") == 0)
        d->systempaths = VAL ("unconfined");
      /* The engine's own files for each container. */
      if (m->host_path == NULL || strcmp (m->target, "/etc/hosts") == 0
          || strcmp (m->target, "/etc/hostname") == 0
          || strcmp (m->target, "/etc/resolv.conf") == 0)
        continue;
      d->mounts = xreallocarray (d->mounts, d->nmounts + 1, sizeof *d->mounts);
      d->mounts[d->nmounts++] = (struct brig_wmount){ .type = "bind",
                                                      .source = VAL (m->host_path),
                                                      .target = VAL (m->target),
                                                      .read_only = m->read_only };
    }
}

/* The container rules that hold for what a running container shows; the
 * others judge what only a file says (an image tag, a restart policy). */
static const char *const observed_rules[]
    = { "BRIG-C001", "BRIG-C002", "BRIG-C003", "BRIG-C004", "BRIG-C005", "BRIG-C007",
        "BRIG-C008", "BRIG-C009", "BRIG-C010", "BRIG-C011", "BRIG-C012", "BRIG-C013",
        "BRIG-R001", "BRIG-R003", "BRIG-R004", "BRIG-R006" };

static int
audit (const struct ps_opts *o, const struct brig_observed_list *l)
{
  struct brig_audit_report r = { 0 };
  size_t nrules;
  const struct brig_audit_rule *rules = brig_container_rules (&nrules);
  int status;

  for (size_t i = 0; i < l->n; i++)
    {
      const struct brig_observed *ob = &l->v[i];
      _cleanup_free_ char *name = short_name (ob);
      char *file = xasprintf ("pid %d (%s %s)", ob->pid, ob->engine, name);
      struct brig_workload w = { 0 };

      strv_push (&r.names, file);
      r.nnames++;
      observed_workload (ob, file, &w);
      for (size_t k = 0; k < nrules; k++)
        for (size_t j = 0; j < ARRAY_SIZE (observed_rules); j++)
          if (rules[k].check && strcmp (rules[k].id, observed_rules[j]) == 0)
            rules[k].check (&w, 0, &rules[k], &r.findings);
      brig_workload_free (&w);
      r.files++;
    }
  status = brig_report_finish (stdout, &r, o->json, o->sarif, NULL, o->fail_on, o->fail_never);
  brig_report_release (&r);
  return status;
}

static int
by_pid (const void *a, const void *b)
{
  return ((const struct brig_observed *)a)->pid - ((const struct brig_observed *)b)->pid;
}

/* Does O answer to WHAT: its pid, its name, or the start of its id? */
static bool
matches (const struct brig_observed *o, const char *what)
{
  char *end;
  long pid = strtol (what, &end, 10);
  if (*end == '\0' && pid == o->pid)
    return true;
  return (o->name[0] && strcmp (o->name, what) == 0)
         || (o->id[0] && strlen (what) >= 4 && str_has_prefix (o->id, what));
}

/* Keep the containers WHAT names; each WHAT that names none is said on
 * standard error.  Returns how many named none. */
static int
keep_only (struct brig_observed_list *l, char **what, int n)
{
  _cleanup_free_ bool *found = xcalloc ((size_t)n, sizeof *found);
  size_t k = 0;
  int missing = 0;

  for (size_t i = 0; i < l->n; i++)
    {
      bool keep = false;
      for (int j = 0; j < n; j++)
        if (matches (&l->v[i], what[j]))
          keep = found[j] = true;
      if (keep)
        l->v[k++] = l->v[i];
      else
        brig_observed_release (&l->v[i]);
    }
  l->n = k;
  for (int j = 0; j < n; j++)
    if (!found[j])
      {
        fprintf (stderr,
                 "brig: ps: `%s`: no such container (a pid, a name or the start of an id)\n",
                 what[j]);
        missing++;
      }
  return missing;
}

int
cmd_ps (int argc, char **argv)
{
  struct ps_opts o = { .fail_on = BRIG_SEV_HIGH };
  struct brig_observed_list l = { 0 };
  struct brig_err err = { 0 };
  const char *sock = NULL;
  int optind_, status, missing = 0;

  if (brig_opt_parse (options, &o, argc, argv, &optind_, &err) < 0)
    return brig_fail (2, &err);
  if (o.help || o.help_man)
    {
      if (o.help_man)
        brig_opt_man_page (stdout, "brig-ps", &help, options);
      else
        brig_opt_help (stdout, &help, options);
      return 0;
    }
  if (o.sarif && !o.audit)
    {
      brig_error (&err, 0, "ps: --format sarif goes with --audit");
      return brig_fail (2, &err);
    }
  if (brig_proc_scan (NULL, &l, &err) < 0)
    return brig_fail (2, &err);
  if (l.n)
    qsort (l.v, l.n, sizeof *l.v, by_pid);

  sock = o.docker_host ? o.docker_host : brig_socket_env ("DOCKER_HOST");
  if (sock == NULL && access ("/var/run/docker.sock", F_OK) == 0)
    sock = "/var/run/docker.sock";
  if (sock && brig_api_names (sock, "docker", &l, &err) < 0)
    {
      if (o.docker_host)
        fprintf (stderr, "brig: warning: %s; Docker's containers are not named\n", err.msg);
      brig_err_release (&err);
    }
  sock = o.podman_host ? o.podman_host : brig_socket_env ("CONTAINER_HOST");
  if (sock == NULL && access ("/run/podman/podman.sock", F_OK) == 0)
    sock = "/run/podman/podman.sock";
  if (sock && brig_api_names (sock, "podman", &l, &err) < 0)
    {
      if (o.podman_host)
        fprintf (stderr, "brig: warning: %s; Podman's containers are named from conmon only\n",
                 err.msg);
      brig_err_release (&err);
    }

  {
    _cleanup_free_ char *dir = brig_runtime_dir ();
    brig_state_names (dir, &l);
  }
  if (optind_ < argc)
    missing = keep_only (&l, argv + optind_, argc - optind_);
  if (o.audit)
    status = audit (&o, &l);
  else
    {
      (o.json ? print_json : print_table) (&l);
      status = 0;
    }
  brig_observed_list_release (&l);
  return missing ? 2 : status;
}
