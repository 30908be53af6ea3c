/* Compile a seccomp profile to BPF once, then reuse it.
 *
 * libseccomp takes milliseconds to build a filter of a few hundred rules;
 * the result depends only on the resolved rule set, the architecture and
 * the libseccomp version.  So the compiled program is cached in a file whose
 * header holds that whole description, compared byte for byte on use: a
 * cache entry can only ever be used for exactly the rules it was built from.
 * The cache directory must belong to the caller and be private (0700). */
#include "sandbox/internal.h"
#include "model/caps.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/unixsock.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CACHE_MAGIC "brig-bpf-1\n"
#define MAX_BPF_BYTES (BPF_MAXINSNS * sizeof (struct sock_filter))

static uint32_t
action_value (enum brig_scmp_action a, int errno_ret)
{
  switch (a)
    {
    case BRIG_SCMP_KILL_PROCESS:
      return SCMP_ACT_KILL_PROCESS;
    case BRIG_SCMP_KILL_THREAD:
      return SCMP_ACT_KILL_THREAD;
    case BRIG_SCMP_TRAP:
      return SCMP_ACT_TRAP;
    case BRIG_SCMP_ERRNO:
      return SCMP_ACT_ERRNO ((uint32_t)errno_ret);
    case BRIG_SCMP_TRACE:
      return SCMP_ACT_TRACE ((uint32_t)errno_ret);
    case BRIG_SCMP_ALLOW:
      return SCMP_ACT_ALLOW;
    case BRIG_SCMP_LOG:
      return SCMP_ACT_LOG;
    case BRIG_SCMP_NOTIFY:
      return SCMP_ACT_NOTIFY;
    default:
      return SCMP_ACT_KILL_PROCESS;
    }
}

static const enum scmp_compare op_values[] = {
  [BRIG_SCMP_NE] = SCMP_CMP_NE,
  [BRIG_SCMP_LT] = SCMP_CMP_LT,
  [BRIG_SCMP_LE] = SCMP_CMP_LE,
  [BRIG_SCMP_EQ] = SCMP_CMP_EQ,
  [BRIG_SCMP_GE] = SCMP_CMP_GE,
  [BRIG_SCMP_GT] = SCMP_CMP_GT,
  [BRIG_SCMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* "SCMP_ARCH_X86_64" -> "x86_64"; Docker's includes use Go names too. */
static uint32_t
arch_token (const char *name)
{
  static const struct
  {
    const char *go;
    const char *scmp;
  } go_names[] = { { "amd64", "x86_64" },
                   { "386", "x86" },
                   { "arm64", "aarch64" },
                   { "ppc64le", "ppc64le" },
                   { "s390x", "s390x" } };
  char buf[64];
  size_t i;

  if (str_has_prefix (name, "SCMP_ARCH_"))
    name += 10;
  for (i = 0; name[i] && i < sizeof buf - 1; i++)
    buf[i] = (char)tolower ((unsigned char)name[i]);
  buf[i] = '\0';
  for (i = 0; i < ARRAY_SIZE (go_names); i++)
    if (strcmp (buf, go_names[i].go) == 0)
      return seccomp_arch_resolve_name (go_names[i].scmp);
  return seccomp_arch_resolve_name (buf);
}

static bool
arch_listed (char *const *list, uint32_t native)
{
  for (size_t i = 0; list && list[i]; i++)
    if (arch_token (list[i]) == native)
      return true;
  return false;
}

static unsigned
kernel_version (void)
{
  struct utsname u;
  unsigned major = 0, minor = 0;

  if (uname (&u) == 0)
    sscanf (u.release, "%u.%u", &major, &minor);
  return major * 65536 + minor * 256;
}

static bool
rule_applies (const struct brig_scmp_rule *r, uint64_t caps, uint32_t native, unsigned kver)
{
  if ((r->caps_all & caps) != r->caps_all)
    return false;
  if (r->caps_none & caps)
    return false;
  if (r->arches_in && !arch_listed (r->arches_in, native))
    return false;
  if (r->arches_out && arch_listed (r->arches_out, native))
    return false;
  if (r->min_kernel && kver < r->min_kernel)
    return false;
  return true;
}

/* The text that identifies a resolved profile: everything the BPF depends
 * on, each name length-prefixed so that no profile can spell out another's
 * description (the cache compares it byte for byte). */
static char *
describe (const struct brig_seccomp *p, uint64_t caps, uint32_t native, unsigned kver)
{
  const struct scmp_version *v = seccomp_version ();
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    return NULL;
  fprintf (f, "libseccomp %u.%u.%u native %u\ndefault %d %d\narches", v->major, v->minor, v->micro,
           native, p->default_action, p->default_errno);
  for (size_t i = 0; p->arches && p->arches[i]; i++)
    fprintf (f, " %u", arch_token (p->arches[i]));
  fputc ('\n', f);
  for (size_t i = 0; i < p->nrules; i++)
    {
      const struct brig_scmp_rule *r = &p->rules[i];
      if (!rule_applies (r, caps, native, kver))
        continue;
      fprintf (f, "%d %d", r->action, r->errno_ret);
      for (size_t j = 0; j < r->nargs; j++)
        fprintf (f, " a%u:%d:%llu:%llu", r->args[j].index, r->args[j].op,
                 (unsigned long long)r->args[j].value, (unsigned long long)r->args[j].value_two);
      for (size_t j = 0; r->names[j]; j++)
        fprintf (f, " %zu:%s", strlen (r->names[j]), r->names[j]);
      fputc ('\n', f);
    }
  fclose (f);
  return buf;
}

static int
build (const struct brig_seccomp *p, uint64_t caps, uint32_t native, unsigned kver,
       struct brig_bpf *ret, struct brig_err *err)
{
  scmp_filter_ctx ctx = seccomp_init (action_value (p->default_action, p->default_errno));
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *buf = NULL;
  size_t len;
  int r;

  if (ctx == NULL)
    return brig_error (err, ENOMEM, "seccomp: init");
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (size_t i = 0; p->arches && p->arches[i]; i++)
    {
      uint32_t a = arch_token (p->arches[i]);
      if (a == 0)
        {
          r = brig_error (err, 0, "seccomp: unknown architecture `%s`", p->arches[i]);
          goto out;
        }
      r = seccomp_arch_add (ctx, a);
      if (r < 0 && r != -EEXIST)
        {
          r = brig_error (err, -r, "seccomp: add architecture `%s`", p->arches[i]);
          goto out;
        }
    }
  for (size_t i = 0; i < p->nrules; i++)
    {
      const struct brig_scmp_rule *rule = &p->rules[i];
      struct scmp_arg_cmp cmps[BRIG_SCMP_MAX_ARGS];
      uint32_t action = action_value (rule->action, rule->errno_ret);

      if (!rule_applies (rule, caps, native, kver))
        continue;
      if (rule->action == p->default_action
          && (rule->action != BRIG_SCMP_ERRNO || rule->errno_ret == p->default_errno))
        continue;
      for (size_t j = 0; j < rule->nargs; j++)
        cmps[j] = (struct scmp_arg_cmp){ rule->args[j].index, op_values[rule->args[j].op],
                                         rule->args[j].value, rule->args[j].value_two };
      for (size_t j = 0; rule->names[j]; j++)
        {
          int nr = seccomp_syscall_resolve_name (rule->names[j]);
          if (nr == __NR_SCMP_ERROR)
            continue; /* not a syscall of this architecture or kernel */
          r = seccomp_rule_add_array (ctx, action, nr, (unsigned)rule->nargs, cmps);
          if (r < 0 && r != -EEXIST)
            {
              r = brig_error (err, -r, "seccomp: rule for `%s`", rule->names[j]);
              goto out;
            }
        }
    }
  fd = memfd_create ("brig-bpf", MFD_CLOEXEC);
  if (fd < 0)
    {
      r = brig_error (err, errno, "seccomp: memfd_create");
      goto out;
    }
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    {
      r = brig_error (err, -r, "seccomp: export");
      goto out;
    }
  lseek (fd, 0, SEEK_SET);
  r = brig_read_fd (fd, "seccomp program", MAX_BPF_BYTES, &buf, &len, err);
  if (r < 0)
    goto out;
  ret->insns = steal_pointer (&buf);
  ret->len = len;
out:
  seccomp_release (ctx);
  return r;
}

static uint64_t
fnv1a (const char *s)
{
  uint64_t h = UINT64_C (1469598103934665603);
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * UINT64_C (1099511628211);
  return h;
}

/* Files and directories only the caller can write. */
static bool
private_to_us (const struct stat *st)
{
  return st->st_uid == geteuid () && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int
cache_read (const char *path, const char *key, struct brig_bpf *ret)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  _cleanup_free_ char *buf = NULL;
  struct brig_err err = { 0 };
  size_t len, klen = strlen (key), hlen = sizeof CACHE_MAGIC - 1;
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || !private_to_us (&st))
    return -1;
  if (brig_read_fd (fd, path, MAX_BPF_BYTES + klen + hlen + 1, &buf, &len, &err) < 0)
    {
      brig_err_release (&err);
      return -1;
    }
  if (len <= hlen + klen + 1 || memcmp (buf, CACHE_MAGIC, hlen) != 0
      || memcmp (buf + hlen, key, klen) != 0 || buf[hlen + klen] != '\0'
      || (len - hlen - klen - 1) % sizeof (struct sock_filter) != 0)
    return -1;
  ret->len = len - hlen - klen - 1;
  ret->insns = xmalloc (ret->len);
  memcpy (ret->insns, buf + hlen + klen + 1, ret->len);
  return 0;
}

/* Best effort: a cache that cannot be written only costs time. */
static void
cache_write (const char *dir, const char *path, const char *key, const struct brig_bpf *bpf)
{
  _cleanup_free_ char *tmp = xasprintf ("%s.%d.tmp", path, getpid ());
  _cleanup_close_ int fd = -1;
  struct brig_err err = { 0 };
  struct stat st;

  if (brig_mkdir_p (dir, 0700, &err) < 0)
    {
      brig_err_release (&err);
      return;
    }
  if (stat (dir, &st) < 0 || !private_to_us (&st) || (st.st_mode & 077))
    return;
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  if (brig_write_all (fd, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) < 0
      || brig_write_all (fd, key, strlen (key) + 1) < 0
      || brig_write_all (fd, bpf->insns, bpf->len) < 0 || rename (tmp, path) < 0)
    unlink (tmp);
}

int
brig_seccomp_compile (const struct brig_seccomp *p, uint64_t caps, const char *cache_dir,
                      struct brig_bpf *ret, struct brig_err *err)
{
  uint32_t native = seccomp_arch_native ();
  unsigned kver = kernel_version ();
  _cleanup_free_ char *key = describe (p, caps, native, kver);
  _cleanup_free_ char *path = NULL;
  int r;

  for (size_t i = 0; i < p->nrules && p->listener_path == NULL; i++)
    if (p->rules[i].action == BRIG_SCMP_NOTIFY)
      return brig_error (err, 0, "seccomp profile `%s`: SCMP_ACT_NOTIFY needs a listenerPath",
                         p->source);
  if (key == NULL)
    return brig_error (err, ENOMEM, "seccomp: describe profile");
  if (cache_dir)
    {
      path = xasprintf ("%s/%016llx.bpf", cache_dir, (unsigned long long)fnv1a (key));
      if (cache_read (path, key, ret) == 0)
        return 0;
    }
  r = build (p, caps, native, kver, ret, err);
  if (r < 0)
    return brig_err_wrap (err, "seccomp profile `%s`", p->source);
  if (cache_dir)
    cache_write (cache_dir, path, key, ret);
  return 0;
}

int
brig_seccomp_install (const struct brig_bpf *bpf, int *ret_listener, struct brig_err *err)
{
  struct sock_fprog prog = {
    .len = (unsigned short)(bpf->len / sizeof (struct sock_filter)),
    .filter = bpf->insns,
  };
  unsigned flags = ret_listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);

  if (r < 0)
    return brig_error (err, errno, "install seccomp filter");
  if (ret_listener)
    *ret_listener = (int)r;
  return 0;
}

void
brig_bpf_release (struct brig_bpf *bpf)
{
  free (bpf->insns);
  bpf->insns = NULL;
  bpf->len = 0;
}

int
brig_seccomp_listener_connect (const char *path, struct brig_err *err)
{
  return brig_unix_connect (path, "seccomp listener", err);
}

int
brig_seccomp_load (const struct brig_bpf *bpf, int *agent, const char *msg, struct brig_err *err)
{
  int fd = -1, r;

  if (*agent < 0)
    return brig_seccomp_install (bpf, NULL, err);
  if ((r = brig_seccomp_install (bpf, &fd, err)) < 0)
    return r;
  r = brig_send_fd (*agent, msg, strlen (msg), fd);
  if (r < 0)
    brig_error (err, -r, "send the seccomp listener to its agent");
  close (fd);
  close (*agent);
  *agent = -1;
  return r;
}
