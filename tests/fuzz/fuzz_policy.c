/* Fuzz the policy file reader. */
#include <stdint.h>
#include <stdlib.h>

#include "policy/file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_policy *p = NULL;

  if (brig_parse_policy ((const char *)data, size, "policy.json", &p, &err) == 0)
    brig_policy_free (p);
  brig_err_release (&err);
  return 0;
}
