/* What every command shares: printing an error, once. */
#include "cmd/cmd.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

int
brig_fail (int status, struct brig_err *err)
{
  fprintf (stderr, "brig: %s\n", err->msg ? err->msg : "failed");
  brig_err_release (err);
  return status;
}

int
brig_format_arg (const char *arg, bool *json, bool *sarif, struct brig_err *err)
{
  if (strcmp (arg, "text") == 0 || strcmp (arg, "json") == 0 || strcmp (arg, "sarif") == 0)
    {
      *json = arg[0] == 'j';
      *sarif = arg[0] == 's';
      return 0;
    }
  return brig_error (err, 0, "`%s`: expected text, json or sarif", arg);
}

int
brig_severity_arg (const char *arg, enum brig_severity *ret, bool *never, struct brig_err *err)
{
  static const enum brig_severity all[]
      = { BRIG_SEV_LOW, BRIG_SEV_MEDIUM, BRIG_SEV_HIGH, BRIG_SEV_CRITICAL };

  if (never)
    *never = strcmp (arg, "never") == 0;
  if (never && *never)
    return 0;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (strcmp (arg, brig_severity_name (all[i])) == 0)
      {
        *ret = all[i];
        return 0;
      }
  return brig_error (err, 0, "`%s`: expected low, medium, high or critical%s", arg,
                     never ? " (or never)" : "");
}
