/* brig host: audit the machine brig runs on (virtualisation, kernel,
 * Docker daemon) by the host rules (BRIG-Vnnn) and, for daemon.json, the
 * daemon rules (BRIG-Hnnn); reported as brig audit reports.  Exit: 0
 * nothing at or above --fail-on, 1 something, 2 usage errors or a
 * daemon.json brig could not read. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "host/machine.h"
#include "parse/daemonjson.h"
#include "parse/yaml.h"
#include "policy/daemon.h"
#include "policy/host.h"
#include "report/findings.h"
#include "report/oci_spec.h"
#include "sandbox/hostprobe.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct host_opts
{
  bool json, sarif, facts, help, help_man;
  enum brig_severity fail_on, show;
  bool fail_never;
  struct brig_host_paths paths;
};

static int
o_format (void *ctx, const char *arg, struct brig_err *err)
{
  struct host_opts *o = ctx;
  return brig_format_arg (arg, &o->json, &o->sarif, err);
}

static int
o_fail_on (void *ctx, const char *arg, struct brig_err *err)
{
  struct host_opts *o = ctx;
  return brig_severity_arg (arg, &o->fail_on, &o->fail_never, err);
}

static int
o_severity (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_severity_arg (arg, &((struct host_opts *)ctx)->show, NULL, err);
}

BRIG_OPT_FLAG (o_facts, struct host_opts, facts)
BRIG_OPT_FLAG (o_help, struct host_opts, help)
BRIG_OPT_FLAG (o_help_man, struct host_opts, help_man)

static int
o_root (void *ctx, const char *arg, struct brig_err *err)
{
  struct host_opts *o = ctx;
  (void)err;
  o->paths.root = strcmp (arg, "/") == 0 ? "" : arg;
  o->paths.no_cpuid = true;
  return 0;
}

static int
o_docker_config (void *ctx, const char *arg, struct brig_err *err)
{
  struct host_opts *o = ctx;
  if (strcmp (arg, "none") == 0)
    {
      o->paths.no_docker_config = true;
      return 0;
    }
  /* The reader takes a missing daemon.json for none: say it here. */
  if (access (arg, R_OK) < 0)
    return brig_error (err, errno, "`%s` (a daemon.json, or none)", arg);
  o->paths.docker_config = arg;
  return 0;
}

static int
o_docker_host (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_socket_arg (arg, &((struct host_opts *)ctx)->paths.docker_socket, err);
}

static int
o_podman_host (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_socket_arg (arg, &((struct host_opts *)ctx)->paths.podman_socket, err);
}

static int
o_iptables_save (void *ctx, const char *arg, struct brig_err *err)
{
  /* The reader takes a missing ruleset for no packet filter: say it here. */
  if (access (arg, R_OK) < 0)
    return brig_error (err, errno, "`%s`", arg);
  ((struct host_opts *)ctx)->paths.iptables_save = arg;
  return 0;
}

static const struct brig_opt options[] = {
  { 0, "format", "FORMAT", "text (default), json or sarif (SARIF 2.1.0)", o_format },
  { 0, "fail-on", "SEVERITY",
    "exit 1 when a finding is at least this severe: low, medium, high (default), critical, or "
    "never",
    o_fail_on },
  { 0, "severity", "SEVERITY", "show only findings at least this severe (default: low)",
    o_severity },
  { 0, "facts", NULL,
    "print what was read (virtualisation as systemd-detect-virt names it, kernel, cgroups, "
    "Docker) as KEY: VALUE lines (one JSON object with --format json) instead of judging it",
    o_facts },
  { 0, "docker-config", "FILE",
    "Docker's daemon.json, or none to judge no daemon.json (default: the running dockerd's "
    "--config-file, else /etc/docker/daemon.json when it exists)",
    o_docker_config },
  { 0, "docker-host", "unix:///PATH",
    "the Docker API socket, unix:///PATH or /PATH (default: $DOCKER_HOST when it is one of "
    "those, else /var/run/docker.sock)",
    o_docker_host },
  { 0, "podman-host", "unix:///PATH",
    "Podman's API socket (`podman system service`), unix:///PATH or /PATH, whose running "
    "containers are judged as Docker's are (default: $CONTAINER_HOST when it is one of those, "
    "else /run/podman/podman.sock)",
    o_podman_host },
  { 0, "iptables-save", "FILE",
    "judge this saved ruleset (iptables-save's output) instead of running iptables-save",
    o_iptables_save },
  { 0, "root", "DIR",
    "read /proc, /sys, /etc and the container markers under DIR instead of / (for tests; CPUID "
    "is not asked)",
    o_root },
  { 'h', "help", NULL, "show this help", o_help },
  { 0, "help-man", NULL, NULL, o_help_man }, /* hidden: brig-host(1), made at build time */
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help help = {
  "brig host [OPTIONS]",
  "audit the machine brig runs on",
  "Reads what holds on this machine and judges it by the host rules (BRIG-Vnnn; brig audit "
  "--list-rules lists them): virtualisation, detected by brig itself and named as "
  "systemd-detect-virt names it (container markers: /proc/vz, WSL's kernel release, "
  "/run/systemd/container, pid 1's container=, /run/.containerenv, /.dockerenv, /dev/.lxc, and "
  "a user namespace other than the first; then CPUID's hypervisor leaf, DMI and the Xen "
  "markers), where a host that is itself a container shares its kernel with other tenants "
  "(bare metal and virtual machines are not findings); the kernel: user namespaces, seccomp "
  "filters, the cgroup hierarchy, idmapped mounts, landlock and whether its series is still "
  "maintained upstream; Docker's daemon.json, with the running dockerd's flags over it "
  "(/proc/PID/cmdline), by the daemon rules (BRIG-Hnnn), its API socket's "
  "owner and mode, the docker group, and the running daemon's and containers' own view through "
  "its API; the packet filter (iptables-save, as root, else nft -j list ruleset when iptables "
  "shows nothing of Docker's): DOCKER-USER, inter-container traffic, ports published past UFW or "
  "firewalld; Podman's running containers through its API (podman system service), its "
  "containers.conf and containers.conf.d drop-ins, and containerd's config.toml.  Findings point "
  "at the file and line that show them "
  "(/etc/docker/daemon.json:2:3, /proc/self/status:5:1) or at a pseudo-path (host:cpuid, "
  "host:kernel, host:docker-api, host:docker/NAME or host:podman/NAME for a container, "
  "host:iptables-save with "
  "its output's line, host:nft with the place in its JSON).  Exit: 0 nothing at or above "
  "--fail-on, 1 something, 2 usage errors or "
  "a daemon.json brig could not read.",
};

static const char *
cgroup_name (enum brig_cgroup_mode m)
{
  static const char *const names[] = { "unknown", "v1", "hybrid", "v2" };
  return names[m];
}

static void
print_facts (const struct brig_host *h)
{
  const struct brig_host_virt *v = &h->virt;
  const struct brig_host_kernel *k = &h->kernel;
  const struct brig_host_docker *d = &h->docker;

  printf ("virt: %s\n", strcmp (v->container, "none") ? v->container : v->vm);
  printf ("vm: %s%s%s%s\n", v->vm, v->vm_why[0] ? " (" : "", v->vm_why, v->vm_why[0] ? ")" : "");
  printf ("container: %s%s%s%s\n", v->container, v->container_why[0] ? " (" : "", v->container_why,
          v->container_why[0] ? ")" : "");
  printf ("kernel: %s\n", k->release);
  printf ("max-user-namespaces: %ld\n", k->max_user_namespaces);
  if (k->unprivileged_userns_clone >= 0)
    printf ("unprivileged-userns-clone: %d\n", k->unprivileged_userns_clone);
  printf ("seccomp: %s\n", k->seccomp_field ? "yes" : "no");
  printf ("seccomp-filter: %s\n", k->seccomp_filter ? "yes" : "no");
  printf ("cgroup: %s\n", cgroup_name (k->cgroup));
  printf ("idmapped-mounts: %s\n",
          k->major > 5 || (k->major == 5 && k->minor >= 12) ? "yes" : "no");
  printf ("landlock-abi: %d\n", k->landlock_abi);
  printf ("docker: %s\n", d->installed ? "yes" : "no");
  if (d->daemon_json)
    printf ("docker-config: %s\n", d->daemon_json);
  if (d->dockerd_cmdline)
    printf ("dockerd-flags: %s\n", d->dockerd_cmdline);
  if (d->socket_found)
    printf ("docker-socket: %s %u:%u %04o\n", d->socket, d->sock_uid, d->sock_gid, d->sock_mode);
  if (d->docker_group)
    for (size_t i = 0; d->docker_group[i]; i++)
      printf ("docker-group-member: %s\n", d->docker_group[i]);
  if (d->api)
    {
      printf ("docker-api: %s\n", d->version ? d->version : "yes");
      printf ("docker-security: seccomp=%d userns=%d rootless=%d\n", d->api_seccomp, d->api_userns,
              d->api_rootless);
      for (size_t i = 0; i < d->ncontainers; i++)
        printf ("docker-container: %s %s\n", d->containers[i].name, d->containers[i].image);
    }
  else if (d->api_error)
    printf ("docker-api: no (%s)\n", d->api_error);
  if (h->firewall.read)
    printf ("iptables: %s docker-chains=%d docker-user-rules=%zu\n", h->firewall.source,
            h->firewall.docker_chains, h->firewall.docker_user_rules);
  if (h->engines.podman)
    printf ("podman-config: %s\n", h->engines.podman_file);
  if (h->engines.podman_api)
    for (size_t i = 0; i < h->engines.npodman_containers; i++)
      printf ("podman-container: %s %s\n", h->engines.podman_containers[i].name,
              h->engines.podman_containers[i].image ? h->engines.podman_containers[i].image : "?");
  else if (h->engines.podman_api_error)
    printf ("podman-api: no (%s)\n", h->engines.podman_api_error);
  if (h->engines.containerd)
    printf ("containerd-config: %s\n", h->engines.containerd_file);
  printf ("host-firewall: %s\n", h->firewall.ufw         ? "ufw"
                                 : h->firewall.firewalld ? "firewalld"
                                                         : "none");
  for (size_t i = 0; i < h->files.nowned; i++)
    printf ("docker-file: %s %u:%u %04o\n", h->files.owned[i].path, h->files.owned[i].uid,
            h->files.owned[i].gid, h->files.owned[i].mode);
  if (h->files.nwatch)
    printf ("audit-rules: %s\n", h->files.audit_rules ? h->files.audit_source : "none");
  for (size_t i = 0; i < h->files.nwatch; i++)
    printf ("audit-watch: %s %s\n", h->files.watch[i].path,
            h->files.watch[i].watched ? "watched" : "not watched");
}

static char *
report_name (struct brig_audit_report *r, const char *path)
{
  r->names = xreallocarray (r->names, r->nnames + 2, sizeof *r->names);
  r->names[r->nnames] = xstrdup (path);
  r->names[r->nnames + 1] = NULL;
  return r->names[r->nnames++];
}

/* The daemon's settings by the daemon rules: daemon.json (its path in D,
 * or none) with the running dockerd's flags (its /proc/PID/cmdline as the
 * reader found it, or none) over it, as the daemon runs with both. */
static void
audit_daemon (struct brig_audit_report *r, const struct brig_host_docker *dk)
{
  struct brig_err e = { 0 };
  _cleanup_free_ char *buf = NULL;
  const char *path = dk->daemon_json, *cmdline = dk->dockerd_cmdline;
  size_t len;
  struct brig_yaml *y = NULL;
  struct brig_daemon *d = NULL;
  const char *file = path ? report_name (r, path) : NULL;
  const char *flags = cmdline ? report_name (r, cmdline) : NULL;
  int k = 0;

  if (path)
    k = brig_read_file (path, BRIG_YAML_MAX_SIZE, &buf, &len, &e) < 0
                || brig_yaml_load (buf, len, file, &y, &e) < 0
                || brig_parse_daemon_json (y, file, &d, &e) < 0
            ? -1
            : 0;
  else
    {
      /* Flags alone: what they leave unset is reported at their line. */
      d = xcalloc (1, sizeof *d);
      d->file = flags;
      d->loc = (struct brig_loc){ 1, 1, 1, 1 };
    }
  if (k == 0 && flags)
    {
      file = flags;
      k = brig_daemon_flags (dk->dockerd_args, dk->dockerd_args_len, flags, d, &e);
    }
  if (k < 0)
    {
      r->errors = xreallocarray (r->errors, r->nerrors + 1, sizeof *r->errors);
      r->errors[r->nerrors++]
          = (struct brig_audit_error){ xstrdup (file), xstrdup (e.msg ? e.msg : "error") };
      brig_err_release (&e);
    }
  else
    {
      r->files++;
      brig_audit_daemon (d, &r->findings);
    }
  brig_daemon_free (d);
  brig_yaml_free (y);
}

/* The containers an engine's API showed, for --facts --format json. */
static json_t *
containers_json (const struct brig_host_container *v, size_t n)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < n; i++)
    {
      const struct brig_host_container *c = &v[i];
      json_array_append_new (
          a, json_pack ("{s:s, s:s?, s:s?, s:b, s:b, s:b, s:b, s:b, s:b, s:I, s:I, s:o, s:o, s:o, "
                        "s:b}",
                        "name", c->name, "id", c->id, "image", c->image, "privileged",
                        c->privileged, "host_network", c->host_network, "host_pid", c->host_pid,
                        "seccomp_unconfined", c->seccomp_unconfined, "readonly_rootfs",
                        c->readonly_rootfs, "no_new_privileges", c->no_new_privileges, "memory",
                        (json_int_t)c->memory, "pids_limit", (json_int_t)c->pids_limit, "binds",
                        brig_strv_json (c->binds), "cap_add", brig_strv_json (c->cap_add),
                        "open_ports", brig_strv_json (c->open_ports), "nat", c->nat));
    }
  return a;
}

/* --facts --format json: the same facts as one object. */
static void
print_facts_json (const struct brig_host *h)
{
  const struct brig_host_virt *v = &h->virt;
  const struct brig_host_kernel *k = &h->kernel;
  const struct brig_host_docker *d = &h->docker;
  json_t *containers = containers_json (d->containers, d->ncontainers), *o;

  o = json_pack (
      "{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:{s:s, s:I, s:i, s:b, s:b, s:s, s:b, "
      "s:i}}",
      "virt", strcmp (v->container, "none") ? v->container : v->vm, "virtualisation", "vm", v->vm,
      "vm_evidence", v->vm_why, "vm_file", v->vm_src.file, "container", v->container,
      "container_evidence", v->container_why, "container_file", v->container_src.file, "kernel",
      "release", k->release, "max_user_namespaces", (json_int_t)k->max_user_namespaces,
      "unprivileged_userns_clone", k->unprivileged_userns_clone, "seccomp", k->seccomp_field,
      "seccomp_filter", k->seccomp_filter, "cgroup", cgroup_name (k->cgroup), "idmapped_mounts",
      k->major > 5 || (k->major == 5 && k->minor >= 12), "landlock_abi", k->landlock_abi);
  json_object_set_new (
      o, "docker",
      json_pack ("{s:b, s:s?, s:s?, s:b, s:o, s:b, s:s?, s:s?, s:b, s:b, s:b, s:o}", "installed",
                 d->installed, "config", d->daemon_json, "socket", d->socket, "socket_found",
                 d->socket_found, "group", brig_strv_json (d->docker_group), "api", d->api,
                 "api_error", d->api_error, "version", d->version, "seccomp", d->api_seccomp,
                 "userns", d->api_userns, "rootless", d->api_rootless, "containers", containers));
  json_object_set_new (
      o, "podman",
      json_pack ("{s:s?, s:b, s:s?, s:o}", "socket", h->engines.podman_socket, "api",
                 h->engines.podman_api, "api_error", h->engines.podman_api_error, "containers",
                 containers_json (h->engines.podman_containers, h->engines.npodman_containers)));
  json_object_set_new (o, "firewall",
                       json_pack ("{s:b, s:s, s:b, s:b, s:b}", "read", h->firewall.read, "source",
                                  h->firewall.source, "docker_chains", h->firewall.docker_chains,
                                  "ufw", h->firewall.ufw, "firewalld", h->firewall.firewalld));
  {
    json_t *files = json_array (), *watch = json_array ();
    for (size_t i = 0; i < h->files.nowned; i++)
      json_array_append_new (
          files, json_pack ("{s:s, s:i, s:i, s:i, s:s}", "path", h->files.owned[i].path, "uid",
                            (int)h->files.owned[i].uid, "gid", (int)h->files.owned[i].gid, "mode",
                            (int)h->files.owned[i].mode, "cis", h->files.owned[i].cis));
    for (size_t i = 0; i < h->files.nwatch; i++)
      json_array_append_new (watch, json_pack ("{s:s, s:b}", "path", h->files.watch[i].path,
                                               "watched", h->files.watch[i].watched));
    json_object_set_new (o, "docker_files", files);
    json_object_set_new (o, "audit_watches", watch);
  }
  json_dumpf (o, stdout, JSON_INDENT (2));
  fputc ('\n', stdout);
  json_decref (o);
}

int
cmd_host (int argc, char **argv)
{
  struct host_opts o = { .fail_on = BRIG_SEV_HIGH, .show = BRIG_SEV_LOW, .paths = { .root = "" } };
  struct brig_audit_report r = { 0 };
  struct brig_host h = { 0 };
  struct brig_err err = { 0 };
  int optind_, status;
  size_t kept = 0;

  if (brig_opt_parse (options, &o, argc, argv, &optind_, &err) < 0)
    return brig_fail (2, &err);
  if (o.help || o.help_man)
    {
      if (o.help_man)
        brig_opt_man_page (stdout, "brig-host", &help, options);
      else
        brig_opt_help (stdout, &help, options);
      return 0;
    }
  if (optind_ < argc)
    {
      brig_error (&err, 0, "host: unexpected `%s` (see --help)", argv[optind_]);
      return brig_fail (2, &err);
    }
  if (o.paths.docker_socket == NULL)
    o.paths.docker_socket = brig_socket_env ("DOCKER_HOST");
  if (o.paths.podman_socket == NULL)
    o.paths.podman_socket = brig_socket_env ("CONTAINER_HOST");

  brig_host_read_virt (&o.paths, &h.virt);
  brig_host_read_kernel (&o.paths, &h.kernel);
  h.kernel.landlock_abi = brig_landlock_abi (h.kernel.landlock_why, sizeof h.kernel.landlock_why);
  brig_host_read_docker (&o.paths, &h.docker);
  brig_host_read_firewall (&o.paths, &h.firewall);
  brig_host_read_engines (&o.paths, &h.engines);
  brig_host_read_podman (&o.paths, &h.engines);
  brig_host_read_files (&o.paths, h.docker.daemon_json, &h.files);
  if (o.facts)
    {
      if (o.json)
        print_facts_json (&h);
      else
        print_facts (&h);
      brig_host_release (&h);
      return 0;
    }

  r.files = 1; /* the host */
  brig_audit_host (&h, brig_today (), &r.findings);
  if (h.docker.daemon_json || h.docker.dockerd_cmdline)
    audit_daemon (&r, &h.docker);
  /* What --severity hides is neither shown nor counted. */
  for (size_t i = 0; i < r.findings.n; i++)
    if (r.findings.v[i].severity >= o.show)
      r.findings.v[kept++] = r.findings.v[i];
    else
      brig_finding_release (&r.findings.v[i]);
  r.findings.n = kept;
  /* Host paths are absolute: SARIF has no source root to make them relative to. */
  status = brig_report_finish (stdout, &r, o.json, o.sarif, NULL, o.fail_on, o.fail_never);
  brig_report_release (&r);
  brig_host_release (&h);
  return status;
}
