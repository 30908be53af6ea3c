/* Fuzz the YAML reader, the compose reader (extends through a loader that
 * hands back the same file, or says it is missing; variables from a fixed
 * .env; include entries) and the container rules behind them. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "parse/compose.h"
#include "policy/audit.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
load (void *ctx, const char *from, const char *path, const struct brig_yaml **ret_y,
      const char **ret_name, struct brig_err *err)
{
  (void)from;
  if (path[0] == 'm')
    return brig_error (err, ENOENT, "open `%s`", path);
  *ret_y = ctx;
  *ret_name = "other.yaml";
  return 0;
}

static void
warn (void *ctx, const char *message)
{
  (void)ctx;
  (void)message;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_workload *w = NULL;
  struct brig_findings f = { 0 };
  size_t n = 0;

  if (brig_yaml_load ((const char *)data, size, "fuzz.yaml", &y, &err) == 0)
    {
      static char *env[] = { (char *)"EMPTY=", (char *)"PRIV=true", (char *)"TAG=latest", NULL };
      struct brig_compose_loader loader = { load, warn, y, env };
      struct brig_compose_include *inc = NULL;
      size_t ninc = 0;
      if (brig_compose_includes (y, "fuzz.yaml", env, &inc, &ninc, &err) == 0)
        brig_compose_includes_free (inc, ninc);
      brig_err_release (&err);
      (void)brig_compose_detect (y);
      if (brig_parse_compose (y, "fuzz.yaml", &loader, &w, &n, &err) == 0)
        for (size_t i = 0; i < n; i++)
          brig_audit_container (&w[i], &f);
      brig_workloads_free (w, n);
      brig_yaml_free (y);
    }
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
