/* Fuzz the Dockerfile parser (directives, continuations, heredocs, JSON
 * forms, word expansion, RUN splitting), the image model built from it and
 * the Dockerfile rules over the model. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/dockerfile.h"
#include "policy/image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_dockerfile *df = NULL;
  struct brig_image *img = NULL;
  struct brig_findings f = { 0 };

  (void)brig_dockerfile_detect ((const char *)data, size);
  if (brig_dockerfile_parse ((const char *)data, size, "fuzz.Dockerfile", &df, &err) == 0)
    {
      for (size_t i = 0; i < df->n; i++)
        (void)brig_dinstr_loc (&df->v[i], df->v[i].len / 2);
      if (brig_image_from_dockerfile (df, &img, &err) == 0)
        {
          brig_audit_image (img, &f);
          /* Again with another final stage (--target), when it has one. */
          if (brig_image_target (img, "build") == 0)
            brig_audit_image (img, &f);
          brig_image_free (img);
        }
      brig_dockerfile_free (df);
    }
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
