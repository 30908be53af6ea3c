/* Fuzz the option parser: the input, split at NUL bytes, is an argv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/opt.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
set (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  if (arg && strcmp (arg, "bad") == 0)
    return brig_error (err, 0, "bad value");
  return 0;
}

static const struct brig_opt opts[] = {
  { 'i', "interactive", NULL, "flag", set },
  { 't', "tty", NULL, "flag", set },
  { 'm', "memory", "BYTES", "value", set },
  { 0, "cap-add", "CAP", "value", set },
  { 0, NULL, NULL, NULL, NULL },
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf = xmalloc (size + 1);
  char **argv = NULL;
  struct brig_err err = { 0 };
  int optind;

  memcpy (buf, data, size);
  buf[size] = '\0';
  strv_push (&argv, xstrdup ("run"));
  for (size_t i = 0; i < size; i += strlen (buf + i) + 1)
    strv_push (&argv, xstrdup (buf + i));
  brig_opt_parse (opts, NULL, (int)strv_len (argv), argv, &optind, &err);
  brig_err_release (&err);
  strv_free (argv);
  free (buf);
  return 0;
}
