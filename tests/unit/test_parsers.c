/* passwd/group, env files, seccomp profiles, and the default model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/container.h"
#include "parse/envfile.h"
#include "parse/passwd.h"
#include "parse/seccomp_json.h"
#include "util/mem.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# comment\n"
                             "user:x:1000:1001:u:/home/user:/bin/sh\n"
                             "broken:x:abc:0::/:/bin/sh\n";
static const char group[] = "root:x:0:\nuser:x:1001:\nwheel:x:10:user,other\naudio:x:29:other\n";

static void
test_passwd (void **state)
{
  struct brig_err err = { 0 };
  struct brig_pwent pw;
  gid_t g, *groups = NULL;
  size_t n = 0;
  (void)state;
  assert_int_equal (brig_passwd_lookup (passwd, strlen (passwd), "p", "user", &pw, &err), 0);
  assert_int_equal (pw.uid, 1000);
  assert_int_equal (pw.gid, 1001);
  assert_int_equal (brig_passwd_lookup (passwd, strlen (passwd), "p", "1000", &pw, &err), 0);
  assert_int_equal (pw.gid, 1001);
  assert_int_equal (brig_passwd_lookup (passwd, strlen (passwd), "p", "nobody", &pw, &err),
                    -ENOENT);
  assert_true (brig_passwd_lookup (passwd, strlen (passwd), "/etc/passwd", "broken", &pw, &err)
               < 0);
  assert_string_equal (err.msg, "/etc/passwd:4: malformed entry for `broken`");
  brig_err_release (&err);
  assert_int_equal (brig_group_lookup (group, strlen (group), "g", "wheel", &g, &err), 0);
  assert_int_equal (g, 10);
  brig_group_members (group, strlen (group), "user", &groups, &n);
  assert_int_equal (n, 1);
  assert_int_equal (groups[0], 10);
  free (groups);
}

static void
test_subid (void **state)
{
  const char s[] = "alice:200000:1000\nroot:100000:65536\n";
  unsigned start, count;
  (void)state;
  assert_int_equal (brig_subid_lookup (s, strlen (s), "root", 0, &start, &count), 0);
  assert_int_equal (start, 100000);
  assert_int_equal (count, 65536);
  assert_int_equal (brig_subid_lookup (s, strlen (s), "bob", 5, &start, &count), -ENOENT);
}

static void
test_envfile (void **state)
{
  const char ok[] = "# c\nA=1\n  B=two words\r\n\nC\nD=\n";
  const char bad[] = "A=1\n  BAD NAME=2\n";
  struct brig_err err = { 0 };
  char **env = NULL;
  (void)state;
  assert_int_equal (brig_parse_envfile (ok, strlen (ok), "f", &env, &err), 0);
  assert_int_equal (strv_len (env), 4);
  assert_string_equal (env[0], "A=1");
  assert_string_equal (env[1], "B=two words");
  assert_string_equal (env[2], "C");
  assert_string_equal (env[3], "D=");
  strv_free (env);
  env = NULL;
  assert_true (brig_parse_envfile (bad, strlen (bad), "env.list", &env, &err) < 0);
  assert_non_null (strstr (err.msg, "env.list:2:3: invalid variable name `BAD NAME`"));
  brig_err_release (&err);
  strv_free (env);
}

static void
test_seccomp_json (void **state)
{
  const char docker[]
      = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
        "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_"
        "X86\"]}],"
        "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
        "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}],"
        "\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
        "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_"
        "ADMIN\"],"
        "\"minKernel\":\"4.8\",\"arches\":[\"amd64\"]}}]}";
  struct brig_err err = { 0 };
  struct brig_seccomp *p = NULL;
  (void)state;
  assert_int_equal (brig_parse_seccomp_json (docker, strlen (docker), "d.json", &p, &err), 0);
  assert_int_equal (p->default_action, BRIG_SCMP_ERRNO);
  assert_int_equal (p->default_errno, 38);
  assert_int_equal (strv_len (p->arches), 2);
  assert_int_equal (p->nrules, 3);
  assert_int_equal (p->rules[1].nargs, 1);
  assert_int_equal (p->rules[1].args[0].op, BRIG_SCMP_MASKED_EQ);
  assert_true (p->rules[1].args[0].value == 2114060288);
  assert_true (p->rules[1].caps_none == (UINT64_C (1) << 21));
  assert_true (p->rules[2].caps_all == (UINT64_C (1) << 21));
  assert_int_equal (p->rules[2].min_kernel, 4 * 65536 + 8 * 256);
  brig_seccomp_free (p);
}

static void
bad_profile (const char *json, const char *msg)
{
  struct brig_err err = { 0 };
  struct brig_seccomp *p = NULL;
  assert_true (brig_parse_seccomp_json (json, strlen (json), "p.json", &p, &err) < 0);
  if (strstr (err.msg, msg) == NULL)
    fail_msg ("want `%s` in `%s`", msg, err.msg);
  assert_null (p);
  brig_err_release (&err);
}

static void
test_seccomp_json_errors (void **state)
{
  (void)state;
  bad_profile ("{\n\"defaultAction\": }", "p.json:2:");
  bad_profile ("[]", "p.json: (top): expected a JSON object");
  bad_profile ("{}", "defaultAction: expected a string");
  bad_profile ("{\"defaultAction\":\"SCMP_ACT_X\"}", "defaultAction: unknown action `SCMP_ACT_X`");
  bad_profile (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
      "syscalls[0]: a rule needs `names`");
  bad_profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],"
               "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}",
               "syscalls[0].args[0].index: expected 0 to 5");
  bad_profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],"
               "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_NOPE\"]}}]}",
               "syscalls[0].includes.caps[0]: unknown capability `CAP_NOPE`");
  bad_profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultAction\":\"SCMP_ACT_LOG\"}",
               "duplicate object key");
  /* A name shaped like a piece of the cache key must not pass. */
  bad_profile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a0:3:0:0\","
               "\"personality\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
               "syscalls[0].names[0]: `a0:3:0:0` is not a syscall name");
}

static void
test_default_profile_shape (void **state)
{
  struct brig_seccomp *p = brig_seccomp_default ();
  bool keyctl_eperm = false, read_allowed = false;
  (void)state;
  assert_int_equal (p->default_action, BRIG_SCMP_ERRNO);
  assert_int_equal (p->default_errno, ENOSYS);
  for (size_t i = 0; i < p->nrules; i++)
    {
      const struct brig_scmp_rule *r = &p->rules[i];
      if (strv_contains (r->names, "keyctl"))
        keyctl_eperm = r->action == BRIG_SCMP_ERRNO && r->errno_ret == EPERM && !r->caps_none;
      if (strv_contains (r->names, "read") && r->action == BRIG_SCMP_ALLOW)
        read_allowed = true;
      /* No rule allows one of these unconditionally. */
      if (r->action == BRIG_SCMP_ALLOW && r->caps_all == 0)
        {
          assert_false (strv_contains (r->names, "mount"));
          assert_false (strv_contains (r->names, "unshare"));
          assert_false (strv_contains (r->names, "setns"));
          assert_false (strv_contains (r->names, "bpf"));
          assert_false (strv_contains (r->names, "ptrace"));
          assert_false (strv_contains (r->names, "keyctl"));
          assert_false (strv_contains (r->names, "io_uring_setup"));
          if (strv_contains (r->names, "clone") || strv_contains (r->names, "socket"))
            assert_true (r->nargs == 1);
        }
    }
  assert_true (keyctl_eperm);
  assert_true (read_allowed);
  brig_seccomp_free (p);
}

static void
test_relaxations (void **state)
{
  struct brig_container *c = brig_container_new_hardened ();
  struct brig_relaxation *r;
  size_t n;
  (void)state;
  r = brig_container_relaxations (c, &n);
  assert_int_equal (n, 0);
  brig_relaxations_free (r, n);
  c->caps = brig_capsets_uniform (1 << 12, true);
  c->readonly_rootfs = false;
  c->limits.pids = BRIG_UNLIMITED;
  r = brig_container_relaxations (c, &n);
  assert_int_equal (n, 3);
  assert_string_equal (r[0].kind, "cap-add");
  assert_string_equal (r[0].detail, "CAP_NET_ADMIN");
  assert_string_equal (r[1].kind, "rw-rootfs");
  assert_string_equal (r[2].kind, "pids-limit");
  brig_relaxations_free (r, n);
  brig_container_free (c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_passwd),
    cmocka_unit_test (test_subid),
    cmocka_unit_test (test_envfile),
    cmocka_unit_test (test_seccomp_json),
    cmocka_unit_test (test_seccomp_json_errors),
    cmocka_unit_test (test_default_profile_shape),
    cmocka_unit_test (test_relaxations),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
