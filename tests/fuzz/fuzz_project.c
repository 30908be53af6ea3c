/* Fuzz the project file reader (.brig.yml) and its exclude patterns. */
#include <stdint.h>
#include <stdlib.h>

#include "policy/project.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const paths[]
      = { "a", "vendor/x.yaml", "charts/web/templates/d.yaml", "a/b/c/d/e/f/g/h.yml", "x y/[z]" };
  struct brig_err err = { 0 };
  struct brig_project p;

  if (brig_project_parse ((const char *)data, size, ".brig.yml", &p, &err) == 0)
    {
      for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        (void)brig_project_excluded (&p, paths[i]);
      brig_project_release (&p);
    }
  brig_err_release (&err);
  return 0;
}
