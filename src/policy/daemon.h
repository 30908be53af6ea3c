/* brig audit's Docker daemon rules (BRIG-Hnnn) over the daemon model:
 * what a daemon.json sets, judged by the daemon section of the CIS Docker
 * Benchmark (1.6.0, the numbering of docker-bench-security v1.6.0). */
#ifndef BRIG_POLICY_DAEMON_H
#define BRIG_POLICY_DAEMON_H

#include <stddef.h>

#include "model/daemon.h"
#include "policy/audit.h"

const struct brig_audit_rule *brig_daemon_rules (size_t *ret_n);

/* Judge D by every daemon rule; findings are appended, at the option that
 * breaks the rule (an item of a list where one item does), or at the
 * object's start when the option is missing and dockerd's default breaks
 * it. */
void brig_audit_daemon (const struct brig_daemon *d, struct brig_findings *f);

#endif
