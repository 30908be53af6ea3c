/* Fuzz brig audit --fix: the first byte picks the format (Kubernetes,
 * compose, docker run lines, Dockerfile), the rest is the file.  It is
 * judged, fixed, and the fixed text must parse again in the same format:
 * an edit that breaks a file is a crash here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit/fix.h"
#include "model/image.h"
#include "parse/compose.h"
#include "parse/dockerfile.h"
#include "parse/dockerrun.h"
#include "parse/k8s.h"
#include "parse/yaml.h"
#include "policy/audit.h"
#include "policy/image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Judge BUF in FORMAT; 0, or -1 when it does not parse. */
static int
judge (int format, const char *buf, size_t len, struct brig_findings *f)
{
  struct brig_err err = { 0 };
  struct brig_workload *w = NULL;
  size_t n = 0;
  int r = 0;

  if (format == 0 || format == 1)
    {
      struct brig_yaml *y = NULL;
      if (brig_yaml_load (buf, len, "fuzz.yaml", &y, &err) < 0)
        r = -1;
      else if (format == 0 ? brig_parse_k8s (y, "fuzz.yaml", &w, &n, &err) < 0
                           : brig_parse_compose (y, "fuzz.yaml", NULL, &w, &n, &err) < 0)
        r = -1;
      for (size_t i = 0; i < n && f; i++)
        if (format == 0)
          brig_audit_workload (&w[i], BRIG_PSS_RESTRICTED, BRIG_K8S_LATEST, f);
        else
          brig_audit_container (&w[i], f);
      brig_workloads_free (w, n);
      brig_yaml_free (y);
    }
  else if (format == 2)
    {
      if (brig_parse_dockerrun (buf, len, "fuzz.sh", false, &w, &n, &err) < 0)
        r = -1;
      for (size_t i = 0; i < n && f; i++)
        brig_audit_container (&w[i], f);
      brig_workloads_free (w, n);
    }
  else
    {
      struct brig_image *img = NULL;
      if (brig_parse_dockerfile (buf, len, "Dockerfile", &img, &err) < 0)
        r = -1;
      else if (f)
        brig_audit_image (img, f);
      brig_image_free (img);
    }
  brig_err_release (&err);
  return r;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_findings f = { 0 };
  struct brig_edits e;
  struct brig_err err = { 0 };
  const char *buf = (const char *)data + 1;
  size_t len = size ? size - 1 : 0;
  int format, r = 0;

  if (size == 0)
    return 0;
  format = data[0] % 4;
  if (judge (format, buf, len, &f) < 0 || f.n == 0)
    {
      brig_findings_release (&f);
      return 0;
    }
  brig_edits_init (&e, buf, len);
  switch (format)
    {
    case 0:
      r = brig_fix_k8s (&e, "fuzz.yaml", f.v, f.n, &err);
      break;
    case 1:
      r = brig_fix_compose (&e, "fuzz.yaml", f.v, f.n, &err);
      break;
    case 2:
      r = brig_fix_dockerrun (&e, "fuzz.sh", false, f.v, f.n, &err);
      break;
    default:
      r = brig_fix_dockerfile (&e, "Dockerfile", NULL, f.v, f.n, &err);
      break;
    }
  if (r >= 0 && e.n > 0)
    {
      size_t outlen;
      char *out = brig_edits_apply (&e, &outlen);
      char *diff = brig_diff ("fuzz", buf, len, out, outlen);
      if (judge (format, out, outlen, NULL) < 0)
        abort (); /* the fix broke the file */
      free (diff);
      free (out);
    }
  brig_edits_release (&e);
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
