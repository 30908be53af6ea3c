/* brig audit of an OCI bundle's config.json: the runtime gate's rules
 * (policy/rules.c) over the container model the runtime itself reads,
 * reported rather than applied. */
#ifndef BRIG_POLICY_OCI_AUDIT_H
#define BRIG_POLICY_OCI_AUDIT_H

#include "model/container.h"
#include "model/locmap.h"
#include "policy/audit.h"

/* Judge C, read from FILE, by the gate in audit mode: nothing is hardened
 * or refused; each decision is a finding of the audit rule with the same
 * id (policy/container_rules.c, so SARIF and suppressions know it), at
 * the JSON key it is about (WHERE: model/locmap.h), or at the nearest
 * written parent when the key is missing.  A rule about items (mounts,
 * device nodes, device rules, capabilities, namespaces) is reported once
 * per offending item.  The policy is the built-in one but for the limits:
 * only a missing limit is a finding (the gate also caps limits above its
 * own, which is brig run's choice, not a fault of the file).  A namespace
 * joined by a path of the host's own (/proc/1/ns/..., /proc/self/ns/...)
 * counts as the host's; that is the one change made to C. */
void brig_audit_oci (struct brig_container *c, const struct brig_locmap *where, const char *file,
                     struct brig_findings *f);

#endif
