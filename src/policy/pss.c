/* The Kubernetes Pod Security Standards, one rule per control, as data.
 * Each check reads the workload model and reports every offending value at
 * the place it was written (a container's value where the container set
 * it, the pod's otherwise).  Each rule names the same check in other
 * tools (same_as), whose suppressions brig honours. */
#include "policy/audit.h"
#include "util/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void
brig_findings_add (struct brig_findings *f, const struct brig_audit_rule *r, const char *file,
                   struct brig_loc loc, const char *fmt, ...)
{
  va_list ap;
  char *msg;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    abort ();
  if (f->n == f->cap)
    {
      f->cap = f->cap ? f->cap * 2 : 16;
      f->v = xreallocarray (f->v, f->cap, sizeof *f->v);
    }
  f->v[f->n++] = (struct brig_finding){
    .rule = r, .file = file, .loc = loc, .message = msg, .severity = r->severity
  };
}

void
brig_finding_release (struct brig_finding *x)
{
  free (x->message);
  if (x->suppressed)
    free (x->suppressed->reason);
  free (x->suppressed);
  x->message = NULL;
  x->suppressed = NULL;
}

void
brig_findings_release (struct brig_findings *f)
{
  for (size_t i = 0; i < f->n; i++)
    brig_finding_release (&f->v[i]);
  free (f->v);
  memset (f, 0, sizeof *f);
}

static bool
in_set (const char *s, const char *const *set)
{
  for (; *set; set++)
    if (strcmp (s, *set) == 0)
      return true;
  return false;
}

bool
brig_workload_windows (const struct brig_workload *w)
{
  return w->os_name.set && strcmp (w->os_name.s, "windows") == 0;
}

/* hostUsers: false, from 1.35 on, relaxes procMount and the run-as checks. */
static bool
userns_relaxed (const struct brig_workload *w, int version)
{
  return version >= 35 && brig_wfalse (&w->host_users);
}

/* --- baseline -------------------------------------------------------------- */

static void
check_privileged (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  (void)v;
  BRIG_EACH_CONTAINER (w, c)
  if (brig_wtrue (&c->sec.privileged))
    brig_findings_add (f, r, w->file, c->sec.privileged.loc,
                       "container \"%s\" must not set securityContext.privileged=true", c->name);
}

static void
check_host_namespaces (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  const struct brig_wval *ns[] = { &w->host_network, &w->host_pid, &w->host_ipc };
  static const char *const names[] = { "hostNetwork", "hostPID", "hostIPC" };

  (void)v;
  for (size_t i = 0; i < ARRAY_SIZE (ns); i++)
    if (brig_wtrue (ns[i]))
      brig_findings_add (f, r, w->file, ns[i]->loc, "%s=true shares the host's namespace",
                         names[i]);
}

static void
check_host_path (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  (void)v;
  for (size_t i = 0; i < w->nvolumes; i++)
    if (strcmp (w->volumes[i].type, "hostPath") == 0)
      brig_findings_add (f, r, w->file, w->volumes[i].loc, "volume \"%s\" uses a hostPath",
                         w->volumes[i].name);
}

static const char *const caps_baseline[]
    = { "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL };

static void
check_caps_baseline (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                     struct brig_findings *f)
{
  (void)v;
  BRIG_EACH_CONTAINER (w, c)
  for (size_t i = 0; i < c->sec.cap_add.n; i++)
    if (!in_set (c->sec.cap_add.v[i].s, caps_baseline))
      brig_findings_add (f, r, w->file, c->sec.cap_add.v[i].loc,
                         "container \"%s\" must not add %s in securityContext.capabilities.add",
                         c->name, c->sec.cap_add.v[i].s);
}

static void
check_host_ports (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  (void)v;
  BRIG_EACH_CONTAINER (w, c)
  for (size_t i = 0; i < c->host_ports.n; i++)
    brig_findings_add (f, r, w->file, c->host_ports.v[i].loc, "container \"%s\" uses hostPort %s",
                       c->name, c->host_ports.v[i].s);
}

static bool
apparmor_type_ok (const char *t)
{
  return strcmp (t, "RuntimeDefault") == 0 || strcmp (t, "Localhost") == 0;
}

static void
check_apparmor (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";

  (void)v;
  if (w->sec.apparmor_type.set && !apparmor_type_ok (w->sec.apparmor_type.s))
    brig_findings_add (f, r, w->file, w->sec.apparmor_type.loc,
                       "the pod must not set the AppArmor profile type to \"%s\"",
                       w->sec.apparmor_type.s);
  BRIG_EACH_CONTAINER (w, c)
  if (c->sec.apparmor_type.set && !apparmor_type_ok (c->sec.apparmor_type.s))
    brig_findings_add (f, r, w->file, c->sec.apparmor_type.loc,
                       "container \"%s\" must not set the AppArmor profile type to \"%s\"", c->name,
                       c->sec.apparmor_type.s);
  for (size_t i = 0; i < w->nannotations; i++)
    {
      const struct brig_wannotation *a = &w->annotations[i];
      if (str_has_prefix (a->key, prefix) && a->value[0]
          && strcmp (a->value, "runtime/default") != 0 && !str_has_prefix (a->value, "localhost/"))
        brig_findings_add (f, r, w->file, a->loc, "annotation %s must not be \"%s\"", a->key,
                           a->value);
    }
}

static void
selinux_one (const struct brig_workload *w, const struct brig_wsec *s, const char *who, int v,
             const struct brig_audit_rule *r, struct brig_findings *f)
{
  static const char *const types[]
      = { "", "container_t", "container_init_t", "container_kvm_t", NULL, NULL };
  static const char *const types_131[]
      = { "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t", NULL };
  const char *type = s->se_type.set ? s->se_type.s : "";

  if (!s->has_selinux)
    return;
  if (!in_set (type, v >= 31 ? types_131 : types))
    brig_findings_add (f, r, w->file, s->se_type.loc,
                       "%s must not set seLinuxOptions.type to \"%s\"", who, type);
  if (s->se_user.set && s->se_user.s[0])
    brig_findings_add (f, r, w->file, s->se_user.loc, "%s must not set seLinuxOptions.user", who);
  if (s->se_role.set && s->se_role.s[0])
    brig_findings_add (f, r, w->file, s->se_role.loc, "%s must not set seLinuxOptions.role", who);
}

static void
check_selinux (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  selinux_one (w, &w->sec, "the pod", v, r, f);
  BRIG_EACH_CONTAINER (w, c)
  {
    _cleanup_free_ char *who = xasprintf ("container \"%s\"", c->name);
    selinux_one (w, &c->sec, who, v, r, f);
  }
}

static void
proc_mount (const struct brig_workload *w, const struct brig_audit_rule *r, struct brig_findings *f)
{
  BRIG_EACH_CONTAINER (w, c)
  if (c->sec.proc_mount.set && strcmp (c->sec.proc_mount.s, "Default") != 0)
    brig_findings_add (f, r, w->file, c->sec.proc_mount.loc,
                       "container \"%s\" must not set securityContext.procMount to \"%s\"", c->name,
                       c->sec.proc_mount.s);
}

static void
check_proc_mount (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  if (!userns_relaxed (w, v))
    proc_mount (w, r, f);
}

static void
check_proc_mount_restricted (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                             struct brig_findings *f)
{
  (void)v;
  proc_mount (w, r, f);
}

static bool
seccomp_ok (const char *t)
{
  return strcmp (t, "RuntimeDefault") == 0 || strcmp (t, "Localhost") == 0;
}

static void
check_seccomp_baseline (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                        struct brig_findings *f)
{
  (void)v;
  if (w->sec.seccomp_type.set && !seccomp_ok (w->sec.seccomp_type.s))
    brig_findings_add (f, r, w->file, w->sec.seccomp_type.loc,
                       "the pod must not set securityContext.seccompProfile.type to \"%s\"",
                       w->sec.seccomp_type.s);
  BRIG_EACH_CONTAINER (w, c)
  if (c->sec.seccomp_type.set && !seccomp_ok (c->sec.seccomp_type.s))
    brig_findings_add (f, r, w->file, c->sec.seccomp_type.loc,
                       "container \"%s\" must not set securityContext.seccompProfile.type to "
                       "\"%s\"",
                       c->name, c->sec.seccomp_type.s);
}

static void
check_sysctls (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  static const struct
  {
    int since;
    const char *name;
  } safe[] = {
    { 0, "kernel.shm_rmid_forced" },
    { 0, "net.ipv4.ip_local_port_range" },
    { 0, "net.ipv4.tcp_syncookies" },
    { 0, "net.ipv4.ping_group_range" },
    { 0, "net.ipv4.ip_unprivileged_port_start" },
    { 27, "net.ipv4.ip_local_reserved_ports" },
    { 29, "net.ipv4.tcp_keepalive_time" },
    { 29, "net.ipv4.tcp_fin_timeout" },
    { 29, "net.ipv4.tcp_keepalive_intvl" },
    { 29, "net.ipv4.tcp_keepalive_probes" },
    { 32, "net.ipv4.tcp_rmem" },
    { 32, "net.ipv4.tcp_wmem" },
    { 37, "net.ipv4.tcp_slow_start_after_idle" },
    { 37, "net.ipv4.tcp_notsent_lowat" },
  };

  for (size_t i = 0; i < w->sysctls.n; i++)
    {
      bool ok = false;
      for (size_t k = 0; k < ARRAY_SIZE (safe) && !ok; k++)
        ok = v >= safe[k].since && strcmp (w->sysctls.v[i].s, safe[k].name) == 0;
      if (!ok)
        brig_findings_add (f, r, w->file, w->sysctls.v[i].loc,
                           "sysctl %s is not in the safe set of Kubernetes 1.%d", w->sysctls.v[i].s,
                           v);
    }
}

static void
check_host_process (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  (void)v;
  if (brig_wtrue (&w->sec.host_process))
    brig_findings_add (f, r, w->file, w->sec.host_process.loc,
                       "the pod must not set windowsOptions.hostProcess=true");
  BRIG_EACH_CONTAINER (w, c)
  if (brig_wtrue (&c->sec.host_process))
    brig_findings_add (f, r, w->file, c->sec.host_process.loc,
                       "container \"%s\" must not set windowsOptions.hostProcess=true", c->name);
}

static void
check_probe_hosts (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  (void)v;
  BRIG_EACH_CONTAINER (w, c)
  for (size_t i = 0; i < c->probe_hosts.n; i++)
    brig_findings_add (f, r, w->file, c->probe_hosts.v[i].loc,
                       "container \"%s\" uses the probe or lifecycle host \"%s\"", c->name,
                       c->probe_hosts.v[i].s);
}

/* --- restricted ------------------------------------------------------------ */

static void
check_volumes (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  static const char *const allowed[] = { "configMap", "csi",   "downwardAPI",           "emptyDir",
                                         "ephemeral", "image", "persistentVolumeClaim", "projected",
                                         "secret",    NULL };

  (void)v;
  /* A volume with no source is an emptyDir (the API server's default). */
  for (size_t i = 0; i < w->nvolumes; i++)
    if (w->volumes[i].type[0] && !in_set (w->volumes[i].type, allowed))
      brig_findings_add (f, r, w->file, w->volumes[i].loc,
                         "volume \"%s\" uses the restricted volume type \"%s\"", w->volumes[i].name,
                         w->volumes[i].type);
}

static void
check_privilege_escalation (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                            struct brig_findings *f)
{
  if (v >= 25 && brig_workload_windows (w))
    return;
  BRIG_EACH_CONTAINER (w, c)
  if (!brig_wfalse (&c->sec.allow_privilege_escalation))
    brig_findings_add (
        f, r, w->file,
        c->sec.allow_privilege_escalation.set ? c->sec.allow_privilege_escalation.loc : c->loc,
        "container \"%s\" must set securityContext.allowPrivilegeEscalation=false", c->name);
}

static void
check_run_as_non_root (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  bool pod_true = brig_wtrue (&w->sec.run_as_non_root);

  if (userns_relaxed (w, v))
    return;
  if (w->sec.run_as_non_root.set && !pod_true)
    brig_findings_add (f, r, w->file, w->sec.run_as_non_root.loc,
                       "the pod must not set securityContext.runAsNonRoot=false");
  BRIG_EACH_CONTAINER (w, c)
  {
    if (c->sec.run_as_non_root.set)
      {
        if (!brig_wtrue (&c->sec.run_as_non_root))
          brig_findings_add (f, r, w->file, c->sec.run_as_non_root.loc,
                             "container \"%s\" must not set securityContext.runAsNonRoot=false",
                             c->name);
      }
    else if (!pod_true)
      brig_findings_add (f, r, w->file, c->loc,
                         "the pod or container \"%s\" must set securityContext.runAsNonRoot=true",
                         c->name);
  }
}

static bool
is_zero (const struct brig_wval *v)
{
  return v->set && strcmp (v->s, "0") == 0;
}

static void
check_run_as_user (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  if (userns_relaxed (w, v))
    return;
  if (is_zero (&w->sec.run_as_user))
    brig_findings_add (f, r, w->file, w->sec.run_as_user.loc,
                       "the pod must not set securityContext.runAsUser=0");
  BRIG_EACH_CONTAINER (w, c)
  if (is_zero (&c->sec.run_as_user))
    brig_findings_add (f, r, w->file, c->sec.run_as_user.loc,
                       "container \"%s\" must not set securityContext.runAsUser=0", c->name);
}

static void
check_seccomp_restricted (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                          struct brig_findings *f)
{
  bool pod_set = w->sec.seccomp_type.set && seccomp_ok (w->sec.seccomp_type.s);

  if (v >= 25 && brig_workload_windows (w))
    return;
  check_seccomp_baseline (w, v, r, f);
  BRIG_EACH_CONTAINER (w, c)
  if (!c->sec.seccomp_type.set && !pod_set)
    brig_findings_add (f, r, w->file, c->loc,
                       "the pod or container \"%s\" must set securityContext.seccompProfile.type "
                       "to \"RuntimeDefault\" or \"Localhost\"",
                       c->name);
}

static void
check_caps_restricted (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  if (v >= 25 && brig_workload_windows (w))
    return;
  BRIG_EACH_CONTAINER (w, c)
  {
    bool all = false;
    for (size_t i = 0; i < c->sec.cap_drop.n; i++)
      all |= strcmp (c->sec.cap_drop.v[i].s, "ALL") == 0;
    if (!all)
      brig_findings_add (f, r, w->file, c->sec.has_caps ? c->sec.caps_loc : c->loc,
                         "container \"%s\" must set securityContext.capabilities.drop=[\"ALL\"]",
                         c->name);
    for (size_t i = 0; i < c->sec.cap_add.n; i++)
      if (strcmp (c->sec.cap_add.v[i].s, "NET_BIND_SERVICE") != 0)
        brig_findings_add (f, r, w->file, c->sec.cap_add.v[i].loc,
                           "container \"%s\" must not add %s: only NET_BIND_SERVICE may be added",
                           c->name, c->sec.cap_add.v[i].s);
  }
}

#define PSS "Pod Security Standards "
static const struct brig_audit_rule rules[] = {
  { "BRIG-K001", "privileged container", BRIG_SEV_CRITICAL, "privileged", BRIG_PSS_BASELINE, NULL,
    0, "A privileged container has every capability and every device: it can take the node.",
    "Remove securityContext.privileged (or set it false); add only the capabilities needed.",
    PSS "baseline: Privileged Containers; CIS Docker 5.5; checkov CKV_K8S_16; trivy KSV-0017; "
        "kube-linter privileged-container; kubesec Privileged; kubescape C-0057",
    check_privileged,
    BRIG_SAME_AS ("checkov:CKV_K8S_16", "trivy:KSV-0017", "kube-linter:privileged-container",
                  "kubesec:Privileged", "kubescape:C-0057", "polaris:runAsPrivileged") },
  { "BRIG-K002", "host namespaces shared", BRIG_SEV_HIGH, "hostNamespaces", BRIG_PSS_BASELINE, NULL,
    0, "hostNetwork, hostPID and hostIPC show the pod the node's network, processes or IPC.",
    "Remove hostNetwork, hostPID and hostIPC (or set them false).",
    PSS "baseline: Host Namespaces; CIS Docker 5.10, 5.16, 5.17; checkov CKV_K8S_17/18/19; trivy "
        "KSV-0008/0009/0010; kube-linter host-network, host-pid, host-ipc",
    check_host_namespaces,
    BRIG_SAME_AS ("checkov:CKV_K8S_17", "checkov:CKV_K8S_18", "checkov:CKV_K8S_19",
                  "trivy:KSV-0008", "trivy:KSV-0009", "trivy:KSV-0010", "kube-linter:host-network",
                  "kube-linter:host-pid", "kube-linter:host-ipc") },
  { "BRIG-K003", "hostPath volume", BRIG_SEV_HIGH, "hostPathVolumes", BRIG_PSS_BASELINE, NULL, 0,
    "A hostPath volume gives the pod the node's files (the container runtime's socket, /etc...).",
    "Use an emptyDir, a configMap, a secret or a persistentVolumeClaim instead.",
    PSS "baseline: HostPath Volumes; CIS Docker 5.6; trivy KSV-0023; polaris hostPathSet; "
        "kubescape C-0048",
    check_host_path, BRIG_SAME_AS ("trivy:KSV-0023", "polaris:hostPathSet", "kubescape:C-0048") },
  { "BRIG-K004", "capability beyond the baseline set", BRIG_SEV_HIGH, "capabilities_baseline",
    BRIG_PSS_BASELINE, NULL, 0,
    "Capabilities outside Docker's default set (NET_RAW aside) give root in the container power "
    "over the kernel.",
    "Add only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, "
    "SETFCAP, SETGID, SETPCAP, SETUID or SYS_CHROOT; better, drop ALL.",
    PSS "baseline: Capabilities; CIS Docker 5.4; checkov CKV_K8S_25; trivy KSV-0022; kubescape "
        "C-0046",
    check_caps_baseline,
    BRIG_SAME_AS ("checkov:CKV_K8S_25", "trivy:KSV-0022", "kubescape:C-0046") },
  { "BRIG-K005", "hostPort used", BRIG_SEV_MEDIUM, "hostPorts", BRIG_PSS_BASELINE, NULL, 0,
    "A hostPort opens the port on every address of the node, outside Services and policies.",
    "Remove hostPort; publish through a Service.",
    PSS "baseline: HostPorts; CIS Docker 5.14; checkov CKV_K8S_26; trivy KSV-0024; kubescape "
        "C-0044",
    check_host_ports,
    BRIG_SAME_AS ("checkov:CKV_K8S_26", "trivy:KSV-0024", "polaris:hostPortSet",
                  "kubescape:C-0044") },
  { "BRIG-K006", "AppArmor unconfined or custom", BRIG_SEV_MEDIUM, "appArmorProfile",
    BRIG_PSS_BASELINE, NULL, 0,
    "An Unconfined AppArmor profile removes a layer the runtime would otherwise apply.",
    "Use appArmorProfile.type RuntimeDefault or Localhost.",
    PSS "baseline: AppArmor; CIS Docker 5.2; trivy KSV-0002", check_apparmor,
    BRIG_SAME_AS ("trivy:KSV-0002") },
  { "BRIG-K007", "SELinux options beyond the container types", BRIG_SEV_MEDIUM, "seLinuxOptions",
    BRIG_PSS_BASELINE, NULL, 0,
    "A custom SELinux type, user or role can lift the container out of its confinement.",
    "Leave seLinuxOptions unset, or use type container_t, container_init_t, container_kvm_t or "
    "container_engine_t without user and role.",
    PSS "baseline: SELinux; CIS Docker 5.3; trivy KSV-0025", check_selinux,
    BRIG_SAME_AS ("trivy:KSV-0025") },
  { "BRIG-K008", "/proc not masked", BRIG_SEV_MEDIUM, "procMount", BRIG_PSS_BASELINE, NULL, 0,
    "procMount Unmasked shows the container the kernel interfaces the runtime masks.",
    "Remove procMount (or set it Default).",
    PSS "baseline: /proc Mount Type; trivy KSV-0027; kube-linter unsafe-proc-mount",
    check_proc_mount, BRIG_SAME_AS ("trivy:KSV-0027", "kube-linter:unsafe-proc-mount") },
  { "BRIG-K009", "seccomp unconfined", BRIG_SEV_HIGH, "seccompProfile_baseline", BRIG_PSS_BASELINE,
    NULL, 0, "Unconfined seccomp leaves every syscall of the kernel reachable.",
    "Set seccompProfile.type RuntimeDefault (or Localhost).",
    PSS "baseline: Seccomp; CIS Docker 5.22; checkov CKV_K8S_31; trivy KSV-0104",
    check_seccomp_baseline, BRIG_SAME_AS ("checkov:CKV_K8S_31", "trivy:KSV-0104") },
  { "BRIG-K010", "unsafe sysctl", BRIG_SEV_MEDIUM, "sysctls", BRIG_PSS_BASELINE, NULL, 0,
    "Sysctls outside the safe set change the node's kernel for every pod.",
    "Use only the sysctls of the Pod Security Standards' safe set.",
    PSS "baseline: Sysctls; trivy KSV-0026; kube-linter unsafe-sysctls", check_sysctls,
    BRIG_SAME_AS ("trivy:KSV-0026", "kube-linter:unsafe-sysctls") },
  { "BRIG-K011", "Windows HostProcess", BRIG_SEV_CRITICAL, "windowsHostProcess", BRIG_PSS_BASELINE,
    NULL, 0, "A HostProcess container runs on the Windows node itself, with its privileges.",
    "Remove windowsOptions.hostProcess.", PSS "baseline: HostProcess; trivy KSV-0103",
    check_host_process, BRIG_SAME_AS ("trivy:KSV-0103") },
  { "BRIG-K012", "probe or lifecycle host", BRIG_SEV_MEDIUM, "hostProbesAndHostLifecycle",
    BRIG_PSS_BASELINE, NULL, 34,
    "A probe or lifecycle handler with a host makes the kubelet reach any address for the pod.",
    "Remove the host field: probes go to the pod's own address.",
    PSS "baseline: Host Probes / Lifecycle Hooks (1.34+)", check_probe_hosts },
  { "BRIG-K101", "restricted volume type", BRIG_SEV_MEDIUM, "restrictedVolumes",
    BRIG_PSS_RESTRICTED, "hostPathVolumes", 0,
    "Volume types other than the core ones reach the node or the network outside the pod's "
    "limits.",
    "Use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, "
    "projected or secret volumes.",
    PSS "restricted: Volume Types; trivy KSV-0028", check_volumes,
    BRIG_SAME_AS ("trivy:KSV-0028") },
  { "BRIG-K102", "privilege escalation allowed", BRIG_SEV_MEDIUM, "allowPrivilegeEscalation",
    BRIG_PSS_RESTRICTED, NULL, 0,
    "Without allowPrivilegeEscalation: false, setuid binaries raise privileges (no_new_privs is "
    "off).",
    "Set securityContext.allowPrivilegeEscalation: false in every container.",
    PSS "restricted: Privilege Escalation; CIS Docker 5.26; checkov CKV_K8S_20; trivy KSV-0001; "
        "kube-linter privilege-escalation-container",
    check_privilege_escalation,
    BRIG_SAME_AS ("checkov:CKV_K8S_20", "trivy:KSV-0001",
                  "kube-linter:privilege-escalation-container") },
  { "BRIG-K103", "may run as root", BRIG_SEV_MEDIUM, "runAsNonRoot", BRIG_PSS_RESTRICTED, NULL, 0,
    "Without runAsNonRoot: true the image may run as root.",
    "Set securityContext.runAsNonRoot: true (in the pod or every container) and a non-zero "
    "runAsUser.",
    PSS "restricted: Running as Non-root; CIS Docker 4.1; checkov CKV_K8S_23; trivy KSV-0012; "
        "kube-linter run-as-non-root",
    check_run_as_non_root,
    BRIG_SAME_AS ("checkov:CKV_K8S_23", "trivy:KSV-0012", "kube-linter:run-as-non-root") },
  { "BRIG-K104", "runs as uid 0", BRIG_SEV_MEDIUM, "runAsUser", BRIG_PSS_RESTRICTED, NULL, 23,
    "runAsUser: 0 runs the container as root.", "Set runAsUser to a non-zero uid.",
    PSS "restricted: Running as Non-root user (1.23+); trivy KSV-0105", check_run_as_user,
    BRIG_SAME_AS ("checkov:CKV_K8S_23", "trivy:KSV-0105", "kube-linter:run-as-non-root") },
  { "BRIG-K105", "no seccomp profile", BRIG_SEV_MEDIUM, "seccompProfile_restricted",
    BRIG_PSS_RESTRICTED, "seccompProfile_baseline", 19,
    "Kubernetes runs a pod without a seccomp profile unconfined unless the kubelet is told "
    "otherwise.",
    "Set securityContext.seccompProfile.type: RuntimeDefault in the pod.",
    PSS "restricted: Seccomp; checkov CKV_K8S_31; trivy KSV-0030", check_seccomp_restricted,
    BRIG_SAME_AS ("checkov:CKV_K8S_31", "trivy:KSV-0030") },
  { "BRIG-K106", "capabilities not dropped", BRIG_SEV_MEDIUM, "capabilities_restricted",
    BRIG_PSS_RESTRICTED, "capabilities_baseline", 22,
    "Containers keep the runtime's default capabilities unless they drop them.",
    "Set capabilities.drop: [\"ALL\"] and add back at most NET_BIND_SERVICE.",
    PSS "restricted: Capabilities; checkov CKV_K8S_37; trivy KSV-0003, KSV-0106",
    check_caps_restricted,
    BRIG_SAME_AS ("checkov:CKV_K8S_37", "trivy:KSV-0003", "trivy:KSV-0106") },
  { "BRIG-K107", "/proc not masked (user namespace)", BRIG_SEV_MEDIUM, "procMount_restricted",
    BRIG_PSS_RESTRICTED, "procMount", 35,
    "At the restricted level procMount must stay Default even in a user namespace.",
    "Remove procMount (or set it Default).", PSS "restricted: /proc Mount Type (1.35+)",
    check_proc_mount_restricted },
  /* brig audit's own rules on suppressions (policy/suppress.h): no check
   * over a workload, they judge the comments and annotations that silence
   * the others, in every format. */
  { "BRIG-S001", "suppression without a reason", BRIG_SEV_LOW, "suppression", BRIG_PSS_NONE, NULL,
    0,
    "A suppression that does not say why cannot be reviewed: nobody can tell later whether it "
    "still holds.",
    "Write the reason after the rule ids: `# brig:ignore=BRIG-K001 the GPU driver needs it`.",
    "brig audit: suppressions (README)", NULL },
  { "BRIG-S002", "expired suppression", BRIG_SEV_MEDIUM, "suppression", BRIG_PSS_NONE, NULL, 0,
    "The suppression's until= date has passed: it no longer silences anything, and the finding it "
    "covered is reported again.",
    "Fix what the finding says and remove the suppression, or review it and move the date.",
    "brig audit: suppressions (README)", NULL },
  { "BRIG-S003", "malformed suppression", BRIG_SEV_LOW, "suppression", BRIG_PSS_NONE, NULL, 0,
    "A suppression that names no rule brig has, or whose until= date is not a date, silences "
    "nothing: what it was meant to silence is still reported.",
    "Name rules by their ids (brig audit --list-rules) and write the date as until=YYYY-MM-DD.",
    "brig audit: suppressions (README)", NULL },
};

const struct brig_audit_rule *
brig_audit_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

const struct brig_audit_rule *
brig_audit_rule_find (const char *id)
{
  const struct brig_audit_rule *r;

  /* The container rules too (brig_audit_rule_nth). */
  for (size_t i = 0; (r = brig_audit_rule_nth (i)); i++)
    if (strcasecmp (r->id, id) == 0)
      return r;
  return NULL;
}

/* Is a rule in force at LEVEL and VERSION, and not replaced by another? */
static bool
active (const struct brig_audit_rule *r, enum brig_pss_level level, int version)
{
  if (r->level > level || r->since > version)
    return false;
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    if (rules[i].overrides && strcmp (rules[i].overrides, r->control) == 0
        && rules[i].level <= level && rules[i].since <= version)
      return false;
  return true;
}

void
brig_audit_workload (const struct brig_workload *w, enum brig_pss_level level, int version,
                     struct brig_findings *f)
{
  size_t first = f->n;

  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    if (rules[i].check && active (&rules[i], level, version))
      rules[i].check (w, version, &rules[i], f);
  brig_audit_k8s (w, f); /* the rest of the hardening advice, at every level */
  /* Say whose: "Deployment web: container ...". */
  for (size_t i = first; i < f->n; i++)
    {
      char *m
          = xasprintf ("%s %s: %s", w->kind, w->name[0] ? w->name : "(unnamed)", f->v[i].message);
      free (f->v[i].message);
      f->v[i].message = m;
    }
}
