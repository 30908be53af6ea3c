/* Fuzz the OCI config.json reader. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/oci.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_container *c = NULL;

  if (brig_parse_oci_config ((const char *)data, size, "config.json", "/bundle", &c, &err) == 0)
    brig_container_free (c);
  brig_err_release (&err);
  return 0;
}
