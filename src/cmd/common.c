/* What every command shares: printing an error, once; the options and
 * the ending of the commands that report findings. */
#include "cmd/cmd.h"
#include "parse/units.h"
#include "policy/file.h"
#include "report/findings.h"
#include "sandbox/sandbox.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/err.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int
brig_socket_arg (const char *arg, const char **ret, struct brig_err *err)
{
  const char *path = str_has_prefix (arg, "unix://") ? arg + strlen ("unix://") : arg;
  if (path[0] != '/')
    return brig_error (
        err, 0, "`%s`: expected unix:///PATH or /PATH (brig reads only a local socket)", arg);
  *ret = path;
  return 0;
}

const char *
brig_socket_env (const char *name)
{
  const char *v = getenv (name), *path = NULL;
  struct brig_err ignore = { 0 };
  if (v && brig_socket_arg (v, &path, &ignore) < 0)
    brig_err_release (&ignore);
  return path;
}

int
brig_report_finish (FILE *f, struct brig_audit_report *r, bool json, bool sarif, const char *root,
                    enum brig_severity fail_on, bool never)
{
  int status = 0;

  brig_report_sort (r);
  if (sarif)
    brig_report_sarif (f, r, root);
  else if (json)
    brig_report_json (f, r);
  else
    brig_report_text (f, r, isatty (fileno (f)) && getenv ("NO_COLOR") == NULL);
  for (size_t i = 0; i < r->findings.n && !never; i++)
    if (r->findings.v[i].suppressed == NULL && r->findings.v[i].severity >= fail_on)
      status = 1;
  return r->nerrors ? 2 : status;
}

int
brig_today (void)
{
  time_t t = time (NULL);
  struct tm tm;

  if (localtime_r (&t, &tm) == NULL)
    return 0;
  return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int
brig_load_policy (struct brig_policy **ret, struct brig_err *err)
{
  const char *path = getenv ("BRIG_POLICY");
  _cleanup_free_ char *buf = NULL;
  size_t len;

  if (path == NULL && access (BRIG_DEFAULT_POLICY, F_OK) < 0)
    {
      *ret = brig_policy_default ();
      return 0;
    }
  if (path == NULL)
    path = BRIG_DEFAULT_POLICY;
  if (brig_read_file (path, 1 << 20, &buf, &len, err) < 0)
    return brig_err_wrap (err, "policy");
  return brig_parse_policy (buf, len, path, ret, err);
}

int
brig_max_layer_arg (const char *arg, uint64_t *ret, struct brig_err *err)
{
  int64_t v;
  int r = brig_parse_size (arg, &v, err);

  if (r < 0)
    return r;
  if (v < 4096)
    return brig_error (err, 0, "`%s`: at least 4k", arg);
  *ret = (uint64_t)v;
  return 0;
}

char *
brig_store_root (void)
{
  _cleanup_free_ char *state = brig_state_dir ();
  return xasprintf ("%s/images", state);
}
