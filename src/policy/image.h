/* brig audit's Dockerfile rules (BRIG-Dnnn) over the image model. */
#ifndef BRIG_POLICY_IMAGE_H
#define BRIG_POLICY_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/image.h"
#include "policy/audit.h"

const struct brig_audit_rule *brig_image_rules (size_t *ret_n);

/* Judge IMG by every Dockerfile rule; findings are appended, one per rule
 * and instruction at most, at the offending word (or at the final stage's
 * FROM for what is missing). */
void brig_audit_image (const struct brig_image *img, struct brig_findings *f);

/* Shared with the rules over stored images (policy/stored_image.c). */
/* Is NAME (an ENV or ARG variable) named like a secret (PASSWORD, TOKEN,
 * API_KEY...) and not like something about one (_FILE, _URL, a GPG key)? */
bool brig_secret_name (const char *name);
/* Does an EXPOSE word or an ExposedPorts key (22, 22/tcp, 20-30/udp)
 * include PORT? */
bool brig_expose_covers (const char *s, unsigned long port);

#endif
