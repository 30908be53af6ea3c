/* Fuzz the Dockerfile parser (directives, continuations, heredocs, JSON
 * forms, word expansion, RUN splitting), the image model built from it,
 * the Dockerfile rules over the model, and the JSON report of what they
 * found (which quotes the input's bytes): it must be JSON that jansson
 * reads back. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "parse/dockerfile.h"
#include "policy/image.h"
#include "report/findings.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Write the report of F (and of the parse error ERR, if any) as JSON, and
 * read it back: every finding and the error are in it. */
static void
report_json (struct brig_findings *f, struct brig_err *err)
{
  struct brig_audit_error e = { (char *)"fuzz.Dockerfile", err->msg };
  struct brig_audit_report r = { .findings = *f, .errors = &e, .nerrors = err->msg != NULL };
  char *out = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&out, &len);
  json_t *j;
  json_error_t je;

  if (m == NULL)
    abort ();
  brig_report_json (m, &r);
  fclose (m);
  j = json_loadb (out, len, 0, &je);
  if (j == NULL)
    {
      fprintf (stderr, "brig_report_json wrote what is not JSON (%s):\n%s\n", je.text, out);
      abort ();
    }
  if (json_array_size (json_object_get (j, "findings")) != f->n
      || json_array_size (json_object_get (j, "errors")) != r.nerrors)
    {
      fprintf (stderr, "brig_report_json left out a finding or an error:\n%s\n", out);
      abort ();
    }
  json_decref (j);
  free (out);
}

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
  report_json (&f, &err);
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
