/* The YAML reader: marks, merge keys, aliases, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parse/yaml.h"
#include "util/cleanup.h"

static struct brig_yaml *
load (const char *text, struct brig_err *err)
{
  struct brig_yaml *y = NULL;
  if (brig_yaml_load (text, strlen (text), "t.yaml", &y, err) < 0)
    return NULL;
  return y;
}

static void
test_marks_and_values (void **state)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = load ("a:\n  b: true\n  c: \"true\"\n  d: ~\n  n: 042\n", &err);
  const struct brig_ynode *a, *b;
  long long n;

  (void)state;
  assert_non_null (y);
  assert_int_equal (brig_yaml_ndocs (y), 1);
  a = brig_ymap_get (brig_yaml_doc (y, 0), "a");
  b = brig_ymap_get (a, "b");
  assert_int_equal (b->line, 2);
  assert_int_equal (b->col, 6);
  assert_int_equal (brig_ybool (b), 1);
  assert_int_equal (brig_ybool (brig_ymap_get (a, "c")), -1); /* quoted: a string */
  assert_null (brig_ystr (brig_ymap_get (a, "d")));
  assert_int_equal (brig_ymap_key (a, "d")->line, 4);
  assert_int_equal (brig_yint (brig_ymap_get (a, "n"), &n), 0);
  brig_yaml_free (y);
}

static void
test_merge_keys_and_aliases (void **state)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y
      = load ("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nref: *b\n---\nsecond: doc\n", &err);
  const struct brig_ynode *d, *o;

  (void)state;
  assert_non_null (y);
  assert_int_equal (brig_yaml_ndocs (y), 2);
  d = brig_yaml_doc (y, 0);
  o = brig_ymap_get (d, "other");
  assert_string_equal (brig_ystr (brig_ymap_get (o, "x")), "1");
  assert_string_equal (brig_ystr (brig_ymap_get (o, "y")), "3"); /* its own wins */
  assert_ptr_equal (brig_ymap_get (d, "ref"), brig_ymap_get (d, "base"));
  brig_yaml_free (y);
}

static void
test_errors_have_places (void **state)
{
  struct brig_err err = { 0 };
  (void)state;
  assert_null (load ("a: [1, 2\nb: 3\n", &err));
  assert_non_null (strstr (err.msg, "t.yaml:"));
  brig_err_release (&err);
  assert_null (load ("a: *nope\n", &err));
  assert_non_null (strstr (err.msg, "t.yaml:1:4: alias to an unknown anchor"));
  brig_err_release (&err);
}

static void
test_depth_limit (void **state)
{
  struct brig_err err = { 0 };
  char buf[2 * 300 + 2];
  (void)state;
  memset (buf, '[', 300);
  memset (buf + 300, ']', 300);
  buf[600] = '\n';
  buf[601] = '\0';
  assert_null (load (buf, &err));
  assert_non_null (strstr (err.msg, "nested deeper than 256 levels"));
  brig_err_release (&err);
}

static void
test_alias_bomb_is_not_expanded (void **state)
{
  struct brig_err err = { 0 };
  /* Ten levels of nine aliases each: 9^10 nodes if expanded. */
  _cleanup_free_ char *text = xstrdup ("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
  struct brig_yaml *y;

  (void)state;
  for (int i = 1; i <= 10; i++)
    {
      char *t
          = xasprintf ("%sa%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", text,
                       i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
      free (text);
      text = t;
    }
  y = load (text, &err);
  assert_non_null (y);
  assert_int_equal (brig_ymap_get (brig_yaml_doc (y, 0), "a10")->n, 9);
  brig_yaml_free (y);
}

static void
test_stream_one_document_at_a_time (void **state)
{
  static const char text[] = "a: &x 1\n---\n---\nb: 2\nc: *x\n";
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  const struct brig_ynode *root;

  (void)state;
  assert_int_equal (brig_ystream_open (text, strlen (text), "t.yaml", &y, &err), 0);
  assert_int_equal (brig_ystream_next (y, &root, &err), 1);
  assert_string_equal (brig_ystr (brig_ymap_get (root, "a")), "1");
  assert_int_equal (brig_ystream_next (y, &root, &err), 1);
  assert_null (brig_ystr (root)); /* the empty document: null */
  /* Anchors do not cross documents. */
  assert_true (brig_ystream_next (y, &root, &err) < 0);
  assert_non_null (strstr (err.msg, "t.yaml:5:4: alias to an unknown anchor"));
  brig_err_release (&err);
  brig_yaml_free (y);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_marks_and_values),
    cmocka_unit_test (test_merge_keys_and_aliases),
    cmocka_unit_test (test_errors_have_places),
    cmocka_unit_test (test_depth_limit),
    cmocka_unit_test (test_alias_bomb_is_not_expanded),
    cmocka_unit_test (test_stream_one_document_at_a_time),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
