/* .gitignore patterns as git reads and matches them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/gitignore.h"

static void
test_globs (void **state)
{
  (void)state;
  assert_true (brig_gitignore_match ("a/b", "a/b"));
  assert_false (brig_gitignore_match ("a/b", "a/b/c"));
  assert_true (brig_gitignore_match ("a/*.yaml", "a/x.yaml"));
  assert_false (brig_gitignore_match ("a/*.yaml", "a/b/x.yaml"));
  assert_true (brig_gitignore_match ("a/?.y[am]ml", "a/x.yaml"));
  assert_false (brig_gitignore_match ("a/[!x].yaml", "a/x.yaml"));
  assert_true (brig_gitignore_match ("a/[^x-z]", "a/b"));
  assert_true (brig_gitignore_match ("a/\\*", "a/*"));
  assert_false (brig_gitignore_match ("a/\\*", "a/b"));
  /* ** at the start, the end and between names. */
  assert_true (brig_gitignore_match ("**/vendor", "vendor"));
  assert_true (brig_gitignore_match ("**/vendor", "x/y/vendor"));
  assert_true (brig_gitignore_match ("**/vendor/b", "x/vendor/b"));
  assert_true (brig_gitignore_match ("a/**", "a/b"));
  assert_true (brig_gitignore_match ("a/**", "a/b/c"));
  assert_false (brig_gitignore_match ("a/**", "a"));
  assert_true (brig_gitignore_match ("a/**/b", "a/b"));
  assert_true (brig_gitignore_match ("a/**/b", "a/x/y/b"));
  assert_false (brig_gitignore_match ("a/**/b", "a/x/y/c"));
  assert_true (brig_gitignore_match ("a/**/**/b", "a/b"));
  /* Elsewhere ** is *. */
  assert_true (brig_gitignore_match ("a/x**y", "a/xzzy"));
  assert_false (brig_gitignore_match ("a/x**y", "a/x/y"));
  /* Bounded, whatever the pattern. */
  assert_false (
      brig_gitignore_match ("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  assert_false (brig_gitignore_match ("**/a/**/a/**/a/**/a/**/a/**/b",
                                      "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c"));
}

static void
test_files (void **state)
{
  struct brig_gitignore g = { 0 };
  const char top[] = "# a comment\n"
                     "\n"
                     "*.log\n"
                     "!keep.log\n"
                     "/build\n"
                     "tmp/\n"
                     "docs/*.yaml\n"
                     "\\#hash\n"
                     "\\!bang\n"
                     "trailing   \n"
                     "space\\ \n"
                     "gen/**\n"
                     "!gen/keep.yaml\n"
                     "**/secret/*.yaml\r\n"
                     "/\n";
  const char sub[] = "!*.log\nlocal.yaml\n/only-here.yaml\n";
  size_t mark;

  (void)state;
  brig_gitignore_add (&g, "", top, strlen (top));
  assert_true (brig_gitignore_ignored (&g, "x.log", false));
  assert_true (brig_gitignore_ignored (&g, "a/b/x.log", false));
  assert_false (brig_gitignore_ignored (&g, "a/keep.log", false));
  /* /build: anchored at the top. */
  assert_true (brig_gitignore_ignored (&g, "build", true));
  assert_false (brig_gitignore_ignored (&g, "a/build", true));
  /* tmp/: directories only, at any depth. */
  assert_true (brig_gitignore_ignored (&g, "a/tmp", true));
  assert_false (brig_gitignore_ignored (&g, "a/tmp", false));
  /* A slash in the middle anchors. */
  assert_true (brig_gitignore_ignored (&g, "docs/x.yaml", false));
  assert_false (brig_gitignore_ignored (&g, "a/docs/x.yaml", false));
  assert_true (brig_gitignore_ignored (&g, "#hash", false));
  assert_true (brig_gitignore_ignored (&g, "!bang", false));
  assert_true (brig_gitignore_ignored (&g, "trailing", false));
  assert_true (brig_gitignore_ignored (&g, "space ", false));
  assert_false (brig_gitignore_ignored (&g, "space", false));
  /* gen and then ** ignores what is inside, not gen: a file in it can come back. */
  assert_false (brig_gitignore_ignored (&g, "gen", true));
  assert_true (brig_gitignore_ignored (&g, "gen/x.yaml", false));
  assert_false (brig_gitignore_ignored (&g, "gen/keep.yaml", false));
  assert_true (brig_gitignore_ignored (&g, "a/b/secret/k.yaml", false));
  assert_false (brig_gitignore_ignored (&g, "compose.yaml", false));

  /* A deeper .gitignore is read after, and wins; only below its directory. */
  mark = g.n;
  brig_gitignore_add (&g, "svc", sub, strlen (sub));
  assert_false (brig_gitignore_ignored (&g, "svc/x.log", false));
  assert_true (brig_gitignore_ignored (&g, "other/x.log", false));
  assert_true (brig_gitignore_ignored (&g, "svc/a/local.yaml", false));
  assert_false (brig_gitignore_ignored (&g, "local.yaml", false));
  assert_true (brig_gitignore_ignored (&g, "svc/only-here.yaml", false));
  assert_false (brig_gitignore_ignored (&g, "svc/a/only-here.yaml", false));
  assert_false (brig_gitignore_ignored (&g, "svcx/local.yaml", false));
  /* Leaving the directory drops its patterns. */
  brig_gitignore_truncate (&g, mark);
  assert_true (brig_gitignore_ignored (&g, "svc/x.log", false));
  assert_false (brig_gitignore_ignored (&g, "svc/a/local.yaml", false));
  brig_gitignore_release (&g);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_globs),
    cmocka_unit_test (test_files),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
