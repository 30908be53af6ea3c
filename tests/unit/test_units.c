/* Values as Docker writes them: sizes, CPUs, ulimits, tmpfs options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "parse/units.h"
#include "util/cleanup.h"

static void
size_ok (const char *s, int64_t want)
{
  struct brig_err err = { 0 };
  int64_t v = -1;
  assert_int_equal (brig_parse_size (s, &v, &err), 0);
  assert_int_equal (v, want);
}

static void
size_bad (const char *s, const char *msg)
{
  struct brig_err err = { 0 };
  int64_t v;
  assert_true (brig_parse_size (s, &v, &err) < 0);
  assert_non_null (strstr (err.msg, msg));
  brig_err_release (&err);
}

static void
test_sizes (void **state)
{
  (void)state;
  size_ok ("0", 0);
  size_ok ("512", 512);
  size_ok ("512b", 512);
  size_ok ("64k", 64 << 10);
  size_ok ("64K", 64 << 10);
  size_ok ("512m", INT64_C (512) << 20);
  size_ok ("512M", INT64_C (512) << 20);
  size_ok ("512mb", INT64_C (512) << 20);
  size_ok ("2GiB", INT64_C (2) << 30);
  size_ok ("1.5g", INT64_C (3) << 29);
  size_ok ("1 g", INT64_C (1) << 30);
  size_ok ("1t", INT64_C (1) << 40);
  size_ok ("0.5k", 512);
  size_bad ("12q", "invalid size `12q`");
  size_bad ("", "invalid size");
  size_bad ("m", "invalid size");
  size_bad ("-1", "invalid size");
  size_bad ("1.g", "invalid size");
  size_bad ("1gg", "invalid size");
  size_bad ("99999999999999999999", "invalid size");
  size_bad ("9999999p", "too large");
}

static void
test_cpus (void **state)
{
  struct brig_err err = { 0 };
  uint64_t n;
  (void)state;
  assert_int_equal (brig_parse_cpus ("2", &n, &err), 0);
  assert_int_equal (n, UINT64_C (2000000000));
  assert_int_equal (brig_parse_cpus ("0.5", &n, &err), 0);
  assert_int_equal (n, UINT64_C (500000000));
  assert_int_equal (brig_parse_cpus ("1.25", &n, &err), 0);
  assert_int_equal (n, UINT64_C (1250000000));
  assert_true (brig_parse_cpus ("1,5", &n, &err) < 0);
  assert_non_null (strstr (err.msg, "invalid CPU count `1,5`"));
  brig_err_release (&err);
  assert_true (brig_parse_cpus ("-1", &n, &err) < 0);
  brig_err_release (&err);
}

static void
test_int64 (void **state)
{
  struct brig_err err = { 0 };
  int64_t v;
  (void)state;
  assert_int_equal (brig_parse_int64 ("-1", -1, 10, &v, &err), 0);
  assert_int_equal (v, -1);
  assert_true (brig_parse_int64 ("11", -1, 10, &v, &err) < 0);
  assert_non_null (strstr (err.msg, "out of range"));
  brig_err_release (&err);
  assert_true (brig_parse_int64 (" 1", -1, 10, &v, &err) < 0);
  brig_err_release (&err);
  assert_true (brig_parse_int64 ("1x", -1, 10, &v, &err) < 0);
  brig_err_release (&err);
}

static void
test_ulimit (void **state)
{
  struct brig_err err = { 0 };
  struct brig_rlimit r;
  (void)state;
  assert_int_equal (brig_parse_ulimit ("nofile=1024:2048", &r, &err), 0);
  assert_int_equal (r.resource, RLIMIT_NOFILE);
  assert_int_equal (r.soft, 1024);
  assert_int_equal (r.hard, 2048);
  assert_int_equal (brig_parse_ulimit ("core=unlimited", &r, &err), 0);
  assert_true (r.soft == RLIM_INFINITY && r.hard == RLIM_INFINITY);
  assert_int_equal (brig_parse_ulimit ("NPROC=-1:-1", &r, &err), 0);
  assert_true (r.soft == RLIM_INFINITY);
  assert_true (brig_parse_ulimit ("nofile=10:5", &r, &err) < 0);
  assert_non_null (strstr (err.msg, "soft limit is above the hard limit"));
  brig_err_release (&err);
  assert_true (brig_parse_ulimit ("nofiles=1", &r, &err) < 0);
  assert_non_null (strstr (err.msg, "unknown ulimit `nofiles`: expected one of"));
  brig_err_release (&err);
  assert_true (brig_parse_ulimit ("nofile", &r, &err) < 0);
  brig_err_release (&err);
  assert_true (brig_parse_ulimit ("nofile=x", &r, &err) < 0);
  brig_err_release (&err);
}

static void
test_tmpfs (void **state)
{
  struct brig_err err = { 0 };
  struct brig_mount m;
  (void)state;
  assert_int_equal (brig_parse_tmpfs ("/data", &m, &err), 0);
  assert_string_equal (m.dest, "/data");
  assert_string_equal (m.type, "tmpfs");
  assert_int_equal (m.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
  assert_string_equal (m.data[0], "mode=1777");
  assert_string_equal (m.data[1], "size=67108864");
  brig_mount_release (&m);
  assert_int_equal (brig_parse_tmpfs ("/data:size=1m,mode=700,exec,ro", &m, &err), 0);
  assert_string_equal (m.data[0], "mode=700");
  assert_string_equal (m.data[1], "size=1048576");
  assert_int_equal (m.flags, MS_NOSUID | MS_NODEV | MS_RDONLY);
  brig_mount_release (&m);
  assert_true (brig_parse_tmpfs ("data", &m, &err) < 0);
  brig_err_release (&err);
  assert_true (brig_parse_tmpfs ("/", &m, &err) < 0);
  brig_err_release (&err);
  assert_true (brig_parse_tmpfs ("/a/../b", &m, &err) < 0);
  brig_err_release (&err);
  assert_true (brig_parse_tmpfs ("/a:mode=9", &m, &err) < 0);
  brig_err_release (&err);
  assert_true (brig_parse_tmpfs ("/a:bogus", &m, &err) < 0);
  assert_non_null (strstr (err.msg, "unknown option `bogus`"));
  brig_err_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sizes),  cmocka_unit_test (test_cpus),  cmocka_unit_test (test_int64),
    cmocka_unit_test (test_ulimit), cmocka_unit_test (test_tmpfs),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
