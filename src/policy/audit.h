/* brig audit's rules over the workload model, and what they find.  The
 * Kubernetes Pod Security Standards are here control by control, as
 * pod-security-admission defines them (levels, versions, exemptions). */
#ifndef BRIG_POLICY_AUDIT_H
#define BRIG_POLICY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/workload.h"
#include "policy/policy.h"

enum brig_pss_level
{
  BRIG_PSS_NONE = 0, /* a rule that is not a Pod Security Standards control */
  BRIG_PSS_BASELINE = 1,
  BRIG_PSS_RESTRICTED = 2,
};

/* The newest policy version brig knows (Kubernetes 1.N). */
#define BRIG_K8S_LATEST 37

struct brig_findings;
struct brig_image;
struct brig_daemon;
struct brig_host;
struct brig_image_scan;

struct brig_audit_rule
{
  const char *id; /* stable: BRIG-Knnn */
  const char *title;
  enum brig_severity severity;
  const char *control;          /* the Pod Security Standards check it is */
  enum brig_pss_level level;    /* the lowest level that has it */
  const char *overrides;        /* the baseline control it replaces at its level */
  int since;                    /* the first Kubernetes 1.N it applies to */
  const char *why, *fix, *refs; /* refs: PSS, CIS, and the other tools' ids */
  void (*check) (const struct brig_workload *w, int version, const struct brig_audit_rule *r,
                 struct brig_findings *f);
  /* The same check in other tools, "tool:id" ("checkov:CKV_K8S_16",
   * "kube-linter:privileged-container"), NULL-terminated or NULL: their
   * suppressions silence this rule (policy/suppress.h). */
  const char *const *same_as;
  /* Dockerfile rules (BRIG-Dnnn, policy/image.c) check the image model
   * instead; their LEVEL is 0 and CONTROL a short name. */
  void (*check_image) (const struct brig_image *img, const struct brig_audit_rule *r,
                       struct brig_findings *f);
  /* Docker daemon rules (BRIG-Hnnn, policy/daemon_rules.c) check a
   * daemon.json instead; their LEVEL is 0 and CONTROL the option. */
  void (*check_daemon) (const struct brig_daemon *d, const struct brig_audit_rule *r,
                        struct brig_findings *f);
  /* Host rules (BRIG-Vnnn, policy/host_rules.c) check the host model
   * (model/host.h) on TODAY (YYYYMMDD) instead; LEVEL 0, CONTROL what
   * they read. */
  void (*check_host) (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                      struct brig_findings *f);
  /* Stored image rules (BRIG-Innn, policy/stored_image.c) check an image
   * of the store or an archive (model/imagescan.h) instead; LEVEL 0,
   * CONTROL a short name. */
  void (*check_scan) (const struct brig_image_scan *img, const struct brig_audit_rule *r,
                      struct brig_findings *f);
};

/* For the rules over pods (pss.c, k8s_rules.c): each container of W (its
 * containers, initContainers and ephemeralContainers) as C. */
#define BRIG_EACH_CONTAINER(w, c)                                                                  \
  for (const struct brig_wcontainer *c = (w)->containers; c < (w)->containers + (w)->ncontainers;  \
       c++)

/* Is W a Windows pod (spec.os.name: windows)? */
bool brig_workload_windows (const struct brig_workload *w);

/* A rule's same_as list, written in its table entry. */
#define BRIG_SAME_AS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* What silenced a finding: a comment or an annotation, in brig's syntax
 * or another tool's (policy/suppress.h). */
enum brig_suppress_kind
{
  BRIG_SUPPRESS_COMMENT,
  BRIG_SUPPRESS_ANNOTATION,
  BRIG_SUPPRESS_LABEL, /* an image's config label (brig audit --image) */
};

/* "comment", "annotation", "label". */
const char *brig_suppress_kind_name (enum brig_suppress_kind k);

struct brig_suppression
{
  enum brig_suppress_kind kind;
  const char *tool;    /* whose syntax: "brig", "checkov", "trivy", "kube-linter"... */
  struct brig_loc loc; /* of the comment or annotation, in the finding's file */
  char *reason;        /* NULL when none was given */
  char until[11];      /* YYYY-MM-DD, or "" */
};

struct brig_finding
{
  const struct brig_audit_rule *rule;
  const char *file;
  struct brig_loc loc;
  char *message;
  enum brig_severity severity;         /* the rule's, or what .brig.yml made it */
  const char *fix;                     /* NULL: the rule's (brig_finding_fix) */
  struct brig_suppression *suppressed; /* NULL: in force */
  /* The first line of the command that holds it, when that is continued
   * over lines (a docker run with backslash-newlines), where comments
   * cannot go between the lines: comments above it suppress too.  0:
   * none. */
  int first_line;
};

/* How to fix X: in the words of the file it was found in. */
static inline const char *
brig_finding_fix (const struct brig_finding *x)
{
  return x->fix ? x->fix : x->rule->fix;
}

struct brig_findings
{
  struct brig_finding *v;
  size_t n, cap;
};

const struct brig_audit_rule *brig_audit_rules (size_t *ret_n);
/* The rule with ID (any case), or NULL. */
const struct brig_audit_rule *brig_audit_rule_find (const char *id);

/* Judge W at LEVEL for Kubernetes 1.VERSION; findings are appended. */
void brig_audit_workload (const struct brig_workload *w, enum brig_pss_level level, int version,
                          struct brig_findings *f);

/* The rules over Docker's settings (compose services, docker run lines;
 * src/policy/container_rules.c): BRIG-Cnnn where the runtime gate has the
 * same rule (src/policy/rules.c: same id, title and severity), BRIG-Rnnn
 * for what only an audit can see.  Their level is BRIG_PSS_NONE. */
const struct brig_audit_rule *brig_container_rules (size_t *ret_n);

/* A bind of the host's PATH that gives the container the host (BRIG-C003):
 * the engine's socket PATH is or holds, or "/" for the host's root; NULL
 * for another path.  *RET_NORM (to free) is PATH normalised; what is
 * returned is it or a static string. */
const char *brig_bind_gives_host (const char *path, char **ret_norm);
/* A bind of the host's PATH that lets the container change the host when
 * writable (BRIG-R003): the sensitive directory (/etc, /usr, the engines'
 * data...) PATH is or is under; NULL for another path and for an engine's
 * socket (BRIG-C003's).  *RET_NORM (to free) is PATH normalised. */
const char *brig_bind_sensitive (const char *path, char **ret_norm);

/* The hardening rules on Kubernetes workloads beyond the Pod Security
 * Standards (src/policy/k8s_rules.c): BRIG-K2nn, level BRIG_PSS_NONE, the
 * same at every --level, and BRIG-C003 on hostPath volumes.
 * brig_audit_workload applies them after the controls of its level. */
const struct brig_audit_rule *brig_k8s_rules (size_t *ret_n);
void brig_audit_k8s (const struct brig_workload *w, struct brig_findings *f);

/* Every rule brig audit knows, in --list-rules order: brig_audit_rules ()
 * (the Pod Security Standards' and the suppression rules), then
 * brig_container_rules (); NULL past the end.  The tables' own pointers,
 * as a finding's rule is. */
const struct brig_audit_rule *brig_audit_rule_nth (size_t i);

/* Judge a compose service or a docker run line; findings are appended. */
void brig_audit_container (const struct brig_workload *w, struct brig_findings *f);

void brig_findings_add (struct brig_findings *f, const struct brig_audit_rule *r, const char *file,
                        struct brig_loc loc, const char *fmt, ...)
    __attribute__ ((format (printf, 5, 6)));
void brig_findings_release (struct brig_findings *f);
/* Free what one finding owns (its message, its suppression). */
void brig_finding_release (struct brig_finding *x);

#endif
