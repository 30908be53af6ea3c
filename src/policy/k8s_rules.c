/* The hardening advice on Kubernetes workloads beyond the Pod Security
 * Standards, as data: a read-only root filesystem, memory and CPU limits,
 * pinned images, no service account token where none is needed, high
 * uids and gids, and no engine socket or host root through a hostPath.
 * The same advice brig gives compose files and docker run lines
 * (container_rules.c) and applies itself at run time, read from a pod
 * template.
 *
 * These rules are not Pod Security Standards controls: their level is
 * BRIG_PSS_NONE and --level does not change them.  brig_audit_workload
 * (pss.c) runs them after the controls of its level.  Each names the same
 * check in other tools (same_as), whose suppressions brig honours.
 *
 * A LimitRange that gives the namespace default limits, and a
 * ServiceAccount that turns its token off, count when the same file or
 * stream holds them (parse/k8s.h, brig_k8s_env_apply), as the API server
 * would apply them.  What a rule cannot see, it does not guess: such
 * objects only in the cluster or in another file, an image the registry
 * resolves, kustomize's images: rewrites (an image left as a template is
 * not judged).  The rules' why says so, and a suppression with a reason
 * records it. */
#include "policy/audit.h"
#include "util/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool
ephemeral (const struct brig_wcontainer *c)
{
  return strcmp (c->field, "ephemeralContainers") == 0;
}

/* Where a container's missing setting is reported: its securityContext
 * when it has one, else the container. */
static struct brig_loc
sec_or_container (const struct brig_wcontainer *c)
{
  return c->sec.present ? c->sec.loc : c->loc;
}

/* --- the root filesystem --------------------------------------------------- */

static void
check_read_only_root (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  (void)v;
  /* Windows pods cannot set it (the API server refuses it). */
  if (brig_workload_windows (w))
    return;
  BRIG_EACH_CONTAINER (w, c)
  {
    const struct brig_wval *ro = &c->sec.read_only_root_fs;
    if (brig_wtrue (ro))
      continue;
    if (ro->set)
      brig_findings_add (f, r, w->file, ro->loc,
                         "container \"%s\" sets readOnlyRootFilesystem=%s: its root filesystem is "
                         "writable",
                         c->name, ro->s);
    else
      brig_findings_add (f, r, w->file, sec_or_container (c),
                         "container \"%s\" does not set readOnlyRootFilesystem=true: its root "
                         "filesystem is writable",
                         c->name);
  }
}

/* --- limits ---------------------------------------------------------------- */

/* Unset, or 0: no limit. */
static bool
unlimited (const struct brig_wval *v)
{
  return !v->set || strcmp (v->s, "0") == 0;
}

static void
limit_one (const struct brig_workload *w, const struct brig_audit_rule *r, struct brig_findings *f,
           bool memory)
{
  const struct brig_wval *pod = memory ? &w->pod_mem_limit : &w->pod_cpu_limit;
  const char *what = memory ? "memory" : "cpu";

  /* A pod-level limit (spec.resources) bounds the containers that set none. */
  if (!unlimited (pod))
    return;
  BRIG_EACH_CONTAINER (w, c)
  {
    const struct brig_wval *l = memory ? &c->mem_limit : &c->cpu_limit;
    const struct brig_wval *d = memory ? &c->default_mem_limit : &c->default_cpu_limit;
    struct brig_loc at = c->limits_loc.line ? c->limits_loc : c->resources_loc;

    /* Ephemeral containers may not have resources: they use the pod's.  A
     * LimitRange's default is the limit of a container that sets none. */
    if (ephemeral (c) || !unlimited (l) || (!l->set && !unlimited (d)))
      continue;
    if (l->set)
      brig_findings_add (f, r, w->file, l->loc,
                         "container \"%s\" sets resources.limits.%s to 0: no limit", c->name, what);
    else
      brig_findings_add (f, r, w->file, at.line ? at : c->loc,
                         "container \"%s\" has no resources.limits.%s", c->name, what);
  }
}

static void
check_memory_limit (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  (void)v;
  limit_one (w, r, f, true);
}

static void
check_cpu_limit (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  (void)v;
  limit_one (w, r, f, false);
}

/* --- images ---------------------------------------------------------------- */

/* An image brig can judge: written, and not a template left unrendered. */
static bool
judged_image (const struct brig_wval *img)
{
  return img->set && img->s[0] && strchr (img->s, '$') == NULL && strstr (img->s, "{{") == NULL;
}

static void
check_image_tag (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  (void)v;
  BRIG_EACH_CONTAINER (w, c)
  {
    struct brig_image_ref ref;
    if (!judged_image (&c->image))
      continue;
    brig_image_ref_parse (c->image.s, &ref);
    if (ref.pin == BRIG_REF_UNTAGGED)
      brig_findings_add (f, r, w->file, c->image.loc,
                         "container \"%s\": image %s has no tag: whatever latest is when the node "
                         "pulls it",
                         c->name, c->image.s);
    else if (ref.pin == BRIG_REF_LATEST)
      brig_findings_add (f, r, w->file, c->image.loc,
                         "container \"%s\": image %s: latest changes under you; pin a version",
                         c->name, c->image.s);
  }
}

static void
check_image_digest (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  (void)v;
  BRIG_EACH_CONTAINER (w, c)
  {
    struct brig_image_ref ref;
    if (!judged_image (&c->image))
      continue;
    brig_image_ref_parse (c->image.s, &ref);
    if (!ref.digest)
      brig_findings_add (f, r, w->file, c->image.loc,
                         "container \"%s\": image %s is not pinned by digest", c->name, c->image.s);
  }
}

/* --- the service account token --------------------------------------------- */

static void
check_automount_token (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  const struct brig_wval *a = &w->automount_token;

  (void)v;
  if (brig_wfalse (a))
    return;
  /* The pod sets nothing: its ServiceAccount decides. */
  if (!a->set && brig_wfalse (&w->sa_automount_token))
    return;
  if (a->set)
    brig_findings_add (f, r, w->file, a->loc,
                       "automountServiceAccountToken=%s mounts the service account's API token in "
                       "every container",
                       a->s);
  else
    brig_findings_add (f, r, w->file, w->spec_key_loc.line ? w->spec_key_loc : w->spec_loc,
                       "the pod does not set automountServiceAccountToken=false%s%s%s: the "
                       "service account's API token is mounted in its containers",
                       w->sa_automount_token.set ? " and its ServiceAccount \"" : "",
                       w->sa_automount_token.set
                           ? (w->service_account.set ? w->service_account.s : "default")
                           : "",
                       w->sa_automount_token.set ? "\" sets it true" : "");
}

/* --- uids and gids --------------------------------------------------------- */

/* V as a number; false when it is not one (a template, a typo). */
static bool
number (const struct brig_wval *v, long long *ret)
{
  char *end;

  errno = 0;
  *ret = strtoll (v->s, &end, 10);
  return v->s[0] && *end == '\0' && errno == 0;
}

/* runAsUser or runAsGroup (GROUP) below 10000, container over pod. */
static void
low_id (const struct brig_workload *w, const struct brig_audit_rule *r, struct brig_findings *f,
        bool group)
{
  const struct brig_wval *pod = group ? &w->sec.run_as_group : &w->sec.run_as_user;
  const char *key = group ? "runAsGroup" : "runAsUser";
  bool pod_used = false;
  long long id;

  /* Windows pods run as a user name (windowsOptions.runAsUserName); in a
   * user namespace (hostUsers: false) ids are mapped to a range of the
   * node's that no user of the node has. */
  if (brig_workload_windows (w) || brig_wfalse (&w->host_users))
    return;
  BRIG_EACH_CONTAINER (w, c)
  {
    const struct brig_wval *own = group ? &c->sec.run_as_group : &c->sec.run_as_user;
    if (own->set)
      {
        if (number (own, &id) && id < 10000)
          brig_findings_add (
              f, r, w->file, own->loc, "container \"%s\" sets %s=%lld: below 10000, %s", c->name,
              key, id, id == 0 ? "root's" : "an id the node's own users and services may have");
      }
    else if (pod->set)
      pod_used = true;
    else
      brig_findings_add (f, r, w->file, sec_or_container (c),
                         "neither the pod nor container \"%s\" sets %s: the image's %s applies",
                         c->name, key, group ? "group" : "user");
  }
  if (pod_used && number (pod, &id) && id < 10000)
    brig_findings_add (f, r, w->file, pod->loc, "the pod sets %s=%lld: below 10000, %s", key, id,
                       id == 0 ? "root's" : "an id the node's own users and services may have");
}

static void
check_low_uid (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  (void)v;
  low_id (w, r, f, false);
}

static void
check_low_gid (const struct brig_workload *w, int v, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  (void)v;
  low_id (w, r, f, true);
}

#define N BRIG_PSS_NONE, NULL, 0
#define NOT_PSS "not a Pod Security Standards control; "
static const struct brig_audit_rule rules[] = {
  { "BRIG-K201", "writable root filesystem", BRIG_SEV_MEDIUM, "readOnlyRootFilesystem", N,
    "A writable root lets an intruder change the programs the container runs and keep tools "
    "there; brig run makes every root read-only.",
    "Set securityContext.readOnlyRootFilesystem: true in every container, with an emptyDir "
    "mounted where the program writes (/tmp, /run, its cache).",
    NOT_PSS "CIS Docker 5.13; checkov CKV_K8S_22; trivy KSV-0014; kube-linter "
            "no-read-only-root-fs; kubesec ReadOnlyRootFilesystem; kube-score "
            "container-security-context-readonlyrootfilesystem; polaris notReadOnlyRootFilesystem; "
            "kubescape C-0017; compose and docker run: BRIG-C008",
    check_read_only_root,
    BRIG_SAME_AS ("checkov:CKV_K8S_22", "trivy:KSV-0014", "kube-linter:no-read-only-root-fs",
                  "kubesec:ReadOnlyRootFilesystem",
                  "kube-score:container-security-context-readonlyrootfilesystem",
                  "polaris:notReadOnlyRootFilesystem", "kubescape:C-0017") },
  { "BRIG-K202", "no memory limit", BRIG_SEV_MEDIUM, "resources.limits.memory", N,
    "Without a memory limit one container (a leak, a large request) takes the node's memory and "
    "the kernel kills other pods' processes.  A LimitRange of the pod's namespace in the same "
    "file or stream gives the default (its default, else its max), as admission would; brig "
    "reads files, not the cluster, and does not see one only there.",
    "Set resources.limits.memory in every container (or the pod's spec.resources.limits), or "
    "ship a LimitRange with the manifests; where the cluster's gives the default, suppress with "
    "that as the reason.",
    NOT_PSS "CIS Docker 5.11; checkov CKV_K8S_13; trivy KSV-0018; kube-linter "
            "unset-memory-requirements; kubesec LimitsMemory; kube-score container-resources; "
            "polaris memoryLimitsMissing; kubescape C-0004, C-0271; compose and docker run: "
            "BRIG-C010",
    check_memory_limit,
    BRIG_SAME_AS ("checkov:CKV_K8S_13", "trivy:KSV-0018", "kube-linter:unset-memory-requirements",
                  "kubesec:LimitsMemory", "kube-score:container-resources",
                  "polaris:memoryLimitsMissing", "kubescape:C-0004", "kubescape:C-0271") },
  { "BRIG-K203", "no CPU limit", BRIG_SEV_LOW, "resources.limits.cpu", N,
    "Without a CPU limit one busy container slows every other on the node.  A LimitRange of the "
    "pod's namespace in the same file or stream gives the default; one only in the cluster, brig "
    "does not see.",
    "Set resources.limits.cpu in every container (or the pod's spec.resources.limits).",
    NOT_PSS "CIS Docker 5.12; checkov CKV_K8S_11; trivy KSV-0011; kube-linter "
            "unset-cpu-requirements; kubesec LimitsCPU; kube-score container-resources; polaris "
            "cpuLimitsMissing; kubescape C-0050, C-0270; compose and docker run: BRIG-R006",
    check_cpu_limit,
    BRIG_SAME_AS ("checkov:CKV_K8S_11", "trivy:KSV-0011", "kube-linter:unset-cpu-requirements",
                  "kubesec:LimitsCPU", "kube-score:container-resources", "polaris:cpuLimitsMissing",
                  "kubescape:C-0050", "kubescape:C-0270") },
  { "BRIG-K204", "image :latest or untagged", BRIG_SEV_LOW, "image tag", N,
    "An untagged or :latest image is whatever the registry holds when a node pulls it: two "
    "nodes may run different code, and a rollback brings back nothing.",
    "Name a version (nginx:1.27.3), better a digest (nginx:1.27.3@sha256:...).",
    NOT_PSS "CIS Docker 5.28; checkov CKV_K8S_14; trivy KSV-0013; kube-linter latest-tag; "
            "kube-score container-image-tag; polaris tagNotSpecified; kubescape C-0075; compose "
            "and docker run: BRIG-R005",
    check_image_tag,
    BRIG_SAME_AS ("checkov:CKV_K8S_14", "trivy:KSV-0013", "kube-linter:latest-tag",
                  "kube-score:container-image-tag", "polaris:tagNotSpecified") },
  { "BRIG-K205", "image not pinned by digest", BRIG_SEV_LOW, "image digest", N,
    "A tag can be moved to another image; only a digest names one image, the one that was "
    "reviewed and scanned.",
    "Pin the image by digest: registry/app:1.2@sha256:... (the tag stays for people to read).",
    NOT_PSS "CIS Docker 5.28; checkov CKV_K8S_43; kubescape C-0306", check_image_digest,
    BRIG_SAME_AS ("checkov:CKV_K8S_43", "kubescape:C-0306") },
  { "BRIG-K206", "service account token mounted", BRIG_SEV_LOW, "automountServiceAccountToken", N,
    "Unless told otherwise Kubernetes mounts the service account's token in every container: "
    "whoever takes the container can call the API server with the account's rights.  A "
    "ServiceAccount with automountServiceAccountToken: false turns it off for the pods that set "
    "nothing themselves: brig sees it in the same file or stream and namespace, not in the "
    "cluster.",
    "Set automountServiceAccountToken: false in the pod spec, and true only in pods that call "
    "the API server (with a service account of their own).",
    NOT_PSS "checkov CKV_K8S_38; trivy KSV-0036; kubesec AutomountServiceAccountToken; polaris "
            "automountServiceAccountToken; kubescape C-0034",
    check_automount_token,
    BRIG_SAME_AS ("checkov:CKV_K8S_38", "trivy:KSV-0036", "kubesec:AutomountServiceAccountToken",
                  "polaris:automountServiceAccountToken", "kubescape:C-0034") },
  { "BRIG-K207", "uid below 10000", BRIG_SEV_LOW, "runAsUser", N,
    "A uid below 10000 may be one of the node's own users or services (or root): a process that "
    "escapes the container acts as that user, with its files.",
    "Set runAsUser (in the pod or the container) to 10000 or above, or run the pod in a user "
    "namespace (hostUsers: false).",
    NOT_PSS "checkov CKV_K8S_40; trivy KSV-0020; kubesec RunAsUser; kube-score "
            "container-security-context-user-group-id (checkov passes 10000, trivy and kubesec "
            "want more)",
    check_low_uid,
    BRIG_SAME_AS ("checkov:CKV_K8S_40", "trivy:KSV-0020", "kubesec:RunAsUser",
                  "kube-score:container-security-context-user-group-id") },
  { "BRIG-K208", "gid below 10000", BRIG_SEV_LOW, "runAsGroup", N,
    "A gid below 10000 may be one of the node's own groups (or root's group 0): a process that "
    "escapes the container gets that group's files.",
    "Set runAsGroup (in the pod or the container) to 10000 or above, or run the pod in a user "
    "namespace (hostUsers: false).",
    NOT_PSS "trivy KSV-0021 (and KSV-0116 for group 0); kubesec RunAsGroup; kube-score "
            "container-security-context-user-group-id",
    check_low_gid,
    BRIG_SAME_AS ("trivy:KSV-0021", "kubesec:RunAsGroup",
                  "kube-score:container-security-context-user-group-id") },
};
#undef N

const struct brig_audit_rule *
brig_k8s_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

/* The containers that mount VOL (only those that do not set readOnly:
 * true, if WRITABLE), as "\"a\", \"b\" at /x"; NULL for none. */
static char *
mounted_by (const struct brig_workload *w, const struct brig_wvolume *vol, bool writable)
{
  char *users = NULL;

  BRIG_EACH_CONTAINER (w, c)
  for (size_t k = 0; k < c->nmounts; k++)
    if (strcmp (c->mounts[k].name.s, vol->name) == 0
        && !(writable && brig_wtrue (&c->mounts[k].read_only)))
      {
        const struct brig_wval *at = &c->mounts[k].mount_path;
        _cleanup_free_ char *quoted = writable && at->set
                                          ? xasprintf ("\"%s\" at %s", c->name, at->s)
                                          : xasprintf ("\"%s\"", c->name);
        str_append (&users, ", ", quoted);
        if (!writable)
          break;
      }
  return users;
}

/* BRIG-R003 on hostPath volumes: a directory of the node that changes it
 * (/etc, /usr, the runtime's data), mounted without readOnly: true. */
static void
check_sensitive_host_paths (const struct brig_workload *w, struct brig_findings *f)
{
  const struct brig_audit_rule *r = brig_audit_rule_find ("BRIG-R003");

  for (size_t i = 0; r && i < w->nvolumes; i++)
    {
      const struct brig_wvolume *vol = &w->volumes[i];
      _cleanup_free_ char *norm = NULL, *users = NULL;

      if (!vol->host_path.set || vol->host_path.s[0] != '/'
          || brig_bind_sensitive (vol->host_path.s, &norm) == NULL)
        continue;
      if ((users = mounted_by (w, vol, true)))
        brig_findings_add (f, r, w->file, vol->host_path.loc,
                           "volume \"%s\" is the node's %s (hostPath), mounted writable by %s: "
                           "the container can change the node",
                           vol->name, norm, users);
    }
}

/* BRIG-C003 on hostPath volumes: the container runtime's socket, or the
 * node's /, is the node, read-only or not.  (BRIG-K003 and BRIG-K101 say
 * that any hostPath is one; this is the one that gives the node away.) */
static void
check_host_binds (const struct brig_workload *w, struct brig_findings *f)
{
  const struct brig_audit_rule *r = brig_audit_rule_find ("BRIG-C003");

  for (size_t i = 0; r && i < w->nvolumes; i++)
    {
      const struct brig_wvolume *vol = &w->volumes[i];
      _cleanup_free_ char *norm = NULL, *users = NULL;
      const char *what;

      if (!vol->host_path.set || vol->host_path.s[0] != '/')
        continue;
      what = brig_bind_gives_host (vol->host_path.s, &norm);
      if (what == NULL)
        continue;
      users = mounted_by (w, vol, false);
      if (strcmp (what, "/") == 0)
        brig_findings_add (f, r, w->file, vol->host_path.loc,
                           "volume \"%s\" is the node's / (hostPath)%s%s: every file and secret "
                           "of the node, readable even where the mount is readOnly",
                           vol->name, users ? ", mounted by " : "", users ? users : "");
      else
        brig_findings_add (f, r, w->file, vol->host_path.loc,
                           "volume \"%s\" gives the container %s%s%s (hostPath%s%s): the "
                           "container runtime's API is root on the node, readOnly or not",
                           vol->name, what, what == norm ? "" : " in ",
                           what == norm ? "" : vol->host_path.s, users ? ", mounted by " : "",
                           users ? users : "");
    }
}

void
brig_audit_k8s (const struct brig_workload *w, struct brig_findings *f)
{
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    rules[i].check (w, 0, &rules[i], f);
  check_host_binds (w, f);
  check_sensitive_host_paths (w, f);
}
