/* The device rules' eBPF program (src/sandbox/devices_bpf.c), built and run
 * here by a small interpreter of the instructions it may use: nothing is
 * loaded into the kernel.  The verdicts are those of the v1 devices
 * controller, checked by hand and against a model of security/device_cgroup.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/internal.h"

enum
{
  C = BPF_DEVCG_DEV_CHAR,
  B = BPF_DEVCG_DEV_BLOCK,
  R = BPF_DEVCG_ACC_READ,
  W = BPF_DEVCG_ACC_WRITE,
  M = BPF_DEVCG_ACC_MKNOD,
};

/* Run P on one request as the kernel would: 1 allow, 0 deny.  Fails the
 * test on an instruction the builder should not emit, a backward or
 * out-of-range jump, a read outside the context, or running off the end. */
static int
run (const struct brig_devprog *p, int type, unsigned access, uint32_t major, uint32_t minor)
{
  struct bpf_cgroup_dev_ctx ctx = { (uint32_t)type | access << 16, major, minor };
  uint64_t reg[MAX_BPF_REG] = { 0 };
  bool ctx_in[MAX_BPF_REG] = { false };

  reg[BPF_REG_0] = 42; /* not a verdict: the program must set it */
  ctx_in[BPF_REG_1] = true;
  for (size_t pc = 0; pc < p->n; pc++)
    {
      const struct bpf_insn *i = &p->insns[pc];
      uint64_t imm = (uint64_t)(int64_t)i->imm;
      bool jump = false;

      assert_true (i->dst_reg < MAX_BPF_REG && i->src_reg < MAX_BPF_REG);
      switch (i->code)
        {
        case BPF_LDX | BPF_W | BPF_MEM:
          assert_true (ctx_in[i->src_reg]);
          assert_true (i->off >= 0 && (size_t)i->off + 4 <= sizeof ctx && i->off % 4 == 0);
          memcpy (&reg[i->dst_reg], (char *)&ctx + i->off, 4);
          reg[i->dst_reg] &= 0xffffffffu;
          ctx_in[i->dst_reg] = false;
          continue;
        case BPF_ALU | BPF_MOV | BPF_X:
          reg[i->dst_reg] = (uint32_t)reg[i->src_reg];
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] >> (i->imm & 31);
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] & (uint32_t)i->imm;
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          reg[i->dst_reg] = imm;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          jump = reg[i->dst_reg] == imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          jump = reg[i->dst_reg] != imm;
          break;
        case BPF_JMP | BPF_JSET | BPF_K:
          jump = (reg[i->dst_reg] & imm) != 0;
          break;
        case BPF_JMP | BPF_JA:
          jump = true;
          break;
        case BPF_JMP | BPF_EXIT:
          assert_true (reg[BPF_REG_0] == 0 || reg[BPF_REG_0] == 1);
          return (int)reg[BPF_REG_0];
        default:
          fail_msg ("instruction %zu: unexpected code %#x", pc, i->code);
        }
      ctx_in[i->dst_reg] = ctx_in[i->dst_reg] && BPF_CLASS (i->code) == BPF_JMP;
      if (BPF_CLASS (i->code) == BPF_JMP)
        {
          assert_true (i->off >= 0 && pc + (size_t)i->off + 1 < p->n);
          if (jump)
            pc += (size_t)i->off;
        }
    }
  fail_msg ("ran off the end of the program");
  return -1;
}

static int
verdict (const struct brig_device_rule *rules, size_t n, int type, unsigned access, uint32_t major,
         uint32_t minor)
{
  struct brig_devprog p;
  struct brig_err err = { 0 };
  int v;

  assert_int_equal (brig_devprog_build (rules, n, &p, &err), 0);
  assert_null (err.msg);
  v = run (&p, type, access, major, minor);
  brig_devprog_release (&p);
  return v;
}

#define RULES(...) ((const struct brig_device_rule[]){ __VA_ARGS__ })
#define NRULES(...) (sizeof (RULES (__VA_ARGS__)) / sizeof (struct brig_device_rule))
#define ALLOW(t, maj, min, acc)                                                                    \
  {                                                                                                \
    true, t, maj, min, acc                                                                         \
  }
#define DENY(t, maj, min, acc)                                                                     \
  {                                                                                                \
    false, t, maj, min, acc                                                                        \
  }
/* EXPECT (want, request type, access, major, minor, rules...) */
#define EXPECT(want, type, access, major, minor, ...)                                              \
  assert_int_equal (                                                                               \
      verdict (RULES (__VA_ARGS__), NRULES (__VA_ARGS__), type, access, major, minor), want)

static void
test_no_rules_deny_everything (void **state)
{
  struct brig_devprog p;
  struct brig_err err = { 0 };
  (void)state;
  assert_int_equal (brig_devprog_build (NULL, 0, &p, &err), 0);
  assert_int_equal (run (&p, C, R, 1, 3), 0);
  assert_int_equal (run (&p, B, M, 8, 0), 0);
  brig_devprog_release (&p);
}

/* brig's default rules (model/defaults.c) */
#define HARDENED                                                                                   \
  ALLOW ('c', 1, 3, "rwm"), ALLOW ('c', 1, 5, "rwm"), ALLOW ('c', 1, 7, "rwm"),                    \
      ALLOW ('c', 1, 8, "rwm"), ALLOW ('c', 1, 9, "rwm"), ALLOW ('c', 5, 0, "rwm"),                \
      ALLOW ('c', 5, 2, "rwm"), ALLOW ('c', 136, -1, "rwm")

static void
test_hardened_defaults (void **state)
{
  (void)state;
  EXPECT (1, C, R | W, 1, 3, HARDENED);
  EXPECT (1, C, M, 1, 3, HARDENED);
  EXPECT (1, C, R | W, 136, 7, HARDENED);
  EXPECT (1, C, R | W, 5, 2, HARDENED);
  EXPECT (0, C, W, 1, 11, HARDENED);
  EXPECT (0, C, R, 5, 1, HARDENED);
  EXPECT (0, C, R, 1, 4, HARDENED);
  EXPECT (0, B, R, 1, 3, HARDENED); /* the type counts */
  EXPECT (0, B, R, 136, 0, HARDENED);
}

/* What Docker sends: deny all, mknod of anything, then its nodes. */
#define DOCKER                                                                                     \
  DENY ('a', -1, -1, "rwm"), ALLOW ('c', -1, -1, "m"), ALLOW ('b', -1, -1, "m"),                   \
      ALLOW ('c', 1, 5, "rwm"), ALLOW ('c', 136, -1, "rwm"), ALLOW ('c', 10, 229, "rwm")

static void
test_docker_rules (void **state)
{
  (void)state;
  EXPECT (1, C, M, 10, 200, DOCKER);
  EXPECT (1, B, M, 8, 0, DOCKER);
  EXPECT (0, C, R, 10, 200, DOCKER);
  EXPECT (0, C, R | M, 10, 200, DOCKER);
  EXPECT (0, B, R, 8, 0, DOCKER);
  EXPECT (1, C, R | W, 10, 229, DOCKER);
  EXPECT (1, C, R | W | M, 136, 3, DOCKER);
}

static void
test_partial_access (void **state)
{
  (void)state;
  /* "rw" allowed: "m" is not, nor anything that asks for it. */
  EXPECT (1, C, R, 1, 11, ALLOW ('c', 1, 11, "rw"));
  EXPECT (1, C, W, 1, 11, ALLOW ('c', 1, 11, "rw"));
  EXPECT (1, C, R | W, 1, 11, ALLOW ('c', 1, 11, "rw"));
  EXPECT (0, C, M, 1, 11, ALLOW ('c', 1, 11, "rw"));
  EXPECT (0, C, R | M, 1, 11, ALLOW ('c', 1, 11, "rw"));
  /* v1 merges the access of rules on the same device... */
  EXPECT (1, C, R | W, 1, 11, ALLOW ('c', 1, 11, "r"), ALLOW ('c', 1, 11, "w"));
  /* ...not of rules on different patterns: one must hold it all. */
  EXPECT (0, C, R | W, 1, 11, ALLOW ('c', -1, -1, "r"), ALLOW ('c', 1, 11, "w"));
  EXPECT (1, C, R, 1, 11, ALLOW ('c', -1, -1, "r"), ALLOW ('c', 1, 11, "w"));
  EXPECT (1, C, W, 1, 11, ALLOW ('c', -1, -1, "r"), ALLOW ('c', 1, 11, "w"));
  EXPECT (0, C, W, 1, 12, ALLOW ('c', -1, -1, "r"), ALLOW ('c', 1, 11, "w"));
  /* An empty access allows nothing. */
  EXPECT (0, C, R, 1, 11, ALLOW ('c', 1, 11, ""));
}

static void
test_later_rules (void **state)
{
  (void)state;
  /* A deny takes its access back from the same device. */
  EXPECT (1, C, R, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', 1, 11, "w"));
  EXPECT (0, C, W, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', 1, 11, "w"));
  EXPECT (0, C, R | W, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', 1, 11, "w"));
  EXPECT (1, C, M, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', 1, 11, "w"));
  EXPECT (0, C, R, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', 1, 11, "rwm"));
  EXPECT (1, C, R, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', 1, 11, "rwm"),
          ALLOW ('c', 1, 11, "r"));
  /* As in v1, a wildcard deny does not remove a narrower allow (the v1
   * controller keeps `c 1:11 rwm` in devices.list). */
  EXPECT (1, C, R, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('c', -1, -1, "rwm"));
  EXPECT (0, C, R, 1, 12, ALLOW ('c', 1, 11, "rwm"), DENY ('c', -1, -1, "rwm"));
}

static void
test_allow_all_then_deny (void **state)
{
  (void)state;
  EXPECT (1, C, R | W | M, 1, 11, ALLOW ('a', -1, -1, "rwm"));
  EXPECT (1, B, R, 8, 0, ALLOW ('a', -1, -1, "rwm"));
  /* Allowing by default, any requested bit that a deny holds refuses. */
  EXPECT (0, C, W, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rw"));
  EXPECT (0, C, R, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rw"));
  EXPECT (0, C, R | M, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rw"));
  EXPECT (1, C, M, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rw"));
  EXPECT (1, C, R | W, 1, 12, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rw"));
  EXPECT (1, B, R | W, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rw"));
  EXPECT (0, C, W, 4, 2, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 4, -1, "w"));
  /* An allow after the deny takes its access back. */
  EXPECT (1, C, R, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rwm"),
          ALLOW ('c', 1, 11, "r"));
  EXPECT (0, C, R | W, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, 11, "rwm"),
          ALLOW ('c', 1, 11, "r"));
  /* Only from the same pattern: c 1:3 stays under the c 1:* deny. */
  EXPECT (0, C, W, 1, 3, ALLOW ('a', -1, -1, "rwm"), DENY ('c', 1, -1, "w"),
          ALLOW ('c', 1, 3, "w"));
}

static void
test_all_resets (void **state)
{
  (void)state;
  EXPECT (0, C, R, 1, 11, ALLOW ('a', -1, -1, "rwm"), DENY ('a', -1, -1, "rwm"));
  EXPECT (1, C, R, 1, 3, ALLOW ('a', -1, -1, "rwm"), DENY ('a', -1, -1, "rwm"),
          ALLOW ('c', 1, 3, "r"));
  /* `a` ignores major, minor and access, as v1 does. */
  EXPECT (0, C, W, 1, 11, ALLOW ('c', 1, 11, "rwm"), DENY ('a', 7, 7, "r"));
  EXPECT (1, B, W, 8, 0, ALLOW ('a', 1, 3, "r"));
  /* A reset forgets the exceptions before it. */
  EXPECT (1, C, R, 1, 11, DENY ('c', 1, 11, "r"), ALLOW ('a', -1, -1, "rwm"));
}

static void
test_large_numbers (void **state)
{
  (void)state;
  EXPECT (1, C, R, 4095, 1048575, ALLOW ('c', 4095, 1048575, "r"));
  EXPECT (0, C, R, 4095, 0, ALLOW ('c', 4095, 1048575, "r"));
  EXPECT (1, B, R, 259, 0x7fffffff, ALLOW ('b', -1, 0x7fffffff, "r"));
}

static void
test_bad_rules (void **state)
{
  struct brig_devprog p;
  struct brig_err err = { 0 };
  (void)state;
  assert_true (brig_devprog_build (RULES (ALLOW ('c', INT64_C (1) << 32, 0, "r")), 1, &p, &err)
               < 0);
  assert_non_null (strstr (err.msg, "major out of range"));
  assert_null (p.insns);
  brig_err_release (&err);
  assert_true (brig_devprog_build (RULES (ALLOW ('c', 1, -2, "r")), 1, &p, &err) < 0);
  assert_non_null (strstr (err.msg, "minor out of range"));
  brig_err_release (&err);
  assert_true (brig_devprog_build (RULES (ALLOW ('x', 1, 3, "r")), 1, &p, &err) < 0);
  assert_non_null (strstr (err.msg, "type `x`"));
  brig_err_release (&err);
}

/* A model of the v1 controller, written from security/device_cgroup.c
 * (dev_exception_add, dev_exception_rm, match_exception,
 * match_exception_partial) as directly as possible. */
struct model
{
  bool allow_all;
  size_t n;
  struct
  {
    int type;
    int64_t major, minor;
    unsigned access;
  } ex[64];
};

static unsigned
bits (const char *a)
{
  return (strchr (a, 'r') ? R : 0) | (strchr (a, 'w') ? W : 0) | (strchr (a, 'm') ? M : 0);
}

static void
model_write (struct model *m, const struct brig_device_rule *r)
{
  int type = r->type == 'c' ? C : B;
  bool add = r->allow != m->allow_all;
  size_t i;

  if (r->type == 'a')
    {
      m->allow_all = r->allow;
      m->n = 0;
      return;
    }
  for (i = 0; i < m->n; i++)
    if (m->ex[i].type == type && m->ex[i].major == r->major && m->ex[i].minor == r->minor)
      break;
  if (add && i == m->n)
    {
      m->ex[m->n].type = type;
      m->ex[m->n].major = r->major;
      m->ex[m->n].minor = r->minor;
      m->ex[m->n++].access = bits (r->access);
    }
  else if (add)
    m->ex[i].access |= bits (r->access);
  else if (i < m->n && (m->ex[i].access &= ~bits (r->access)) == 0)
    {
      memmove (&m->ex[i], &m->ex[i + 1], (m->n - i - 1) * sizeof m->ex[0]);
      m->n--;
    }
}

static int
model_check (const struct model *m, int type, unsigned access, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < m->n; i++)
    {
      if (m->ex[i].type != type || (m->ex[i].major != -1 && m->ex[i].major != major)
          || (m->ex[i].minor != -1 && m->ex[i].minor != minor))
        continue;
      if (m->allow_all && (access & m->ex[i].access))
        return 0;
      if (!m->allow_all && !(access & ~m->ex[i].access))
        return 1;
    }
  return m->allow_all;
}

/* Random rule lists over a few devices, every request checked against the
 * model: many exceptions, both defaults, every jump offset exercised. */
static void
test_matches_the_v1_model (void **state)
{
  static const char *const acc[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
  static const char types[] = { 'c', 'c', 'c', 'b', 'b', 'a' };
  unsigned seed = 12345;
  (void)state;

  for (int round = 0; round < 400; round++)
    {
      struct brig_device_rule rules[24];
      size_t n = (size_t)(rand_r (&seed) % 24);
      struct model m = { false, 0, { { 0 } } };
      struct brig_devprog p;
      struct brig_err err = { 0 };

      for (size_t i = 0; i < n; i++)
        {
          rules[i].allow = rand_r (&seed) % 2;
          rules[i].type = types[rand_r (&seed) % (int)sizeof types];
          rules[i].major = rand_r (&seed) % 3 - 1; /* -1, 0, 1 */
          rules[i].minor = rand_r (&seed) % 3 - 1;
          snprintf (rules[i].access, sizeof rules[i].access, "%s", acc[rand_r (&seed) % 7]);
          model_write (&m, &rules[i]);
        }
      assert_int_equal (brig_devprog_build (rules, n, &p, &err), 0);
      for (int type = B; type <= C; type++)
        for (unsigned a = 1; a <= (R | W | M); a++)
          for (uint32_t major = 0; major <= 2; major++)
            for (uint32_t minor = 0; minor <= 2; minor++)
              if (run (&p, type, a, major, minor) != model_check (&m, type, a, major, minor))
                fail_msg ("round %d: type %d access %u %u:%u: program and model disagree", round,
                          type, a, major, minor);
      brig_devprog_release (&p);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_no_rules_deny_everything),
    cmocka_unit_test (test_hardened_defaults),
    cmocka_unit_test (test_docker_rules),
    cmocka_unit_test (test_partial_access),
    cmocka_unit_test (test_later_rules),
    cmocka_unit_test (test_allow_all_then_deny),
    cmocka_unit_test (test_all_resets),
    cmocka_unit_test (test_large_numbers),
    cmocka_unit_test (test_bad_rules),
    cmocka_unit_test (test_matches_the_v1_model),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
