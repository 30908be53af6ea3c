/* Fuzz config.json for brig audit: the runtime's reader with the located
 * YAML tree beside it, its errors placed, and the gate's decisions placed
 * at their keys. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/ocifile.h"
#include "policy/oci_audit.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_container *c = NULL;
  struct brig_locmap where = { 0 };
  struct brig_findings f = { 0 };

  if (brig_parse_oci_located ((const char *)data, size, "b/config.json", NULL, &c, &where, &err)
      == 0)
    {
      brig_audit_oci (c, &where, "b/config.json", &f);
      brig_container_free (c);
    }
  brig_locmap_release (&where);
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
