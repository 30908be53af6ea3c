/* The model as the OCI runtime spec writes it: config.json for `spec`, the
 * seccomp section, and the features document. */
#ifndef BRIG_REPORT_OCI_SPEC_H
#define BRIG_REPORT_OCI_SPEC_H

#include <jansson.h>
#include <stdint.h>

#include "model/container.h"
#include "util/err.h"

/* linux.seccomp for a container holding CAPS (bounding): the profile's
 * conditions on capabilities resolved, nothing else changed. */
json_t *brig_oci_seccomp_json (const struct brig_seccomp *p, uint64_t caps);

/* config.json for C (root.path as c->rootfs). */
json_t *brig_oci_spec_json (const struct brig_container *c);
int brig_oci_spec_write (int fd, const struct brig_container *c, struct brig_err *err);

/* A JSON array of the strings of V (NULL: empty). */
json_t *brig_strv_json (char *const *v);

/* The OCI features document, true to what brig supports. */
json_t *brig_oci_features (void);

#endif
