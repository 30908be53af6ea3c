/* The audit log: one JSON object per line for each lifecycle event of a
 * container (created, relaxation, started, exited), so that a host keeps a
 * record of what ran with which exceptions to the hardened defaults. */
#ifndef BRIG_REPORT_AUDITLOG_H
#define BRIG_REPORT_AUDITLOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "model/container.h"
#include "util/err.h"

struct brig_auditlog
{
  int fd;
  char *path;
};

/* Open PATH for appending (created 0600, parents 0700). */
int brig_auditlog_open (const char *path, struct brig_auditlog *ret, struct brig_err *err);
void brig_auditlog_close (struct brig_auditlog *log);

/* Each writes one line with a single write(2) and returns 0 or -errno. */
int brig_audit_created (struct brig_auditlog *log, const struct brig_container *c);
int brig_audit_relaxations (struct brig_auditlog *log, const struct brig_container *c);
int brig_audit_started (struct brig_auditlog *log, const struct brig_container *c, pid_t pid);
/* One decision of the policy gate: the rule, what was done, why. */
int brig_audit_decision (struct brig_auditlog *log, const struct brig_container *c,
                         const char *rule, const char *action, const char *detail);

/* The image a container runs, as exactly as the store knows it: REF as
 * the user gave it, the manifest DIGEST and IMAGE_ID (config digest) it
 * resolved to, whether REF pinned that digest, and what the image
 * declares that brig run does not act on (ports, health check). */
struct brig_audit_image_info
{
  const char *ref, *digest, *image_id;
  bool pinned;
  char *const *exposed_ports; /* or NULL */
  char *const *healthcheck;   /* or NULL */
};
int brig_audit_image_ran (struct brig_auditlog *log, const struct brig_container *c,
                          const struct brig_audit_image_info *info);

/* STATUS is a wait(2) status; or pass status -1 and REASON for a container
 * that ended without one (start failed, brig was killed). */
int brig_audit_exited (struct brig_auditlog *log, const struct brig_container *c, int status,
                       bool oom_killed, const char *reason);

#endif
