#include "util/err.h"
#include "util/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
brig_error (struct brig_err *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  char *msg;

  va_start (ap, fmt);
  msg = xvasprintf (fmt, ap);
  va_end (ap);

  if (errnum > 0)
    {
      char *full = xasprintf ("%s: %s", msg, strerror (errnum));
      free (msg);
      msg = full;
    }
  free (err->msg);
  err->msg = msg;
  err->code = errnum > 0 ? errnum : 0;
  return errnum > 0 ? -errnum : -EINVAL;
}

int
brig_err_wrap (struct brig_err *err, const char *fmt, ...)
{
  va_list ap;
  char *ctx;

  va_start (ap, fmt);
  ctx = xvasprintf (fmt, ap);
  va_end (ap);

  if (err->msg == NULL)
    err->msg = ctx;
  else
    {
      char *full = xasprintf ("%s: %s", ctx, err->msg);
      free (ctx);
      free (err->msg);
      err->msg = full;
    }
  return err->code > 0 ? -err->code : -EINVAL;
}

void
brig_err_release (struct brig_err *err)
{
  free (err->msg);
  err->msg = NULL;
  err->code = 0;
}
