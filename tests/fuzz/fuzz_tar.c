/* Fuzz the tar reader: every entry's header and data are read to the end
 * of the archive or the first error. */
#include <stdint.h>
#include <stdlib.h>

#include "image/tar.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_tar_mem m = { data, size, 0 };
  struct brig_tar t;
  struct brig_tar_entry e;
  struct brig_err err = { 0 };
  char buf[700];
  size_t got;
  int r;

  brig_tar_init (&t, brig_tar_mem_read, &m, "fuzz.tar");
  while ((r = brig_tar_next (&t, &e, &err)) == 1)
    {
      while ((r = brig_tar_read (&t, buf, sizeof buf, &got, &err)) == 0 && got > 0)
        ;
      brig_tar_entry_release (&e);
      if (r < 0)
        break;
    }
  brig_err_release (&err);
  return 0;
}
