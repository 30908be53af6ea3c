/* Fuzz the seccomp profile parser (Docker and OCI JSON). */
#include <stdint.h>
#include <stdlib.h>

#include "parse/seccomp_json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_seccomp *p = NULL;

  if (brig_parse_seccomp_json ((const char *)data, size, "fuzz.json", &p, &err) == 0)
    brig_seccomp_free (p);
  brig_err_release (&err);
  return 0;
}
