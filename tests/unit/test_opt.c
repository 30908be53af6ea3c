/* Option tables: parsing and the help they generate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/opt.h"

struct ctx
{
  int flag;
  char seen[256];
};

static int
set_flag (void *c, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct ctx *)c)->flag++;
  return 0;
}

static int
set_value (void *c, const char *arg, struct brig_err *err)
{
  struct ctx *x = c;
  if (strcmp (arg, "bad") == 0)
    return brig_error (err, 0, "`bad` is not allowed");
  strncat (x->seen, arg, sizeof x->seen - strlen (x->seen) - 2);
  strncat (x->seen, ";", 2);
  return 0;
}

static const struct brig_opt opts[] = {
  { 'i', "interactive", NULL, "keep stdin", set_flag },
  { 't', "tty", NULL, "a tty", set_flag },
  { 'm', "memory", "BYTES", "memory limit", set_value },
  { 0, "cap-add", "CAP", "add a capability", set_value },
  { 0, NULL, NULL, NULL, NULL },
};

static int
parse (struct ctx *x, int argc, char **argv, int *optind, struct brig_err *err)
{
  memset (x, 0, sizeof *x);
  return brig_opt_parse (opts, x, argc, argv, optind, err);
}

static void
test_forms (void **state)
{
  char *argv[]
      = { "run", "-it",         "-m512m", "-m",       "1g",        "--memory=2g", "--cap-add",
          "X",   "--cap-add=Y", "img",    "--memory", "notparsed", NULL };
  struct brig_err err = { 0 };
  struct ctx x;
  int optind;
  (void)state;
  assert_int_equal (parse (&x, 12, argv, &optind, &err), 0);
  assert_int_equal (x.flag, 2);
  assert_string_equal (x.seen, "512m;1g;2g;X;Y;");
  assert_int_equal (optind, 9);
}

static void
test_double_dash_ends_options (void **state)
{
  char *argv[] = { "run", "-i", "--", "-t", NULL };
  struct brig_err err = { 0 };
  struct ctx x;
  int optind;
  (void)state;
  assert_int_equal (parse (&x, 4, argv, &optind, &err), 0);
  assert_int_equal (x.flag, 1);
  assert_int_equal (optind, 3);
}

static void
expect_error (int argc, char **argv, const char *msg)
{
  struct brig_err err = { 0 };
  struct ctx x;
  int optind;
  assert_true (parse (&x, argc, argv, &optind, &err) < 0);
  if (strstr (err.msg, msg) == NULL)
    fail_msg ("want `%s` in `%s`", msg, err.msg);
  brig_err_release (&err);
}

static void
test_errors (void **state)
{
  char *a1[] = { "run", "--privileged", NULL };
  char *a2[] = { "run", "-x", NULL };
  char *a3[] = { "run", "--memory", NULL };
  char *a4[] = { "run", "-m", NULL };
  char *a5[] = { "run", "--tty=yes", NULL };
  char *a6[] = { "run", "--memory", "bad", NULL };
  (void)state;
  expect_error (2, a1, "unknown option `--privileged`");
  expect_error (2, a2, "unknown option `-x`");
  expect_error (2, a3, "option `--memory` needs a value BYTES");
  expect_error (2, a4, "option `-m` needs a value BYTES");
  expect_error (2, a5, "option `--tty` takes no value");
  expect_error (3, a6, "--memory: `bad` is not allowed");
}

static void
test_help_from_table (void **state)
{
  struct brig_cmd_help h = { "brig x [OPTIONS]", "Do x.", NULL };
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  (void)state;
  brig_opt_help (f, &h, opts);
  fclose (f);
  assert_non_null (strstr (buf, "Usage: brig x [OPTIONS]\n\nDo x.\n"));
  assert_non_null (strstr (buf, "  -m, --memory BYTES          memory limit\n"));
  assert_non_null (strstr (buf, "      --cap-add CAP           add a capability\n"));
  free (buf);
  f = open_memstream (&buf, &len);
  brig_opt_man (f, opts);
  fclose (f);
  assert_non_null (
      strstr (buf, ".TP\n\\fB\\-m\\fR, \\fB\\-\\-memory\\fR \\fIBYTES\\fR\nmemory limit\n"));
  free (buf);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_forms),
    cmocka_unit_test (test_double_dash_ends_options),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_help_from_table),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
