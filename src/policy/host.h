/* brig host's rules (BRIG-Vnnn) over the host model (model/host.h): the
 * machine's virtualisation, kernel and Docker daemon as they are. */
#ifndef BRIG_POLICY_HOST_H
#define BRIG_POLICY_HOST_H

#include <stddef.h>

#include "model/host.h"
#include "policy/audit.h"

const struct brig_audit_rule *brig_host_rules (size_t *ret_n);

/* Judge H by every host rule on TODAY (YYYYMMDD: the kernel's end of
 * life); findings are appended at the file that shows each. */
void brig_audit_host (const struct brig_host *h, int today, struct brig_findings *f);

#endif
