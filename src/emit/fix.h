/* brig audit --fix: the hardened version of a file, written as the least
 * edit of its text in its own format (emit/edit.h).  Each fixer reads the
 * file again into the model, takes the findings in force for it (the
 * caller has dropped suppressed ones and those .brig.yml or --severity
 * turned off) and adds the edits that make each go away, for the rules
 * that have a fix; the rest are left for a person (unpinned images, host
 * paths, a uid that only the author can choose).
 *
 * The values a fix writes are brig run's defaults: a 512m memory and 1024
 * pids limit, user 10001:10001, ports on 127.0.0.1, cap_drop ALL,
 * no-new-privileges, a read-only root with tmpfs on /tmp and /run.  CPU
 * limits, restart policies and health checks are not written: their
 * values are the workload's own. */
#ifndef BRIG_EMIT_FIX_H
#define BRIG_EMIT_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include "emit/edit.h"
#include "policy/audit.h"
#include "util/err.h"

/* The unprivileged user a fix names (numeric: no /etc/passwd needed, and
 * Kubernetes can check runAsNonRoot against it). */
#define BRIG_FIX_USER "10001:10001"
#define BRIG_FIX_UID "10001"
#define BRIG_FIX_MEMORY "512m"
#define BRIG_FIX_PIDS "1024"
#define BRIG_FIX_K8S_MEMORY "512Mi"

/* Is F a finding of the rule with ID? */
static inline bool
brig_fix_is (const struct brig_finding *f, const char *id)
{
  return __builtin_strcmp (f->rule->id, id) == 0;
}

/* Each adds to E (made over the file's text) the edits for the findings
 * F[0..N) of FILE, and returns how many it fixed, or -1 (ERR) when the
 * file cannot be read again. */
int brig_fix_k8s (struct brig_edits *e, const char *file, const struct brig_finding *f, size_t n,
                  struct brig_err *err);
int brig_fix_compose (struct brig_edits *e, const char *file, const struct brig_finding *f,
                      size_t n, struct brig_err *err);
/* MAKE: the file is a Makefile. */
int brig_fix_dockerrun (struct brig_edits *e, const char *file, bool make,
                        const struct brig_finding *f, size_t n, struct brig_err *err);
/* TARGET: the stage --target made the final one, or NULL. */
int brig_fix_dockerfile (struct brig_edits *e, const char *file, const char *target,
                         const struct brig_finding *f, size_t n, struct brig_err *err);

#endif
