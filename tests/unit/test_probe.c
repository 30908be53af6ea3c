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
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* Check NAME's verdict is WANT and its detail starts with PREFIX; says
 * why not on stderr (usable in a child, where cmocka's asserts are not). */
static bool
verdict_is (const char *name, enum brig_probe_verdict want, const char *prefix)
{
  size_t n;
  const struct brig_probe_check *c = brig_probe_checks (&n);
  struct brig_probe_result r;
  bool ok;
  while (n > 0 && strcmp (c->name, name) != 0)
    c++, n--;
  if (n == 0)
    return fprintf (stderr, "no check %s\n", name), false;
  brig_probe_run (c, &r);
  ok = r.verdict == want && strncmp (r.detail, prefix, strlen (prefix)) == 0;
  if (!ok)
    fprintf (stderr, "%s: %s `%s`, want %s `%s...`\n", name, brig_probe_verdict_name (r.verdict),
             r.detail, brig_probe_verdict_name (want), prefix);
  brig_probe_result_release (&r);
  return ok;
}

/* In a child, so that what it changes goes with it: the verdicts follow
 * what the kernel says after no_new_privs, a seccomp filter and an empty
 * effective capability set are applied.  Exits with the failed step. */
static void
child_walls (void)
{
  struct sock_filter allow[] = { BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
  struct sock_fprog prog = { 1, allow };
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
      || !verdict_is ("no_new_privs", BRIG_PROBE_HELD, "NoNewPrivs: 1"))
    _exit (1);
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0
      || !verdict_is ("seccomp", BRIG_PROBE_HELD, "mode 2: filter ("))
    _exit (2);
  if (syscall (SYS_capget, &h, d) < 0)
    _exit (3);
  d[0].effective = d[1].effective = 0;
  if (syscall (SYS_capset, &h, d) < 0
      || !verdict_is ("capabilities", BRIG_PROBE_HELD, "effective: none; bounding: "))
    _exit (4);
  _exit (0);
}

static void
test_verdicts_follow_the_kernel (void **state)
{
  int st;
  pid_t pid;
  (void)state;
  /* As this process is: root's capabilities show as open. */
  if (geteuid () == 0)
    assert_true (verdict_is ("capabilities", BRIG_PROBE_OPEN, "effective: CHOWN,"));
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    child_walls ();
  assert_int_equal (waitpid (pid, &st, 0), pid);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_v1_lowest_up_to_the_mount),
    cmocka_unit_test (test_bind_mounted_cgroup),
    cmocka_unit_test (test_v2_max),
    cmocka_unit_test (test_table),
    cmocka_unit_test (test_verdicts_follow_the_kernel),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
