/* The device rules on cgroup v2: an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE, built by hand (no libbpf), loaded with
 * bpf(2) and attached to the container's cgroup directory.
 *
 * It means exactly what the same rules mean to the v1 devices controller
 * (cgroup.c writes them there on v1 and hybrid hosts), so the rules are
 * first reduced the way the kernel's v1 controller reduces its writes
 * (security/device_cgroup.c):
 *
 *   - the cgroup starts denying everything;
 *   - `a` (any major, minor or access) resets: allow sets allow-by-default,
 *     deny sets deny-by-default, and both drop every exception;
 *   - a c or b rule that agrees with the default removes its access from
 *     the exception with exactly the same type, major and minor (a
 *     wildcard does not remove a narrower exception), and one that
 *     disagrees adds its access to that exception (or makes it).
 *
 * and the program checks a request (type, major, minor, access bits) the
 * way v1 does:
 *
 *   - deny-by-default: allowed only if ONE exception matches the device and
 *     holds EVERY requested access bit ("rw" allowed does not allow "m";
 *     "r" on c *:* plus "w" on c 1:11 does not allow "rw" on 1:11);
 *   - allow-by-default: denied if an exception matches the device and holds
 *     ANY requested access bit (deny "w" also refuses an open for "rw").
 *
 * Building is pure (brig_devprog_build, unit-tested); loading and attaching
 * touch the kernel (brig_devprog_attach). */
#include "sandbox/internal.h"
#include "util/cleanup.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* What is left of the rules once reduced: the default and the exceptions. */
struct exception
{
  int type;             /* BPF_DEVCG_DEV_CHAR or BPF_DEVCG_DEV_BLOCK */
  int64_t major, minor; /* -1: any */
  unsigned access;      /* BPF_DEVCG_ACC_* bits */
};

struct reduced
{
  bool allow_all; /* the default: allow (true) or deny */
  struct exception *ex;
  size_t n;
};

static unsigned
access_bits (const char *access)
{
  unsigned a = 0;

  for (const char *p = access; *p; p++)
    a |= *p == 'r'   ? BPF_DEVCG_ACC_READ
         : *p == 'w' ? BPF_DEVCG_ACC_WRITE
         : *p == 'm' ? BPF_DEVCG_ACC_MKNOD
                     : 0;
  return a;
}

static void
exception_add (struct reduced *s, const struct exception *e)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->ex[i].type == e->type && s->ex[i].major == e->major && s->ex[i].minor == e->minor)
      {
        s->ex[i].access |= e->access;
        return;
      }
  s->ex = xreallocarray (s->ex, s->n + 1, sizeof *s->ex);
  s->ex[s->n++] = *e;
}

static void
exception_rm (struct reduced *s, const struct exception *e)
{
  /* exception_add keeps one exception per type, major and minor. */
  for (size_t i = 0; i < s->n; i++)
    if (s->ex[i].type == e->type && s->ex[i].major == e->major && s->ex[i].minor == e->minor)
      {
        s->ex[i].access &= ~e->access;
        if (s->ex[i].access == 0)
          s->ex[i] = s->ex[--s->n];
        return;
      }
}

static int
check_number (const struct brig_device_rule *r, const char *what, int64_t v, struct brig_err *err)
{
  if (v < -1 || v > INT32_MAX)
    return brig_error (err, 0, "device rule `%c %lld:%lld %s`: %s out of range", r->type,
                       (long long)r->major, (long long)r->minor, r->access, what);
  return 0;
}

static int
reduce (const struct brig_device_rule *rules, size_t n, struct reduced *s, struct brig_err *err)
{
  int r;

  memset (s, 0, sizeof *s);
  for (size_t i = 0; i < n; i++)
    {
      const struct brig_device_rule *rule = &rules[i];
      struct exception e;

      if (rule->type == 'a')
        {
          s->allow_all = rule->allow;
          s->n = 0;
          continue;
        }
      if (rule->type != 'c' && rule->type != 'b')
        return brig_error (err, 0, "device rule %zu: type `%c` is not a, b or c", i, rule->type);
      if ((r = check_number (rule, "major", rule->major, err)) < 0
          || (r = check_number (rule, "minor", rule->minor, err)) < 0)
        return r;
      e = (struct exception){ rule->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK,
                              rule->major, rule->minor, access_bits (rule->access) };
      if (rule->allow == s->allow_all)
        exception_rm (s, &e);
      else
        exception_add (s, &e);
    }
  return 0;
}

/* The registers the prologue leaves for the checks. */
enum
{
  R_CTX = BPF_REG_1,
  R_TMP = BPF_REG_1, /* the context is not needed after the prologue */
  R_TYPE = BPF_REG_2,
  R_ACCESS = BPF_REG_3,
  R_MAJOR = BPF_REG_4,
  R_MINOR = BPF_REG_5,
};

#define INSN(CODE, DST, SRC, OFF, IMM)                                                             \
  ((struct bpf_insn){                                                                              \
      .code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })
#define LDX_W(DST, SRC, OFF) INSN (BPF_LDX | BPF_W | BPF_MEM, DST, SRC, OFF, 0)
#define MOV32_REG(DST, SRC) INSN (BPF_ALU | BPF_MOV | BPF_X, DST, SRC, 0, 0)
#define ALU32_IMM(OP, DST, IMM) INSN (BPF_ALU | (OP) | BPF_K, DST, 0, 0, IMM)
#define MOV64_IMM(DST, IMM) INSN (BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#define JMP_IMM(OP, DST, IMM, OFF) INSN (BPF_JMP | (OP) | BPF_K, DST, 0, OFF, IMM)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct emitter
{
  struct bpf_insn *insns;
  size_t n;
};

static void
emit (struct emitter *e, struct bpf_insn insn)
{
  e->insns = xreallocarray (e->insns, e->n + 1, sizeof *e->insns);
  e->insns[e->n++] = insn;
}

/* One exception: if the request matches it, return VERDICT; otherwise
 * fall through to the next.  Deny-by-default (VERDICT 1) needs every
 * requested bit in the exception; allow-by-default (VERDICT 0) any. */
static void
emit_exception (struct emitter *e, const struct exception *x, int verdict)
{
  struct bpf_insn checks[6];
  size_t k = 0;

  checks[k++] = JMP_IMM (BPF_JNE, R_TYPE, x->type, 0);
  if (x->major >= 0)
    checks[k++] = JMP_IMM (BPF_JNE, R_MAJOR, (int32_t)x->major, 0);
  if (x->minor >= 0)
    checks[k++] = JMP_IMM (BPF_JNE, R_MINOR, (int32_t)x->minor, 0);
  if (verdict)
    /* A requested bit the exception lacks: no match. */
    checks[k++] = JMP_IMM (BPF_JSET, R_ACCESS, (int32_t)~x->access, 0);
  else
    {
      /* No requested bit in the exception: no match. */
      checks[k++] = MOV32_REG (R_TMP, R_ACCESS);
      checks[k++] = ALU32_IMM (BPF_AND, R_TMP, (int32_t)x->access);
      checks[k++] = JMP_IMM (BPF_JEQ, R_TMP, 0, 0);
    }
  /* Every jump goes past the verdict (two instructions) to the next. */
  for (size_t i = 0; i < k; i++)
    {
      if (BPF_CLASS (checks[i].code) == BPF_JMP)
        checks[i].off = (int16_t)(k - i - 1 + 2);
      emit (e, checks[i]);
    }
  emit (e, MOV64_IMM (BPF_REG_0, verdict));
  emit (e, EXIT ());
}

int
brig_devprog_build (const struct brig_device_rule *rules, size_t n, struct brig_devprog *ret,
                    struct brig_err *err)
{
  struct reduced s;
  struct emitter e = { NULL, 0 };
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = reduce (rules, n, &s, err)) < 0)
    {
      free (s.ex);
      return r;
    }
  /* struct bpf_cgroup_dev_ctx: access_type (type | access << 16), major,
   * minor; each a __u32. */
  emit (&e, LDX_W (R_TYPE, R_CTX, offsetof (struct bpf_cgroup_dev_ctx, access_type)));
  emit (&e, MOV32_REG (R_ACCESS, R_TYPE));
  emit (&e, ALU32_IMM (BPF_RSH, R_ACCESS, 16));
  emit (&e, ALU32_IMM (BPF_AND, R_TYPE, 0xffff));
  emit (&e, LDX_W (R_MAJOR, R_CTX, offsetof (struct bpf_cgroup_dev_ctx, major)));
  emit (&e, LDX_W (R_MINOR, R_CTX, offsetof (struct bpf_cgroup_dev_ctx, minor)));
  for (size_t i = 0; i < s.n; i++)
    if (s.ex[i].access) /* one that holds no access matches nothing */
      emit_exception (&e, &s.ex[i], s.allow_all ? 0 : 1);
  emit (&e, MOV64_IMM (BPF_REG_0, s.allow_all ? 1 : 0));
  emit (&e, EXIT ());
  free (s.ex);
  ret->insns = e.insns;
  ret->n = e.n;
  return 0;
}

void
brig_devprog_release (struct brig_devprog *p)
{
  free (p->insns);
  p->insns = NULL;
  p->n = 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

/* The last whole lines of the verifier's log that fit in MAX bytes, on
 * one line. */
static const char *
log_tail (char *log, size_t max)
{
  size_t len = strlen (log);
  char *start = log;

  while (len && log[len - 1] == '\n')
    log[--len] = '\0';
  if (len > max)
    {
      char *nl = strchr (log + len - max, '\n');
      start = nl ? nl + 1 : log + len - max;
    }
  for (char *p = start; *p; p++)
    if (*p == '\n')
      *p = ' ';
  return start;
}

int
brig_devprog_attach (const struct brig_devprog *p, int cgroup_fd, struct brig_err *err)
{
  enum
  {
    LOG_SIZE = 1 << 16
  };
  union bpf_attr attr;
  _cleanup_close_ int fd = -1;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p->insns;
  attr.insn_cnt = (uint32_t)p->n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  /* Without a log first: a log too small for the verifier's output would
   * fail a program that is fine. */
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd < 0)
    {
      int e = errno;
      _cleanup_free_ char *log = xcalloc (1, LOG_SIZE);

      attr.log_level = 1;
      attr.log_buf = (uint64_t)(uintptr_t)log;
      attr.log_size = LOG_SIZE;
      fd = sys_bpf (BPF_PROG_LOAD, &attr);
      if (fd < 0)
        return brig_error (err, e, "load the eBPF program (%zu instructions; verifier: %s)", p->n,
                           *log ? log_tail (log, 512) : "no log");
    }
  /* ALLOW_MULTI: the programs of the parent cgroups (a systemd slice's
   * DevicePolicy, an outer runtime's) still run, and a device must pass
   * them all; a nested runtime can add its own below, never relax ours. */
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cgroup_fd;
  attr.attach_bpf_fd = (uint32_t)fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return brig_error (err, errno, "attach the eBPF program");
  /* The cgroup holds the program now: closing fd leaves it attached until
   * the cgroup is removed. */
  return 0;
}
