/* The policy file (/etc/brig/policy.json, docs/policy.md):
 *
 *   { "rules": { "BRIG-C008": "audit", ... },
 *     "allowed_capabilities": ["CAP_CHOWN", ...],
 *     "allowed_devices": ["c 10:229", "/dev/net/tun c 10:200"],
 *     "limits": { "memory": "512m", "pids": 1024 } }
 *
 * Every key is optional; what is not said keeps the default (the hardened
 * setup).  Unknown keys and rule ids are errors, so a typo never silently
 * weakens the policy. */
#ifndef BRIG_POLICY_FILE_H
#define BRIG_POLICY_FILE_H

#include <stddef.h>

#include "policy/policy.h"
#include "util/err.h"

int brig_parse_policy (const char *buf, size_t len, const char *filename, struct brig_policy **ret,
                       struct brig_err *err);

#endif
