/* Fuzz the --env-file parser, compose's .env reader and the interpolation
 * of its variables (into the input itself, as a value, and with no
 * variable set). */
#include <stdint.h>
#include <stdlib.h>

#include "parse/envfile.h"
#include "util/mem.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  char **env = NULL;

  brig_parse_envfile ((const char *)data, size, "fuzz.env", &env, &err);
  strv_free (env);
  env = NULL;
  brig_parse_dotenv ((const char *)data, size, &env);
  {
    char *s = xstrndup ((const char *)data, size), *v = brig_env_interpolate (s, env);
    free (v);
    free (brig_env_defaults (s));
    free (s);
  }
  strv_free (env);
  brig_err_release (&err);
  return 0;
}
