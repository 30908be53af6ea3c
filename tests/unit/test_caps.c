/* Capability names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "model/caps.h"

static void
test_names (void **state)
{
  (void)state;
  assert_int_equal (brig_cap_from_name ("NET_BIND_SERVICE"), 10);
  assert_int_equal (brig_cap_from_name ("net_bind_service"), 10);
  assert_int_equal (brig_cap_from_name ("CAP_NET_BIND_SERVICE"), 10);
  assert_int_equal (brig_cap_from_name ("cap_sys_admin"), 21);
  assert_int_equal (brig_cap_from_name ("CHECKPOINT_RESTORE"), 40);
  assert_int_equal (brig_cap_from_name ("all"), -2);
  assert_int_equal (brig_cap_from_name ("CAP_FLY"), -1);
  assert_int_equal (brig_cap_from_name (""), -1);
  assert_int_equal (brig_cap_from_name ("CAP_"), -1);
  assert_string_equal (brig_cap_name (0), "CAP_CHOWN");
  assert_null (brig_cap_name (41));
  assert_null (brig_cap_name (-1));
  for (int i = 0; i <= BRIG_CAP_MAX; i++)
    assert_int_equal (brig_cap_from_name (brig_cap_name (i)), i);
}

static void
test_parse_and_format (void **state)
{
  struct brig_err err = { 0 };
  uint64_t m = 0;
  char *s;
  (void)state;
  assert_int_equal (brig_cap_parse ("ALL", &m, &err), 0);
  assert_true (m == BRIG_CAPS_ALL);
  assert_true (brig_cap_parse ("bogus", &m, &err) < 0);
  assert_non_null (strstr (err.msg, "unknown capability `bogus`"));
  brig_err_release (&err);
  s = brig_caps_format ((1u << 0) | (1u << 10));
  assert_string_equal (s, "CAP_CHOWN,CAP_NET_BIND_SERVICE");
  free (s);
  s = brig_caps_format (0);
  assert_string_equal (s, "");
  free (s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_parse_and_format),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
