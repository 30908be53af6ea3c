/* Suppressions and the project file: the comment scanner, ids of other
 * tools, dates, globs, and .brig.yml's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "policy/project.h"
#include "policy/suppress.h"
#include "util/cleanup.h"

#define TODAY 20260601

/* One finding of RULE at LINE:COL in "t.yaml". */
static void
add (struct brig_findings *f, const char *rule, int line, int col)
{
  brig_findings_add (f, brig_audit_rule_find (rule), "t.yaml",
                     (struct brig_loc){ line, col, line, col + 1 }, "finding");
}

static size_t
count (const struct brig_findings *f, const char *rule)
{
  size_t n = 0;
  for (size_t i = 0; i < f->n; i++)
    n += strcmp (f->v[i].rule->id, rule) == 0;
  return n;
}

static void
comments (const char *text, struct brig_findings *f)
{
  brig_suppress_comments (text, strlen (text), "t.yaml", TODAY, f, 0);
}

static void
test_dates (void **state)
{
  (void)state;
  assert_int_equal (brig_date_parse ("2027-01-31", 10), 20270131);
  assert_int_equal (brig_date_parse ("2028-02-29", 10), 20280229);
  assert_int_equal (brig_date_parse ("2027-02-29", 10), -1);
  assert_int_equal (brig_date_parse ("2100-02-29", 10), -1);
  assert_int_equal (brig_date_parse ("2000-02-29", 10), 20000229);
  assert_int_equal (brig_date_parse ("2027-13-01", 10), -1);
  assert_int_equal (brig_date_parse ("2027-04-31", 10), -1);
  assert_int_equal (brig_date_parse ("2027-1-1", 8), -1);
  assert_int_equal (brig_date_parse ("2027/01/01", 10), -1);
}

static void
test_other_tools_ids (void **state)
{
  const struct brig_audit_rule *k001 = brig_audit_rule_find ("brig-k001");

  (void)state;
  assert_non_null (k001);
  assert_true (brig_suppress_names ("brig", "BRIG-K001", k001));
  assert_true (brig_suppress_names ("brig", "CKV_K8S_16", k001)); /* brig's syntax, their id */
  assert_true (brig_suppress_names ("checkov", "CKV_K8S_16", k001));
  assert_false (brig_suppress_names ("checkov", "BRIG-K001", k001));
  assert_false (brig_suppress_names ("checkov", "CKV_K8S_17", k001));
  assert_false (brig_suppress_names ("trivy", "CKV_K8S_16", k001));
  assert_true (brig_suppress_names ("trivy", "KSV-0017", k001));
  assert_true (brig_suppress_names ("trivy", "KSV017", k001));
  assert_true (brig_suppress_names ("trivy", "avd-ksv-0017", k001));
  assert_false (brig_suppress_names ("trivy", "KSV-0170", k001));
  assert_true (brig_suppress_names ("kube-linter", "privileged-container", k001));
  /* One id of theirs may be two rules of brig's. */
  assert_true (brig_suppress_names ("checkov", "CKV_K8S_23", brig_audit_rule_find ("BRIG-K103")));
  assert_true (brig_suppress_names ("checkov", "CKV_K8S_23", brig_audit_rule_find ("BRIG-K104")));
}

static void
test_comment_places (void **state)
{
  struct brig_findings f = { 0 };
  const char *text = "a: 1\n"                                                   /* 1 */
                     "# brig:ignore=BRIG-K001 first reason\n"                   /* 2 */
                     "# more words about it\n"                                  /* 3 */
                     "privileged: true\n"                                       /* 4 */
                     "hostNetwork: true  # brig:ignore=BRIG-K002 on the line\n" /* 5 */
                     "# brig:ignore=BRIG-K005 a blank line follows\n"           /* 6 */
                     "\n"                                                       /* 7 */
                     "hostPort: 80\n"                                           /* 8 */
                     "x: \"# brig:ignore=BRIG-K009 in a string\"\n"             /* 9 */
                     "seccomp: Unconfined\n";                                   /* 10 */

  (void)state;
  add (&f, "BRIG-K001", 4, 1);
  add (&f, "BRIG-K002", 5, 1);
  add (&f, "BRIG-K005", 8, 1);
  add (&f, "BRIG-K009", 10, 1);
  comments (text, &f);
  assert_non_null (f.v[0].suppressed);
  assert_string_equal (f.v[0].suppressed->reason, "first reason");
  assert_int_equal (f.v[0].suppressed->loc.line, 2);
  assert_int_equal (f.v[0].suppressed->loc.col, 3);
  assert_non_null (f.v[1].suppressed);
  assert_string_equal (f.v[1].suppressed->reason, "on the line");
  assert_null (f.v[2].suppressed); /* a blank line between */
  assert_null (f.v[3].suppressed); /* not a comment, and not its line */
  assert_int_equal (f.n, 4);       /* nothing wrong with the suppressions */
  brig_findings_release (&f);
}

static void
test_reasons_and_dates (void **state)
{
  struct brig_findings f = { 0 };
  const char *text = "# brig:ignore=BRIG-K001,BRIG-K002: shared reason; until=2030-01-01\n" /* 1 */
                     "a: 1\n"                                                               /* 2 */
                     "# brig:ignore=BRIG-K003\n"                                            /* 3 */
                     "b: 1\n"                                                               /* 4 */
                     "# brig:ignore=BRIG-K004 old until=2020-12-31\n"                       /* 5 */
                     "c: 1\n"                                                               /* 6 */
                     "# brig:ignore=BRIG-K005 until=2030-02-30 bad date\n"                  /* 7 */
                     "d: 1\n"                                                               /* 8 */
                     "# brig:ignore=BRIG-K0O6 typo\n"                                       /* 9 */
                     "e: 1\n"                                                               /* 10 */
                     "# brig:ignore=BRIG-K007 until=2026-06-01 last day\n"                  /* 11 */
                     "f: 1\n";                                                              /* 12 */

  (void)state;
  add (&f, "BRIG-K002", 2, 1);
  add (&f, "BRIG-K003", 4, 1);
  add (&f, "BRIG-K004", 6, 1);
  add (&f, "BRIG-K005", 8, 1);
  add (&f, "BRIG-K006", 10, 1);
  add (&f, "BRIG-K007", 12, 1);
  comments (text, &f);
  assert_non_null (f.v[0].suppressed);
  assert_string_equal (f.v[0].suppressed->reason, "shared reason");
  assert_string_equal (f.v[0].suppressed->until, "2030-01-01");
  assert_non_null (f.v[1].suppressed); /* no reason: silenced, and reported */
  assert_null (f.v[1].suppressed->reason);
  assert_null (f.v[2].suppressed);     /* expired */
  assert_null (f.v[3].suppressed);     /* not a date */
  assert_null (f.v[4].suppressed);     /* names no rule */
  assert_non_null (f.v[5].suppressed); /* holds through its day */
  assert_int_equal (count (&f, "BRIG-S001"), 1);
  assert_int_equal (count (&f, "BRIG-S002"), 1);
  assert_int_equal (count (&f, "BRIG-S003"), 2);
  for (size_t i = 0; i < f.n; i++)
    if (strcmp (f.v[i].rule->id, "BRIG-S003") == 0 && f.v[i].loc.line == 7)
      assert_string_equal (f.v[i].message, "`brig:ignore=BRIG-K005 until=2030-02-30 bad date`: "
                                           "until=2030-02-30 is not a date (write "
                                           "until=YYYY-MM-DD): it silences nothing");
  brig_findings_release (&f);
}

static void
test_other_tools_comments (void **state)
{
  struct brig_findings f = { 0 };
  const char *text = "#checkov:skip=CKV_K8S_16:they need it\n"           /* 1 */
                     "a: 1\n"                                            /* 2 */
                     "# trivy:ignore:KSV017:exp:2030-01-01 trivy says\n" /* 3 */
                     "b: 1\n"                                            /* 4 */
                     "# checkov:skip=CKV_K8S_43 not one of brig's\n"     /* 5 */
                     "c: 1\n"                                            /* 6 */
                     "# trivy:ignore:KSV-0024\n"                         /* 7 */
                     "d: 1\n"                                            /* 8 */
                     "# hadolint ignore=DL3008\n"                        /* 9 */
                     "# trivy:ignore:KSV017:exp:2030-13-01 bad month\n"  /* 10 */
                     "e: 1\n";                                           /* 11 */

  (void)state;
  add (&f, "BRIG-K001", 2, 1);
  add (&f, "BRIG-K001", 4, 1);
  add (&f, "BRIG-K001", 6, 1);
  add (&f, "BRIG-K005", 8, 1);
  add (&f, "BRIG-K001", 11, 1);
  comments (text, &f);
  assert_non_null (f.v[0].suppressed);
  assert_string_equal (f.v[0].suppressed->tool, "checkov");
  assert_string_equal (f.v[0].suppressed->reason, "they need it");
  assert_non_null (f.v[1].suppressed);
  assert_string_equal (f.v[1].suppressed->until, "2030-01-01");
  assert_string_equal (f.v[1].suppressed->reason, "trivy says");
  assert_null (f.v[2].suppressed);
  assert_non_null (f.v[3].suppressed);
  /* Theirs without a reason is reported when it silences brig; the ones
   * brig has nothing to do with are left alone. */
  assert_int_equal (count (&f, "BRIG-S001"), 1);
  /* A bad :exp: date silences nothing, and says so. */
  assert_null (f.v[4].suppressed);
  assert_int_equal (count (&f, "BRIG-S003"), 1);
  assert_int_equal (f.n, 7);
  assert_string_equal (f.v[6].message, "`trivy:ignore:KSV017:exp:2030-13-01 bad month`: "
                                       "exp:2030-13-01 is not a date (write until=YYYY-MM-DD): "
                                       "it silences nothing");
  brig_findings_release (&f);
}

static int
parse (const char *text, struct brig_project *p, struct brig_err *err)
{
  return brig_project_parse (text, strlen (text), ".brig.yml", p, err);
}

/* Exclude patterns: `**` spans names, `*` stays in one; a directory
 * excludes what is below it; many `**` cost no more than one. */
static void
test_globs (void **state)
{
  struct brig_project p;
  struct brig_err err = { 0 };

  (void)state;
  assert_int_equal (parse ("exclude:\n  - charts/*/templates\n  - charts/**/tests\n"
                           "  - \"**/*.tmpl.yaml\"\n  - a/b\n"
                           "  - \"**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/z\"\n",
                           &p, &err),
                    0);
  assert_true (brig_project_excluded (&p, "charts/web/templates"));
  assert_true (brig_project_excluded (&p, "charts/web/templates/x.yaml"));
  assert_false (brig_project_excluded (&p, "charts/a/b/templates"));
  assert_true (brig_project_excluded (&p, "charts/a/b/tests"));
  assert_true (brig_project_excluded (&p, "charts/tests"));
  assert_true (brig_project_excluded (&p, "x/y.tmpl.yaml"));
  assert_false (brig_project_excluded (&p, "x/y.yaml"));
  assert_true (brig_project_excluded (&p, "a/b/c"));
  assert_false (brig_project_excluded (&p, "x/a/b"));
  assert_false (brig_project_excluded (
      &p, "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/y"));
  assert_true (brig_project_excluded (&p, "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/z"));
  brig_project_release (&p);
}

static void
test_project_file (void **state)
{
  struct brig_project p;
  struct brig_err err = { 0 };
  struct brig_findings f = { 0 };

  (void)state;
  assert_int_equal (parse ("rules:\n  BRIG-K005: off\n  brig-k102: high\n  BRIG-K103: on\n"
                           "exclude:\n  - vendor\n  - /deploy/old/\n  - \"charts/*/tests\"\n",
                           &p, &err),
                    0);
  assert_true (brig_project_excluded (&p, "vendor/x/y.yaml"));
  assert_true (brig_project_excluded (&p, "a/vendor"));
  assert_true (brig_project_excluded (&p, "deploy/old/x.yaml"));
  assert_false (brig_project_excluded (&p, "x/deploy/old/x.yaml")); /* anchored */
  assert_true (brig_project_excluded (&p, "charts/web/tests/t.yaml"));
  assert_false (brig_project_excluded (&p, "charts/web/templates/t.yaml"));
  add (&f, "BRIG-K005", 1, 1);
  add (&f, "BRIG-K102", 2, 1);
  add (&f, "BRIG-K103", 3, 1);
  brig_project_apply (&p, &f);
  assert_int_equal (f.n, 2);
  assert_string_equal (f.v[0].rule->id, "BRIG-K102");
  assert_int_equal (f.v[0].severity, BRIG_SEV_HIGH);
  assert_int_equal (f.v[1].severity, BRIG_SEV_MEDIUM);
  brig_findings_release (&f);
  brig_project_release (&p);

  /* Empty files and empty keys are fine. */
  assert_int_equal (parse ("", &p, &err), 0);
  brig_project_release (&p);
  assert_int_equal (parse ("# nothing yet\nrules:\nexclude:\n", &p, &err), 0);
  brig_project_release (&p);
}

static void
test_project_file_errors (void **state)
{
  static const struct
  {
    const char *text, *error;
  } cases[] = {
    { "rules:\n  BRIG-K999: off\n", ".brig.yml:2:3: rules: BRIG-K999: not a rule brig has" },
    { "rules:\n  BRIG-K001: of\n", ".brig.yml:2:14: rules: BRIG-K001: expected off, on," },
    { "rules:\n  BRIG-K001: off\n  BRIG-K001: low\n",
      ".brig.yml:3:3: rules: BRIG-K001: given twice" },
    { "rules: [BRIG-K001]\n", ".brig.yml:1:8: rules: expected a mapping" },
    { "exclude: vendor\n", ".brig.yml:1:10: exclude: expected a list" },
    { "exclude: [\"\"]\n", ".brig.yml:1:11: exclude: expected a non-empty glob" },
    { "exclude: [a/../../b]\n", ".brig.yml:1:11: exclude: `a/../../b`: patterns stay inside" },
    { "exlude: [a]\n", ".brig.yml:1:1: exlude: unknown key" },
    { "rules: {}\nrules: {}\n", ".brig.yml:2:1: rules: given twice" },
    { "- a\n", ".brig.yml:1:1: expected a mapping" },
    { "rules: {}\n---\nrules: {}\n", ".brig.yml:3:1: one YAML document expected" },
    { "rules: {a: [}\n", ".brig.yml:1:" },
  };

  (void)state;
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct brig_project p;
      struct brig_err err = { 0 };
      assert_int_not_equal (parse (cases[i].text, &p, &err), 0);
      if (strncmp (err.msg, cases[i].error, strlen (cases[i].error)) != 0)
        fail_msg ("%s: want `%s...`, got `%s`", cases[i].text, cases[i].error, err.msg);
      brig_err_release (&err);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dates),
    cmocka_unit_test (test_other_tools_ids),
    cmocka_unit_test (test_comment_places),
    cmocka_unit_test (test_reasons_and_dates),
    cmocka_unit_test (test_other_tools_comments),
    cmocka_unit_test (test_globs),
    cmocka_unit_test (test_project_file),
    cmocka_unit_test (test_project_file_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
