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
  BRIG_PSS_BASELINE = 1,
  BRIG_PSS_RESTRICTED = 2,
};

/* The newest policy version brig knows (Kubernetes 1.N). */
#define BRIG_K8S_LATEST 37

struct brig_findings;
struct brig_image;

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
  /* Dockerfile rules (BRIG-Dnnn, policy/image.c) check the image model
   * instead; their LEVEL is 0 and CONTROL a short name. */
  void (*check_image) (const struct brig_image *img, const struct brig_audit_rule *r,
                       struct brig_findings *f);
};

struct brig_finding
{
  const struct brig_audit_rule *rule;
  const char *file;
  struct brig_loc loc;
  char *message;
};

struct brig_findings
{
  struct brig_finding *v;
  size_t n, cap;
};

const struct brig_audit_rule *brig_audit_rules (size_t *ret_n);

/* Judge W at LEVEL for Kubernetes 1.VERSION; findings are appended. */
void brig_audit_workload (const struct brig_workload *w, enum brig_pss_level level, int version,
                          struct brig_findings *f);

void brig_findings_add (struct brig_findings *f, const struct brig_audit_rule *r, const char *file,
                        struct brig_loc loc, const char *fmt, ...)
    __attribute__ ((format (printf, 5, 6)));
void brig_findings_release (struct brig_findings *f);

#endif
