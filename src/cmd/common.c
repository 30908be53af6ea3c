/* What every command shares: printing an error, once. */
#include "cmd/cmd.h"
#include "util/err.h"

#include <stdio.h>

int
brig_fail (int status, struct brig_err *err)
{
  fprintf (stderr, "brig: %s\n", err->msg ? err->msg : "failed");
  brig_err_release (err);
  return status;
}
