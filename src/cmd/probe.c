/* brig probe (also installed as brig-probe): run inside any container, try
 * what an attacker would try first, report which walls held.  The tries are
 * in src/sandbox/probe.c; this file parses options and prints.
 * Exit: 0 every wall held, 1 something that should be blocked was not, 2
 * usage errors, 124 when the whole run passed its bound. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "sandbox/probe.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROBE_SECONDS 120
#define PROBE_TIMEOUT_STATUS 124

struct probe_opts
{
  bool json;
  bool help, help_man;
  bool list;
  char **skip; /* check names */
};

static int
o_format (void *ctx, const char *arg, struct brig_err *err)
{
  struct probe_opts *o = ctx;
  if (strcmp (arg, "text") == 0 || strcmp (arg, "json") == 0)
    {
      o->json = arg[0] == 'j';
      return 0;
    }
  return brig_error (err, 0, "`%s`: expected text or json", arg);
}

static const struct brig_probe_check *
find_check (const char *name)
{
  size_t n;
  const struct brig_probe_check *c = brig_probe_checks (&n);
  for (size_t i = 0; i < n; i++)
    if (strcmp (c[i].name, name) == 0)
      return &c[i];
  return NULL;
}

static int
o_skip (void *ctx, const char *arg, struct brig_err *err)
{
  struct probe_opts *o = ctx;
  _cleanup_free_ char *copy = xstrdup (arg);
  for (char *s = copy, *t; (t = strsep (&s, ","));)
    {
      if (find_check (t) == NULL)
        {
          size_t n;
          const struct brig_probe_check *c = brig_probe_checks (&n);
          _cleanup_free_ char *names = xstrdup (c[0].name);
          for (size_t i = 1; i < n; i++)
            {
              char *nn = xasprintf ("%s, %s", names, c[i].name);
              free (names);
              names = nn;
            }
          return brig_error (err, 0, "`%s`: no such check; the checks are %s", t, names);
        }
      strv_push (&o->skip, xstrdup (t));
    }
  return 0;
}

BRIG_OPT_FLAG (o_list, struct probe_opts, list)

BRIG_OPT_FLAG (o_help, struct probe_opts, help)
BRIG_OPT_FLAG (o_help_man, struct probe_opts, help_man)

static const struct brig_opt options[] = {
  { 0, "format", "FORMAT", "text (default) or json", o_format },
  { 0, "skip", "CHECK[,CHECK...]", "do not run these checks (names as --list prints them)",
    o_skip },
  { 0, "list", NULL, "print the checks and what each tries, and exit", o_list },
  { 'h', "help", NULL, "show this help", o_help },
  { 0, "help-man", NULL, NULL, o_help_man }, /* hidden: brig-probe(1), made at build time */
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help help = {
  "brig probe [OPTIONS]   (or brig-probe [OPTIONS])",
  "inside a container, try what an attacker would try and report which walls held",
  "Copy the static brig binary into any container (as brig-probe, or run `brig probe`) and run "
  "it there.  Each check tries one thing harmlessly and within fixed bounds: files are opened for "
  "writing and closed unwritten, devices opened and never read, mounts undone at once in a "
  "private mount namespace, the module image is invalid, the clock is only asked "
  "(settimeofday(NULL, NULL) is the CAP_SYS_TIME check and changes nothing), every child is "
  "killed before the check ends.  The fork test stops at the pids limit + 16, 2000 children or "
  "10 s; the memory test runs in a child that the OOM killer picks first, up to the limit + 64 "
  "MiB (1 GiB at most, 30 s), and only when a memory limit is visible (a limit that is visible and "
  "says max is reported "
  "open, untested).\n\n"
  "Each check is held (the wall stopped it), open (it worked: something that should be "
  "blocked was not) or skipped (with the reason).  Exit status: 0 when no check is open, 1 when "
  "one is, 2 on a usage error, 124 when the whole run passed its bound of 120 s (what the "
  "running check made is removed first).",
};

/* The whole run's bound.  A handler, not the default action: as a
 * container's PID 1 the probe would never see a default-action signal. */
static void
on_alarm (int sig)
{
  static const char msg[] = "brig: probe: stopped at its bound of 120 s\n";
  ssize_t n;
  (void)sig;
  brig_probe_abort ();
  n = write (STDERR_FILENO, msg, sizeof msg - 1);
  (void)n;
  _exit (PROBE_TIMEOUT_STATUS);
}

static json_t *
result_json (const struct brig_probe_result *r)
{
  json_t *o = json_object (), *items = json_array ();
  json_object_set_new (o, "name", json_string (r->name));
  json_object_set_new (o, "verdict", json_string (brig_probe_verdict_name (r->verdict)));
  json_object_set_new (o, "detail", json_string (r->detail));
  for (size_t i = 0; r->items && r->items[i]; i++)
    json_array_append_new (items, json_string (r->items[i]));
  json_object_set_new (o, "items", items);
  return o;
}

int
cmd_probe (int argc, char **argv)
{
  struct probe_opts o = { 0 };
  struct brig_err err = { 0 };
  const struct brig_probe_check *checks;
  size_t n, counts[3] = { 0 };
  json_t *arr = NULL;
  int optind, status = 0;

  if (brig_opt_parse (options, &o, argc, argv, &optind, &err) < 0)
    {
      strv_free (o.skip);
      return brig_fail (2, &err);
    }
  if (optind < argc)
    {
      strv_free (o.skip);
      brig_error (&err, 0, "unexpected argument `%s` (see brig probe --help)", argv[optind]);
      return brig_fail (2, &err);
    }
  checks = brig_probe_checks (&n);
  if (o.help || o.help_man || o.list)
    {
      if (o.help_man)
        brig_opt_man_page (stdout, "brig-probe", &help, options);
      else if (o.help)
        brig_opt_help (stdout, &help, options);
      else
        for (size_t i = 0; i < n; i++)
          printf ("%-14s %s\n", checks[i].name, checks[i].summary);
      strv_free (o.skip);
      return 0;
    }
  /* Each check has its own bound (the longest, the memory test, 30 s); this
   * one is for the whole run, whatever the kernel does. */
  signal (SIGALRM, on_alarm);
  alarm (PROBE_SECONDS);
  /* Results go out as each check ends, so a slow one shows where it is. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (o.json)
    arr = json_array ();
  else
    printf ("%-14s %-8s %s\n", "CHECK", "VERDICT", "DETAIL");
  for (size_t i = 0; i < n; i++)
    {
      struct brig_probe_result r;
      if (strv_contains (o.skip, checks[i].name))
        r = (struct brig_probe_result){ checks[i].name, BRIG_PROBE_SKIPPED,
                                        xstrdup ("skipped with --skip"), NULL };
      else
        {
          fflush (stdout);
          brig_probe_run (&checks[i], &r);
        }
      counts[r.verdict]++;
      if (r.verdict == BRIG_PROBE_OPEN)
        status = 1;
      if (o.json)
        json_array_append_new (arr, result_json (&r));
      else
        printf ("%-14s %-8s %s\n", r.name, brig_probe_verdict_name (r.verdict), r.detail);
      brig_probe_result_release (&r);
    }
  if (o.json)
    {
      json_t *top = json_object ();
      json_object_set_new (top, "checks", arr);
      json_object_set_new (top, "held", json_integer ((json_int_t)counts[BRIG_PROBE_HELD]));
      json_object_set_new (top, "open", json_integer ((json_int_t)counts[BRIG_PROBE_OPEN]));
      json_object_set_new (top, "skipped", json_integer ((json_int_t)counts[BRIG_PROBE_SKIPPED]));
      json_dumpf (top, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      fputc ('\n', stdout);
      json_decref (top);
    }
  else
    printf ("\n%zu held, %zu open, %zu skipped\n", counts[BRIG_PROBE_HELD], counts[BRIG_PROBE_OPEN],
            counts[BRIG_PROBE_SKIPPED]);
  strv_free (o.skip);
  return status;
}
