/* An OCI bundle's config.json for brig audit: the runtime's reader
 * (parse/oci.h) builds the container model, and the located YAML tree of
 * the same text says where each of its values was written (model/locmap.h),
 * which jansson does not. */
#ifndef BRIG_PARSE_OCIFILE_H
#define BRIG_PARSE_OCIFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/container.h"
#include "model/locmap.h"
#include "parse/yaml.h"
#include "util/err.h"

/* Is NAME (a file's name, without its directory) config.json? */
bool brig_oci_config_name (const char *name);

/* Is Y one object with an ociVersion member? */
bool brig_oci_config_detect (const struct brig_yaml *y);

/* Every value of the document ROOT, by path, appended to RET.  Bounded:
 * past 1M values the rest is not recorded (a path not found is located at
 * its nearest recorded parent). */
void brig_json_locmap (const struct brig_ynode *root, struct brig_locmap *ret);

/* Read FILE's text BUF (LEN bytes) as the runtime would (its directory is
 * the bundle), into *RET, and where its values are into *RET_WHERE.  Y is
 * the text already parsed as YAML, or NULL.  An error is the runtime
 * reader's, with the FILE:LINE:COL of the value it is about. */
int brig_parse_oci_located (const char *buf, size_t len, const char *file,
                            const struct brig_yaml *y, struct brig_container **ret,
                            struct brig_locmap *ret_where, struct brig_err *err);

#endif
