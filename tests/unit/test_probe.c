/* brig probe: finding a cgroup's limits from mountinfo and /proc/self/cgroup,
 * and the check table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/probe.h"
#include "util/cleanup.h"

static char top[] = "/tmp/brig-probe-unit-XXXXXX";

static void
put (const char *rel, const char *text)
{
  _cleanup_free_ char *p = xasprintf ("%s/%s", top, rel);
  FILE *f = fopen (p, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
}

static void
dir (const char *rel)
{
  _cleanup_free_ char *p = xasprintf ("%s/%s", top, rel);
  assert_int_equal (mkdir (p, 0755), 0);
}

/* Run brig_probe_cgroup_limit over the given file texts. */
static int
limit (const char *mountinfo, const char *cgroup, const char *ctrl, const char *file, uint64_t *ret,
       char **ret_dir)
{
  FILE *mi = fmemopen ((void *)mountinfo, strlen (mountinfo), "r");
  FILE *cg = fmemopen ((void *)cgroup, strlen (cgroup), "r");
  int r = brig_probe_cgroup_limit (mi, cg, ctrl, file, ret, ret_dir);
  fclose (mi);
  fclose (cg);
  return r;
}

static int
setup (void **state)
{
  (void)state;
  assert_non_null (mkdtemp (top));
  dir ("v1");
  dir ("v1/a");
  dir ("v1/a/b");
  put ("v1/memory.limit_in_bytes", "9223372036854771712\n");
  put ("v1/a/memory.limit_in_bytes", "104857600\n");
  put ("v1/a/b/memory.limit_in_bytes", "209715200\n");
  dir ("v2");
  dir ("v2/c");
  put ("v2/c/pids.max", "max\n");
  return 0;
}

static int
teardown (void **state)
{
  _cleanup_free_ char *cmd = xasprintf ("rm -rf '%s'", top);
  (void)state;
  return system (cmd) == 0 ? 0 : -1;
}

static void
test_v1_lowest_up_to_the_mount (void **state)
{
  _cleanup_free_ char *mi = xasprintf ("30 23 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                                       "35 30 0:31 / %s/v1 rw,relatime - cgroup cgroup rw,memory\n"
                                       "36 30 0:32 / %s/v2 rw - cgroup cgroup rw,pids\n",
                                       top, top);
  _cleanup_free_ char *want = xasprintf ("%s/v1/a/b", top);
  char *d = NULL;
  uint64_t n = 0;
  (void)state;
  assert_int_equal (
      limit (mi, "5:pids:/\n4:memory:/a/b\n", "memory", "memory.limit_in_bytes", &n, &d), 1);
  assert_int_equal (n, 104857600);
  assert_string_equal (d, want);
  free (d);
  /* At the top alone v1's huge number means no limit. */
  assert_int_equal (limit (mi, "4:memory:/\n", "memory", "memory.limit_in_bytes", &n, NULL), 0);
  /* A controller that is not mounted is not visible. */
  assert_int_equal (limit (mi, "4:cpu:/\n", "cpu", "cpu.shares", &n, NULL), -1);
}

static void
test_bind_mounted_cgroup (void **state)
{
  /* Docker without a cgroup namespace: the mount's root is the container's
   * cgroup, which /proc/self/cgroup names in full. */
  _cleanup_free_ char *mi
      = xasprintf ("35 30 0:31 /docker/abc %s/v1/a/b rw - cgroup cgroup rw,memory\n", top);
  uint64_t n = 0;
  char *d = NULL;
  (void)state;
  assert_int_equal (limit (mi, "4:memory:/docker/abc\n", "memory", "memory.limit_in_bytes", &n, &d),
                    1);
  assert_int_equal (n, 209715200);
  assert_true (str_has_suffix (d, "/v1/a/b"));
  free (d);
}

static void
test_v2_max (void **state)
{
  _cleanup_free_ char *mi = xasprintf ("40 30 0:40 / %s/v2 rw - cgroup2 cgroup2 rw\n", top);
  uint64_t n = 7;
  (void)state;
  assert_int_equal (limit (mi, "0::/c\n", NULL, "pids.max", &n, NULL), 0);
  /* No such file up to the top (the root cgroup has none): no limit. */
  assert_int_equal (limit (mi, "0::/c\n", NULL, "memory.max", &n, NULL), 0);
  assert_int_equal (limit ("", "", NULL, "pids.max", &n, NULL), -1);
}

static void
test_table (void **state)
{
  size_t n;
  const struct brig_probe_check *c = brig_probe_checks (&n);
  (void)state;
  assert_true (n >= 20);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      assert_string_not_equal (c[i].name, c[j].name);
  assert_string_equal (brig_probe_verdict_name (BRIG_PROBE_HELD), "held");
  assert_string_equal (brig_probe_verdict_name (BRIG_PROBE_OPEN), "open");
  assert_string_equal (brig_probe_verdict_name (BRIG_PROBE_SKIPPED), "skipped");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_v1_lowest_up_to_the_mount),
    cmocka_unit_test (test_bind_mounted_cgroup),
    cmocka_unit_test (test_v2_max),
    cmocka_unit_test (test_table),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
