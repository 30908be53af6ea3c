/* Fuzz brig audit --image's reading of layers (image/scan.c): the input is
 * up to four tar layers, bottom first, separated by the bytes BRIGLAYR;
 * whiteouts, opaque directories and replaced entries are applied as for
 * an image of the store, and the files that are left are judged by the
 * image rules. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/scan.h"
#include "policy/stored_image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define SEP "BRIGLAYR"
#define MAX_LAYERS 4

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const struct brig_load_opts bounds = { .max_layer = 1 << 24, .max_entries = 10000 };
  struct brig_scan_opts o = { .watch = brig_image_watch, .bounds = &bounds };
  struct brig_tar_mem m[MAX_LAYERS];
  struct brig_tar t[MAX_LAYERS];
  struct brig_image_scan scan = { 0 };
  struct brig_findings f = { 0 };
  struct brig_err err = { 0 };
  size_t n = 0, start = 0;

  for (size_t i = 0; n < MAX_LAYERS; i++)
    {
      bool end = i + strlen (SEP) > size;
      if (!end && memcmp (data + i, SEP, strlen (SEP)) != 0)
        continue;
      m[n] = (struct brig_tar_mem){ data + start, (end ? size : i) - start, 0 };
      brig_tar_init (&t[n], brig_tar_mem_read, &m[n], "fuzz layer");
      n++;
      if (end)
        break;
      start = i + strlen (SEP);
      i = start - 1;
    }
  if (brig_scan_tars (t, n, &o, &scan, &err) == 0)
    {
      brig_image_scan_name (&scan, "fuzz:1@sha256:0");
      scan.ref = strdup ("fuzz:1");
      brig_audit_stored_image (&scan, &f);
    }
  brig_findings_release (&f);
  brig_image_scan_release (&scan);
  brig_err_release (&err);
  return 0;
}
