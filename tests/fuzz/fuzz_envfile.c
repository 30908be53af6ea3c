/* Fuzz the --env-file parser. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/envfile.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  char **env = NULL;

  brig_parse_envfile ((const char *)data, size, "fuzz.env", &env, &err);
  strv_free (env);
  brig_err_release (&err);
  return 0;
}
