/* OCI runtime spec config.json -> container model. */
#ifndef BRIG_PARSE_OCI_H
#define BRIG_PARSE_OCI_H

#include <stddef.h>

#include "model/container.h"
#include "util/err.h"

/* Parse a bundle's config.json.  BUNDLE is the bundle directory (a relative
 * root.path is taken from it).  The model says exactly what the config
 * says, nothing hardened: that is the policy gate's job.  Errors name
 * FILENAME and the JSON path ("process.capabilities.bounding[2]"), or the
 * line:col of a syntax error, and what is allowed.  What brig cannot yet
 * execute is refused by name, never ignored. */
int brig_parse_oci_config (const char *buf, size_t len, const char *filename, const char *bundle,
                           struct brig_container **ret, struct brig_err *err);

/* A process object (exec --process FILE) applied to C: args, env, cwd,
 * user, capabilities, rlimits, terminal, noNewPrivileges replace C's. */
int brig_parse_oci_process (const char *buf, size_t len, const char *filename,
                            struct brig_container *c, struct brig_err *err);

/* Split OCI mount options into M's MS_* flags, propagation, idmapping and
 * filesystem data; sets *ret_bind for "bind"/"rbind".  Unknown options are
 * filesystem data. */
int brig_oci_mount_options (char *const *options, const char *where, struct brig_mount *m,
                            int *ret_bind, struct brig_err *err);

#endif
