/* Fuzz the value parsers behind --memory, --cpus, --ulimit and --tmpfs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/units.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = xstrndup ((const char *)data, size);
  struct brig_err err = { 0 };
  int64_t v;
  uint64_t u;
  struct brig_rlimit rl;
  struct brig_mount t;

  brig_parse_size (s, &v, &err);
  brig_err_release (&err);
  brig_parse_cpus (s, &u, &err);
  brig_err_release (&err);
  brig_parse_int64 (s, -1, 1000, &v, &err);
  brig_err_release (&err);
  brig_parse_ulimit (s, &rl, &err);
  brig_err_release (&err);
  if (brig_parse_tmpfs (s, &t, &err) == 0)
    brig_mount_release (&t);
  brig_err_release (&err);
  free (s);
  return 0;
}
