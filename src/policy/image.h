/* brig audit's Dockerfile rules (BRIG-Dnnn) over the image model. */
#ifndef BRIG_POLICY_IMAGE_H
#define BRIG_POLICY_IMAGE_H

#include <stddef.h>

#include "model/image.h"
#include "policy/audit.h"

const struct brig_audit_rule *brig_image_rules (size_t *ret_n);

/* Judge IMG by every Dockerfile rule; findings are appended, one per rule
 * and instruction at most, at the offending word (or at the final stage's
 * FROM for what is missing). */
void brig_audit_image (const struct brig_image *img, struct brig_findings *f);

#endif
