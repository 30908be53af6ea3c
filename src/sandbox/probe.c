/* brig probe's tries (see probe.h for what "harmless" and "bounded" mean). */
#include "sandbox/probe.h"
#include "model/caps.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mountinfo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>

#define MIB (UINT64_C (1) << 20)
#define FORK_MAX 2000
#define FORK_SECONDS 10
#define MEM_MAX (UINT64_C (1024) * MIB)
#define MEM_OVER (UINT64_C (64) * MIB)
#define MEM_STEP (UINT64_C (8) * MIB)
#define MEM_SECONDS 30
#define SCAN_MAX 20000

static void __attribute__ ((format (printf, 3, 4)))
set (struct brig_probe_result *r, enum brig_probe_verdict v, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  free (r->detail);
  r->verdict = v;
  r->detail = xvasprintf (fmt, ap);
  va_end (ap);
}

/* Add "; " and the formatted text to *D (an allocated string, maybe ""). */
static void __attribute__ ((format (printf, 2, 3))) append (char **d, const char *fmt, ...)
{
  va_list ap;
  _cleanup_free_ char *part = NULL;
  char *nd;
  va_start (ap, fmt);
  part = xvasprintf (fmt, ap);
  va_end (ap);
  nd = xasprintf ("%s%s%s", *d, **d ? "; " : "", part);
  free (*d);
  *d = nd;
}

/* "EPERM" for errno values; "ok" for 0. */
static const char *
ename (int e)
{
  static const struct
  {
    int e;
    const char *name;
  } names[] = {
    { 0, "ok" },
    { EPERM, "EPERM" },
    { ENOENT, "ENOENT" },
    { EACCES, "EACCES" },
    { EROFS, "EROFS" },
    { ENOSYS, "ENOSYS" },
    { EINVAL, "EINVAL" },
    { ENOEXEC, "ENOEXEC" },
    { EAGAIN, "EAGAIN" },
    { ENOSPC, "ENOSPC" },
    { EUSERS, "EUSERS" },
    { EBUSY, "EBUSY" },
    { ENODEV, "ENODEV" },
    { ENXIO, "ENXIO" },
    { EEXIST, "EEXIST" },
    { ENOMEM, "ENOMEM" },
    { EAFNOSUPPORT, "EAFNOSUPPORT" },
    { ECONNREFUSED, "ECONNREFUSED" },
    { EKEYREJECTED, "EKEYREJECTED" },
    { EBADMSG, "EBADMSG" },
    { EDQUOT, "EDQUOT" },
    { ENOTDIR, "ENOTDIR" },
    { ESRCH, "ESRCH" },
    { ENOMEDIUM, "ENOMEDIUM" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (names[i].e == e)
      return names[i].name;
  return strerror (e);
}

/* Blocked by a permission check or a seccomp filter, not by anything else. */
static bool
refused (int e)
{
  return e == EPERM || e == EACCES || e == ENOSYS;
}

/* --- what is left to undo ------------------------------------------------ */

/* What a check has made and not yet undone, for brig_probe_abort: the one
 * child it waits for, a file (in /, or a device node) and a private
 * directory.  Plain arrays, so that a signal handler may read them. */
static volatile pid_t live_child;
static char live_file[PATH_MAX];
static char live_dir[PATH_MAX];

static void
remember (char *slot, const char *path)
{
  snprintf (slot, PATH_MAX, "%s", path ? path : "");
}

void
brig_probe_abort (void)
{
  if (live_child > 0)
    kill (live_child, SIGKILL);
  if (live_file[0])
    unlink (live_file);
  if (live_dir[0])
    {
      umount2 (live_dir, MNT_DETACH);
      rmdir (live_dir);
    }
}

/* In a child just forked from PARENT: die with it, also when it died
 * before the prctl. */
static void
die_with_parent (pid_t parent)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (0);
}

/* --- child processes ---------------------------------------------------- */

/* Set by in_child when it had to kill the child at its deadline. */
static bool child_timed_out;

/* Run FN in a child that reports up to 4 ints over a pipe; wait at most
 * SECONDS, then SIGKILL it (child_timed_out says so).  Returns the child's
 * wait status, or -1 when fork failed (errno set).  *ret_n is how many ints
 * arrived. */
static int
in_child (void (*fn) (int out, void *arg), void *arg, int seconds, int ret_vals[4], int *ret_n)
{
  int p[2], st = 0;
  pid_t pid, parent = getpid ();
  size_t got = 0;
  char buf[4 * sizeof (int)];
  struct timespec start, now;

  *ret_n = 0;
  child_timed_out = false;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (p[0]);
      close (p[1]);
      errno = e;
      return -1;
    }
  if (pid == 0)
    {
      close (p[0]);
      die_with_parent (parent);
      fn (p[1], arg);
      _exit (0);
    }
  close (p[1]);
  live_child = pid;
  clock_gettime (CLOCK_MONOTONIC, &start);
  for (;;)
    {
      struct pollfd pfd = { p[0], POLLIN, 0 };
      int left;
      clock_gettime (CLOCK_MONOTONIC, &now);
      left = seconds * 1000
             - (int)((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
      if (left <= 0)
        {
          child_timed_out = true;
          kill (pid, SIGKILL);
          break;
        }
      if (poll (&pfd, 1, left) < 0 && errno != EINTR)
        break;
      if (pfd.revents)
        {
          ssize_t n = read (p[0], buf + got % sizeof buf, sizeof buf - got % sizeof buf);
          if (n <= 0)
            break;
          got += (size_t)n;
          if (got >= sizeof buf)
            {
              /* Only the last full report counts (the memory test streams). */
              memcpy (ret_vals, buf, sizeof buf);
              *ret_n = 4;
              got = 0;
            }
        }
    }
  close (p[0]);
  /* However the loop ended (a failed poll or read too), the wait is
   * bounded: a child that has exited keeps its status. */
  kill (pid, SIGKILL);
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  live_child = 0;
  if (*ret_n == 0 && got >= sizeof (int))
    {
      *ret_n = (int)(got / sizeof (int));
      memcpy (ret_vals, buf, (size_t)*ret_n * sizeof (int));
    }
  return st;
}

static void
report (int out, int a, int b, int c, int d)
{
  int v[4] = { a, b, c, d };
  ssize_t n = write (out, v, sizeof v);
  (void)n;
}

/* A new empty directory in the first writable temporary directory, or
 * NULL; drop_dir removes it. */
static char *
private_dir (void)
{
  static const char *const bases[] = { "/tmp", "/dev/shm", "/run", "/var/tmp" };
  for (size_t i = 0; i < ARRAY_SIZE (bases); i++)
    {
      char *d = xasprintf ("%s/.brig-probe-XXXXXX", bases[i]);
      if (mkdtemp (d))
        {
          chmod (d, 0755);
          remember (live_dir, d);
          return d;
        }
      free (d);
    }
  return NULL;
}

/* Remove DIR, also when a child killed at its deadline left a mount on it
 * (one made where it could not unshare a mount namespace). */
static void
drop_dir (const char *dir)
{
  if (dir)
    {
      umount2 (dir, MNT_DETACH);
      rmdir (dir);
    }
  remember (live_dir, NULL);
}

/* --- /proc/self/status ---------------------------------------------------- */

struct status
{
  uint64_t eff, prm, bnd, inh, amb;
  int seccomp, filters, nnp;
  bool ok;
};

static void
read_status (struct status *s)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/status", "re");
  char line[256];

  *s = (struct status){ .seccomp = -1, .filters = -1, .nnp = -1 };
  if (f == NULL)
    return;
  s->ok = true;
  while (fgets (line, sizeof line, f))
    {
      sscanf (line, "CapEff: %" SCNx64, &s->eff);
      sscanf (line, "CapPrm: %" SCNx64, &s->prm);
      sscanf (line, "CapBnd: %" SCNx64, &s->bnd);
      sscanf (line, "CapInh: %" SCNx64, &s->inh);
      sscanf (line, "CapAmb: %" SCNx64, &s->amb);
      sscanf (line, "Seccomp: %d", &s->seccomp);
      sscanf (line, "Seccomp_filters: %d", &s->filters);
      sscanf (line, "NoNewPrivs: %d", &s->nnp);
    }
}

static char **
cap_list (uint64_t mask)
{
  char **v = xcalloc (1, sizeof *v);
  for (int c = 0; c < 64; c++)
    if (mask & (UINT64_C (1) << c))
      {
        const char *n = brig_cap_name (c);
        strv_push (&v, n ? xstrdup (n + 4) : xasprintf ("%d", c));
      }
  return v;
}

static char *
cap_text (uint64_t mask)
{
  _cleanup_strv_ char **v = cap_list (mask);
  char *s = xstrdup (v[0] ? "" : "none");
  for (size_t i = 0; v[i]; i++)
    {
      char *n = xasprintf ("%s%s%s", s, i ? "," : "", v[i]);
      free (s);
      s = n;
    }
  return s;
}

static void
check_caps (struct brig_probe_result *r)
{
  struct status s;
  _cleanup_free_ char *eff = NULL, *bnd = NULL;

  read_status (&s);
  if (!s.ok)
    return set (r, BRIG_PROBE_SKIPPED, "/proc/self/status cannot be read");
  eff = cap_text (s.eff);
  bnd = cap_text (s.bnd);
  r->items = cap_list (s.eff);
  if (s.eff)
    return set (r, BRIG_PROBE_OPEN, "effective: %s; bounding: %s", eff, bnd);
  set (r, BRIG_PROBE_HELD, "effective: none; bounding: %s", bnd);
}

static void
check_seccomp (struct brig_probe_result *r)
{
  struct status s;
  read_status (&s);
  if (s.seccomp < 0)
    return set (r, BRIG_PROBE_SKIPPED, "no Seccomp: line in /proc/self/status");
  if (s.seccomp == 0)
    return set (r, BRIG_PROBE_OPEN, "mode 0: no seccomp filter");
  if (s.seccomp == 1)
    return set (r, BRIG_PROBE_HELD, "mode 1: strict");
  set (r, BRIG_PROBE_HELD, "mode 2: filter (%d filter%s)", s.filters, s.filters == 1 ? "" : "s");
}

static void
check_nnp (struct brig_probe_result *r)
{
  struct status s;
  read_status (&s);
  if (s.nnp < 0)
    return set (r, BRIG_PROBE_SKIPPED, "no NoNewPrivs: line in /proc/self/status");
  if (s.nnp == 0)
    return set (r, BRIG_PROBE_OPEN, "NoNewPrivs: 0: setuid and file capabilities take effect");
  set (r, BRIG_PROBE_HELD, "NoNewPrivs: 1");
}

/* --- mounts and namespaces ---------------------------------------------- */

struct mount_arg
{
  const char *dir;
  bool userns;
};

static int
mount_tmpfs (const char *dir)
{
  if (mount ("brig-probe", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0)
    return errno;
  umount2 (dir, MNT_DETACH);
  return 0;
}

/* Reports: unshare(CLONE_NEWUSER) errno (userns only), unshare(CLONE_NEWNS)
 * errno, mount errno. */
static void
mount_child (int out, void *arg)
{
  struct mount_arg *a = arg;
  int user_e = 0, ns_e = 0, m_e;

  if (a->userns && unshare (CLONE_NEWUSER) < 0)
    return report (out, errno, -1, -1, 0);
  if (unshare (CLONE_NEWNS) < 0)
    ns_e = errno;
  else
    mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
  if (a->dir == NULL && ns_e)
    return report (out, user_e, ns_e, -1, 0);
  m_e = mount_tmpfs (a->dir ? a->dir : "/");
  report (out, user_e, ns_e, m_e, 0);
}

static int
mount_try (bool userns, char **ret_dir, int v[4])
{
  struct mount_arg a = { NULL, userns };
  int n, st;

  *ret_dir = private_dir ();
  a.dir = *ret_dir;
  st = in_child (mount_child, &a, 5, v, &n);
  drop_dir (*ret_dir);
  if (st < 0)
    return -errno;
  return n == 4 ? 0 : -ECHILD;
}

static void
check_mount (struct brig_probe_result *r)
{
  _cleanup_free_ char *dir = NULL;
  int v[4];
  int e = mount_try (false, &dir, v);

  if (e < 0)
    return set (r, BRIG_PROBE_SKIPPED, "the child that tries could not run: %s", ename (-e));
  if (v[2] == 0)
    return set (r, BRIG_PROBE_OPEN, "mount tmpfs on %s: ok (unshare(CLONE_NEWNS): %s)",
                dir ? dir : "/", ename (v[1]));
  if (v[2] < 0)
    return set (r, BRIG_PROBE_HELD,
                "unshare(CLONE_NEWNS): %s (no private directory to mount on: nothing writable)",
                ename (v[1]));
  set (r, BRIG_PROBE_HELD, "mount tmpfs on %s: %s (unshare(CLONE_NEWNS): %s)", dir, ename (v[2]),
       ename (v[1]));
}

static void
check_userns (struct brig_probe_result *r)
{
  _cleanup_free_ char *dir = NULL;
  int v[4];
  int e = mount_try (true, &dir, v);

  if (e < 0)
    return set (r, BRIG_PROBE_SKIPPED, "the child that tries could not run: %s", ename (-e));
  if (v[0] != 0)
    return set (r, BRIG_PROBE_HELD, "unshare(CLONE_NEWUSER): %s", ename (v[0]));
  if (v[2] < 0)
    return set (r, BRIG_PROBE_OPEN,
                "unshare(CLONE_NEWUSER): ok; inside it unshare(CLONE_NEWNS): %s", ename (v[1]));
  set (r, BRIG_PROBE_OPEN,
       "unshare(CLONE_NEWUSER): ok; inside it unshare(CLONE_NEWNS): %s, mount tmpfs: %s",
       ename (v[1]), ename (v[2]));
}

/* --- ptrace ---------------------------------------------------------------- */

static void
traceme_child (int out, void *arg)
{
  (void)arg;
  report (out, ptrace (PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0, 0, 0, 0);
}

static void
check_ptrace (struct brig_probe_result *r)
{
  int v[4], n, attach_e;
  pid_t pid, parent = getpid ();

  if (in_child (traceme_child, NULL, 5, v, &n) < 0 || n != 4)
    return set (r, BRIG_PROBE_SKIPPED, "the child that tries could not run");
  pid = fork ();
  if (pid < 0)
    return set (r, BRIG_PROBE_SKIPPED, "fork: %s", ename (errno));
  if (pid == 0)
    {
      die_with_parent (parent);
      for (;;)
        pause ();
    }
  attach_e = ptrace (PTRACE_SEIZE, pid, NULL, NULL) < 0 ? errno : 0;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  set (r, v[0] == 0 || attach_e == 0 ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD,
       "PTRACE_TRACEME: %s; PTRACE_SEIZE of a child: %s", ename (v[0]), ename (attach_e));
}

/* --- kernel, time, keyring -------------------------------------------------- */

static void
check_module (struct brig_probe_result *r)
{
  /* 64 zero bytes: not an ELF image, so the kernel can only refuse it.  EPERM
   * (no CAP_SYS_MODULE in the initial namespace) or ENOSYS (seccomp) means
   * the permission check stopped it; anything else means the kernel got as
   * far as reading the image. */
  static const char image[64];
  struct stat st;
  if (stat ("/proc/modules", &st) < 0 && errno == ENOENT && stat ("/proc/self", &st) == 0)
    return set (r, BRIG_PROBE_SKIPPED,
                "this kernel loads no modules (no /proc/modules): nothing to try");
  int e = syscall (SYS_init_module, image, sizeof image, "") < 0 ? errno : 0;
  set (r, refused (e) ? BRIG_PROBE_HELD : BRIG_PROBE_OPEN,
       "init_module with an invalid image: %s%s", ename (e),
       refused (e) ? "" : " (past the permission check)");
}

bool
brig_probe_kthread (const char *stat, size_t len)
{
  /* "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ...": COMM may
     hold spaces and parentheses, so the fields start after the last ')'. */
  const char *p = NULL, *end = stat + len;
  unsigned long long flags;
  char *e;

  for (const char *q = stat; q < end; q++)
    if (*q == ')')
      p = q + 1;
  for (int field = 3; p && field < 9; field++)
    {
      while (p < end && *p == ' ')
        p++;
      while (p < end && *p != ' ')
        p++;
    }
  if (p == NULL || p >= end || *p != ' ' || memchr (p, '\0', (size_t)(end - p)))
    return false;
  {
    _cleanup_free_ char *num = xstrndup (p + 1, strcspn (p + 1, " "));
    errno = 0;
    flags = strtoull (num, &e, 10);
    if (errno || e == num || *e)
      return false;
  }
  return (flags & 0x00200000) != 0; /* PF_KTHREAD */
}

static void
check_host_pid (struct brig_probe_result *r)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  size_t len;

  /* kthreadd is PID 2 from the host's namespace; elsewhere PID 2 is the
     container's own, or none. */
  if (access ("/proc/self/stat", R_OK) < 0)
    return set (r, BRIG_PROBE_SKIPPED, "/proc is not mounted: %s", ename (errno));
  if (brig_read_file ("/proc/2/stat", 4096, &buf, &len, &e) < 0)
    {
      brig_err_release (&e);
      return set (r, BRIG_PROBE_HELD, "/proc/2 is not there: the host's processes are not seen");
    }
  if (brig_probe_kthread (buf, len))
    return set (r, BRIG_PROBE_OPEN,
                "/proc/2 is a kernel thread (%.*s): the host's PID namespace, whose processes "
                "are all seen",
                (int)((const char *)memrchr (buf, ')', len) + 1 - buf), buf);
  set (r, BRIG_PROBE_HELD, "/proc/2 is not a kernel thread: a PID namespace of its own");
}

static void
check_time (struct brig_probe_result *r)
{
  /* settimeofday(NULL, NULL): the kernel asks the LSMs (CAP_SYS_TIME) before
   * looking at the arguments, and with both NULL changes nothing. */
  int e = syscall (SYS_settimeofday, NULL, NULL) < 0 ? errno : 0;
  set (r, refused (e) ? BRIG_PROBE_HELD : BRIG_PROBE_OPEN,
       "settimeofday(NULL, NULL) (the CAP_SYS_TIME check, no change): %s", ename (e));
}

static void
keyring_child (int out, void *arg)
{
  long add, get;
  (void)arg;
  get = syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  int get_e = get < 0 ? errno : 0;
  /* The process keyring is this child's own and goes with it. */
  add = syscall (SYS_add_key, "user", "brig-probe", "x", (size_t)1, KEY_SPEC_PROCESS_KEYRING);
  report (out, add < 0 ? errno : 0, get_e, 0, 0);
}

static void
check_keyring (struct brig_probe_result *r)
{
  int v[4], n;
  if (in_child (keyring_child, NULL, 5, v, &n) < 0 || n != 4)
    return set (r, BRIG_PROBE_SKIPPED, "the child that tries could not run");
  set (r, refused (v[0]) && refused (v[1]) ? BRIG_PROBE_HELD : BRIG_PROBE_OPEN,
       "add_key to a process keyring: %s; keyctl(KEYCTL_GET_KEYRING_ID, session): %s", ename (v[0]),
       ename (v[1]));
}

static void
check_raw (struct brig_probe_result *r)
{
  int pk = socket (AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons (ETH_P_ALL));
  int pk_e = pk < 0 ? errno : 0;
  int in = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  int in_e = in < 0 ? errno : 0;
  if (pk >= 0)
    close (pk);
  if (in >= 0)
    close (in);
  set (r, pk >= 0 || in >= 0 ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD,
       "socket(AF_PACKET, SOCK_RAW): %s; socket(AF_INET, SOCK_RAW, ICMP): %s", ename (pk_e),
       ename (in_e));
}

/* --- files --------------------------------------------------------------- */

static void
check_write_root (struct brig_probe_result *r)
{
  _cleanup_free_ char *p = xasprintf ("/.brig-probe-%d", (int)getpid ());
  int fd = open (p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return set (r, BRIG_PROBE_HELD, "create %s: %s", p, ename (errno));
  remember (live_file, p);
  close (fd);
  unlink (p);
  remember (live_file, NULL);
  set (r, BRIG_PROBE_OPEN, "create %s: ok (removed)", p);
}

/* Open each of PATHS for writing and close it unwritten.  Open when one
 * opened; skipped when none exists. */
static void
open_for_write (struct brig_probe_result *r, const char *const *paths, size_t n)
{
  _cleanup_free_ char *d = xstrdup ("");
  bool any = false, opened = false;

  for (size_t i = 0; i < n; i++)
    {
      int fd = open (paths[i], O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      int e = fd < 0 ? errno : 0;
      if (fd >= 0)
        close (fd);
      if (e == ENOENT)
        continue;
      any = true;
      opened |= e == 0;
      if (e == 0)
        strv_push (&r->items, xstrdup (paths[i]));
      append (&d, "%s for writing: %s", paths[i], e ? ename (e) : "opened (closed unwritten)");
    }
  if (!any)
    return set (r, BRIG_PROBE_SKIPPED, "none of the files exists");
  set (r, opened ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD, "%s", d);
}

static void
check_proc_sys (struct brig_probe_result *r)
{
  static const char *const paths[]
      = { "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sysrq-trigger" };
  open_for_write (r, paths, ARRAY_SIZE (paths));
}

static void
check_sys (struct brig_probe_result *r)
{
  static const char *const paths[]
      = { "/sys/kernel/uevent_helper", "/sys/kernel/profiling", "/sys/kernel/rcu_expedited",
          "/sys/kernel/mm/transparent_hugepage/enabled" };
  struct statvfs sv;
  open_for_write (r, paths, ARRAY_SIZE (paths));
  if (r->verdict == BRIG_PROBE_SKIPPED && statvfs ("/sys/kernel", &sv) == 0)
    set (r, sv.f_flag & ST_RDONLY ? BRIG_PROBE_HELD : BRIG_PROBE_OPEN, "/sys/kernel is mounted %s",
         sv.f_flag & ST_RDONLY ? "read-only" : "read-write");
}

/* The next line of mountinfo MI for a filesystem of type FSTYPE ("cgroup",
 * "cgroup2") whose super options include OPT (any when NULL): its root and
 * mount point.  False at the end. */
static bool
next_mount (FILE *mi, const char *fstype, const char *opt, char root[1024], char mp[1024])
{
  char line[4096];

  while (mi && fgets (line, sizeof line, mi))
    {
      struct brig_mountinfo m;
      line[strcspn (line, "\n")] = '\0';
      if (!brig_mountinfo_parse (line, &m) || strcmp (m.fstype, fstype) != 0
          || (opt && !brig_word_in_list (m.super, opt)))
        continue;
      snprintf (root, 1024, "%s", m.root);
      snprintf (mp, 1024, "%s", m.target);
      return true;
    }
  return false;
}

/* Every cgroup v1 hierarchy this process can see; then, when it may mount,
 * a fresh one in a private mount namespace (the CVE-2022-0492 path). */
static void
agent_child (int out, void *arg)
{
  const char *dir = arg;
  _cleanup_free_ char *p = NULL;
  int fd;
  if (dir == NULL)
    return report (out, -1, 0, 0, 0);
  if (unshare (CLONE_NEWNS) < 0)
    return report (out, errno, -1, 0, 0);
  mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
  if (mount ("brig-probe", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, "rdma") < 0
      && mount ("brig-probe", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, "memory") < 0)
    return report (out, 0, errno, 0, 0);
  p = xasprintf ("%s/release_agent", dir);
  fd = open (p, O_WRONLY | O_CLOEXEC);
  report (out, 0, 0, fd < 0 ? errno : 0, 0);
  if (fd >= 0)
    close (fd);
  umount2 (dir, MNT_DETACH);
}

static void
check_release_agent (struct brig_probe_result *r)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  _cleanup_free_ char *d = xstrdup (""), *dir = NULL;
  char root[1024], mp[1024];
  bool opened = false;
  int v[4], n;

  while (next_mount (f, "cgroup", NULL, root, mp))
    {
      _cleanup_free_ char *p = NULL;
      int fd, e;
      p = xasprintf ("%s/release_agent", mp);
      fd = open (p, O_WRONLY | O_CLOEXEC);
      e = fd < 0 ? errno : 0;
      if (fd >= 0)
        close (fd);
      if (e == ENOENT)
        continue;
      opened |= e == 0;
      if (e == 0)
        strv_push (&r->items, xstrdup (p));
      append (&d, "%s: %s", p, e ? ename (e) : "opened for writing");
    }
  dir = private_dir ();
  if (in_child (agent_child, dir, 5, v, &n) >= 0 && n == 4)
    {
      if (v[0] < 0)
        append (&d, "no private directory for a fresh cgroup mount");
      else if (v[0] > 0)
        append (&d, "fresh cgroup v1 mount: unshare(CLONE_NEWNS): %s", ename (v[0]));
      else if (v[1] > 0)
        append (&d, "fresh cgroup v1 mount: %s", ename (v[1]));
      else
        {
          append (&d, "fresh cgroup v1 mount: release_agent %s",
                  v[2] ? ename (v[2]) : "opened for writing");
          opened |= v[2] == 0;
        }
    }
  drop_dir (dir);
  set (r, opened ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD, "%s", *d ? d : "no release_agent visible");
}

static void
check_kcore (struct brig_probe_result *r)
{
  static const char *const paths[] = { "/proc/kcore", "/dev/mem", "/dev/kmem", "/dev/port" };
  _cleanup_free_ char *d = xstrdup ("");
  bool opened = false;

  for (size_t i = 0; i < ARRAY_SIZE (paths); i++)
    {
      int fd = open (paths[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      int e = fd < 0 ? errno : 0;
      const char *what = NULL;
      struct stat st;
      if (e == ENOENT)
        continue;
      if (fd >= 0)
        {
          /* Docker and brig cover /proc/kcore with /dev/null (1:3). */
          if (fstat (fd, &st) == 0 && S_ISCHR (st.st_mode) && st.st_rdev == makedev (1, 3))
            what = "masked (/dev/null)";
          else
            {
              what = "opened (not read)";
              opened = true;
              strv_push (&r->items, xstrdup (paths[i]));
            }
          close (fd);
        }
      append (&d, "%s: %s", paths[i], what ? what : ename (e));
    }
  set (r, opened ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD, "%s", *d ? d : "none present");
}

/* Block devices in /dev, opened and never read; then a node made for the
 * first disk of /proc/partitions in a private directory (the device
 * cgroup's part). */
static void
check_devices (struct brig_probe_result *r)
{
  _cleanup_free_ char *d = NULL, *dir = NULL;
  DIR *dd = opendir ("/dev");
  struct dirent *de;
  int seen = 0, tried = 0, opened = 0;
  unsigned maj = 0, mnr = 0;
  char line[256];
  FILE *f;

  while (dd && (de = readdir (dd)) && seen++ < 512)
    {
      struct stat st;
      int fd;
      if (fstatat (dirfd (dd), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISBLK (st.st_mode))
        continue;
      tried++;
      fd = openat (dirfd (dd), de->d_name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (fd >= 0)
        {
          close (fd);
          opened++;
          strv_push (&r->items, xasprintf ("/dev/%s", de->d_name));
        }
    }
  if (dd)
    closedir (dd);
  d = xasprintf ("%d block device%s in /dev, %d opened", tried, tried == 1 ? "" : "s", opened);
  f = fopen ("/proc/partitions", "re");
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, " %u %u", &maj, &mnr) == 2)
      break;
  if (f)
    fclose (f);
  if (maj && (dir = private_dir ()))
    {
      _cleanup_free_ char *node = xasprintf ("%s/blk", dir);
      if (mknod (node, S_IFBLK | 0600, makedev (maj, mnr)) < 0)
        append (&d, "mknod block %u:%u: %s", maj, mnr, ename (errno));
      else
        {
          int fd, e;
          remember (live_file, node);
          fd = open (node, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
          e = fd < 0 ? errno : 0;
          if (fd >= 0)
            {
              close (fd);
              opened++;
              strv_push (&r->items, xasprintf ("block %u:%u (mknod)", maj, mnr));
            }
          unlink (node);
          remember (live_file, NULL);
          append (&d, "mknod block %u:%u: ok, open: %s", maj, mnr,
                  e ? ename (e) : "opened (not read)");
        }
      drop_dir (dir);
    }
  set (r, opened ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD, "%s", d);
}

static void
check_setuid (struct brig_probe_result *r)
{
  static const char *const dirs[]
      = { "/bin",           "/sbin",           "/usr/bin",     "/usr/sbin",
          "/usr/local/bin", "/usr/local/sbin", "/usr/libexec", "/usr/lib/openssh" };
  struct status s;
  int seen = 0, found = 0, usable = 0;
  struct stat done[ARRAY_SIZE (dirs)];
  size_t ndone = 0;

  read_status (&s);
  for (size_t i = 0; i < ARRAY_SIZE (dirs) && seen < SCAN_MAX; i++)
    {
      DIR *dd = opendir (dirs[i]);
      struct dirent *de;
      struct statvfs sv;
      bool nosuid;
      char buf[64];
      struct stat ds;
      bool again = false;
      if (dd == NULL)
        continue;
      /* /bin is often a link to /usr/bin: each directory once. */
      if (fstat (dirfd (dd), &ds) == 0)
        {
          for (size_t k = 0; k < ndone; k++)
            again |= done[k].st_dev == ds.st_dev && done[k].st_ino == ds.st_ino;
          done[ndone++] = ds;
        }
      if (again)
        {
          closedir (dd);
          continue;
        }
      nosuid = fstatvfs (dirfd (dd), &sv) == 0 && (sv.f_flag & ST_NOSUID);
      while ((de = readdir (dd)) && seen++ < SCAN_MAX)
        {
          struct stat st;
          _cleanup_free_ char *p = NULL;
          bool caps;
          if (fstatat (dirfd (dd), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
              || !S_ISREG (st.st_mode))
            continue;
          p = xasprintf ("%s/%s", dirs[i], de->d_name);
          caps = lgetxattr (p, "security.capability", buf, sizeof buf) > 0;
          if (!(st.st_mode & (S_ISUID | S_ISGID)) && !caps)
            continue;
          found++;
          if (!nosuid)
            usable++;
          strv_push (&r->items,
                     xasprintf ("%s%s%s%s", p, st.st_mode & S_ISUID ? " setuid" : "",
                                st.st_mode & S_ISGID ? " setgid" : "", caps ? " setcap" : ""));
        }
      closedir (dd);
    }
  if (found == 0)
    return set (r, BRIG_PROBE_HELD, "none in %zu directories (%d entries read)", ARRAY_SIZE (dirs),
                seen);
  if (usable && s.nnp == 0)
    return set (r, BRIG_PROBE_OPEN, "%d setuid/setgid/setcap file%s, NoNewPrivs 0", found,
                found == 1 ? "" : "s");
  set (r, BRIG_PROBE_HELD, "%d setuid/setgid/setcap file%s, but %s", found, found == 1 ? "" : "s",
       usable ? "NoNewPrivs is 1" : "their mounts are nosuid");
}

static void
check_engine_socket (struct brig_probe_result *r)
{
  static const char *const paths[] = { "/var/run/docker.sock",
                                       "/run/docker.sock",
                                       "/run/containerd/containerd.sock",
                                       "/var/run/containerd/containerd.sock",
                                       "/run/podman/podman.sock",
                                       "/var/run/podman/podman.sock",
                                       "/run/crio/crio.sock",
                                       "/var/run/crio/crio.sock",
                                       "/run/buildkit/buildkitd.sock",
                                       "/run/user/0/podman/podman.sock",
                                       "/run/user/1000/podman/podman.sock",
                                       "/run/user/1000/docker.sock" };
  _cleanup_free_ char *d = xstrdup ("");
  bool reached = false;

  for (size_t i = 0; i < ARRAY_SIZE (paths); i++)
    {
      struct sockaddr_un sa = { .sun_family = AF_UNIX };
      struct stat st;
      int fd, e;
      if (stat (paths[i], &st) < 0 || !S_ISSOCK (st.st_mode))
        continue;
      strncpy (sa.sun_path, paths[i], sizeof sa.sun_path - 1);
      fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0)
        continue;
      e = connect (fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? errno : 0;
      close (fd);
      if (e == 0 || e == EAGAIN || e == EINPROGRESS)
        {
          reached = true;
          strv_push (&r->items, xstrdup (paths[i]));
        }
      append (&d, "%s: %s", paths[i],
              e == 0 || e == EAGAIN || e == EINPROGRESS ? "connected" : ename (e));
    }
  set (r, reached ? BRIG_PROBE_OPEN : BRIG_PROBE_HELD, "%s",
       *d ? d : "no engine socket at the usual paths");
}

/* --- cgroup limits ---------------------------------------------------------- */

int
brig_probe_cgroup_limit (FILE *mi, FILE *cg, const char *ctrl, const char *file, uint64_t *ret,
                         char **ret_dir)
{
  char line[4096], mp[1024], root[1024], path[1024] = "";
  int found;

  if (!next_mount (mi, ctrl ? "cgroup" : "cgroup2", ctrl, root, mp))
    return -1;
  /* Mounted: visible, and without a limit file (the root cgroup) unlimited. */
  found = 0;
  while (cg && fgets (line, sizeof line, cg))
    {
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      bool match = false;
      if (c2 == NULL)
        continue;
      *c2 = '\0';
      if (ctrl == NULL)
        match = c1[1] == '\0';
      else
        for (char *o = c1 + 1, *t; (t = strsep (&o, ","));)
          match |= strcmp (t, ctrl) == 0;
      if (match)
        {
          c2[1 + strcspn (c2 + 1, "\n")] = '\0';
          snprintf (path, sizeof path, "%s", c2 + 1);
          break;
        }
    }
  /* The cgroup's path below the mount's root, or the mount's top. */
  {
    size_t rl = strcmp (root, "/") == 0 ? 0 : strlen (root);
    const char *rel = "";
    if (path[0] && strncmp (path, root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0'))
      rel = path + rl;
    _cleanup_free_ char *dir = xasprintf ("%s%s", mp, strcmp (rel, "/") == 0 ? "" : rel);
    size_t mpl = strlen (mp);
    if (ret_dir)
      *ret_dir = xstrdup (dir);
    for (;;)
      {
        _cleanup_free_ char *p = xasprintf ("%s/%s", dir, file);
        _cleanup_fclose_ FILE *lf = fopen (p, "re");
        char val[64];
        char *slash;
        if (lf && fgets (val, sizeof val, lf))
          {
            uint64_t n;
            /* v1 says "unlimited" with a huge number. */
            if (sscanf (val, "%" SCNu64, &n) == 1 && n < (UINT64_C (1) << 62))
              {
                if (found == 0 || n < *ret)
                  *ret = n;
                found = 1;
              }
          }
        if (strlen (dir) <= mpl || (slash = strrchr (dir, '/')) == NULL)
          break;
        *slash = '\0';
      }
  }
  return found;
}

static int
cg_limit (const char *ctrl, const char *file, uint64_t *ret, char **ret_dir)
{
  _cleanup_fclose_ FILE *mi = fopen ("/proc/self/mountinfo", "re");
  _cleanup_fclose_ FILE *cg = fopen ("/proc/self/cgroup", "re");
  return brig_probe_cgroup_limit (mi, cg, ctrl, file, ret, ret_dir);
}

static int
cg_limit_any (const char *ctrl, const char *v1, const char *v2, uint64_t *ret, char **ret_file)
{
  _cleanup_free_ char *dir = NULL;
  int r = cg_limit (ctrl, v1, ret, &dir);
  if (r >= 0)
    {
      *ret_file = xasprintf ("%s/%s", dir, v1);
      return r;
    }
  free (dir);
  dir = NULL;
  r = cg_limit (NULL, v2, ret, &dir);
  if (r >= 0)
    *ret_file = xasprintf ("%s/%s", dir, v2);
  return r;
}

static bool
host_has_swap (void)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/meminfo", "re");
  char line[128];
  unsigned long kb;
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "SwapTotal: %lu", &kb) == 1)
      return kb > 0;
  return true;
}

static void
memory_child (int out, void *arg)
{
  uint64_t bound = *(uint64_t *)arg, done = 0;
  int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      ssize_t n = write (fd, "1000", 4);
      (void)n;
      close (fd);
    }
  while (done < bound)
    {
      char *p = mmap (NULL, MEM_STEP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        return report (out, (int)(done / MIB), errno, 0, 0);
      for (uint64_t i = 0; i < MEM_STEP; i += 4096)
        p[i] = 1;
      done += MEM_STEP;
      report (out, (int)(done / MIB), 0, 0, 0);
    }
  report (out, (int)(done / MIB), 0, 1, 0);
}

static void
check_memory (struct brig_probe_result *r)
{
  _cleanup_free_ char *file = NULL, *swfile = NULL;
  uint64_t lim = 0, sw = 0, bound;
  int v[4] = { 0 }, n, st;
  int vis = cg_limit_any ("memory", "memory.limit_in_bytes", "memory.max", &lim, &file);

  if (vis < 0)
    return set (r, BRIG_PROBE_SKIPPED,
                "no memory cgroup visible: the limit cannot be read, and "
                "allocating without one could exhaust the host");
  if (vis == 0)
    return set (r, BRIG_PROBE_OPEN,
                "no memory limit (%s: unlimited or absent); not allocated, so as not "
                "to exhaust the host",
                file);
  /* Swap lets a container go past its memory limit: v1 memsw is memory
   * plus swap, v2 swap.max is swap alone. */
  if (host_has_swap ())
    {
      int s
          = cg_limit_any ("memory", "memory.memsw.limit_in_bytes", "memory.swap.max", &sw, &swfile);
      if (s == 0)
        sw = UINT64_MAX;
      else if (s > 0 && strstr (swfile, "memsw"))
        sw = sw > lim ? sw - lim : 0;
    }
  /* With memory.oom.group (cgroup v2) the OOM killer ends the whole
   * cgroup, the probe with it. */
  if (str_has_suffix (file, "/memory.max"))
    {
      _cleanup_free_ char *g = xasprintf ("%.*s/memory.oom.group",
                                          (int)(strlen (file) - strlen ("/memory.max")), file);
      _cleanup_fclose_ FILE *gf = fopen (g, "re");
      int on = 0;
      if (gf && fscanf (gf, "%d", &on) == 1 && on == 1)
        return set (r, BRIG_PROBE_SKIPPED,
                    "limit %" PRIu64 " MiB (%s), but %s is 1: an OOM kill would end the whole "
                    "container, this probe with it",
                    lim / MIB, file, g);
    }
  bound = sw == UINT64_MAX ? MEM_MAX : lim + sw + MEM_OVER;
  if (bound > MEM_MAX)
    return set (r, BRIG_PROBE_SKIPPED,
                "limit %" PRIu64 " MiB (%s) plus swap is above the test's bound (1 GiB)", lim / MIB,
                file);
  st = in_child (memory_child, &bound, MEM_SECONDS, v, &n);
  if (st < 0)
    return set (r, BRIG_PROBE_SKIPPED, "fork: %s", ename (errno));
  if (!child_timed_out && WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL
      && (uint64_t)v[0] * MIB < bound)
    return set (r, BRIG_PROBE_HELD,
                "a child touching memory was killed at %d MiB; limit %" PRIu64 " MiB (%s)", v[0],
                lim / MIB, file);
  if (n == 4 && v[1])
    return set (r, BRIG_PROBE_HELD, "allocation refused at %d MiB (%s); limit %" PRIu64 " MiB",
                v[0], ename (v[1]), lim / MIB);
  if (n == 4 && v[2])
    return set (r, BRIG_PROBE_OPEN,
                "a child touched %d MiB, above the limit of %" PRIu64 " MiB (%s), and ran on", v[0],
                lim / MIB, file);
  set (r, BRIG_PROBE_SKIPPED, "the child did not finish in %d s (%d MiB touched)", MEM_SECONDS,
       v[0]);
}

static void
check_pids (struct brig_probe_result *r)
{
  _cleanup_free_ char *file = NULL;
  _cleanup_free_ pid_t *kids = xcalloc (FORK_MAX, sizeof *kids);
  uint64_t lim = 0;
  int vis = cg_limit_any ("pids", "pids.max", "pids.max", &lim, &file);
  int want = vis == 1 && lim + 16 < FORK_MAX ? (int)lim + 16 : FORK_MAX, made = 0, e = 0;
  struct timespec start, now;
  pid_t parent = getpid ();

  clock_gettime (CLOCK_MONOTONIC, &start);
  while (made < want)
    {
      pid_t pid = fork ();
      if (pid < 0)
        {
          e = errno;
          break;
        }
      if (pid == 0)
        {
          die_with_parent (parent);
          for (;;)
            pause ();
        }
      kids[made++] = pid;
      clock_gettime (CLOCK_MONOTONIC, &now);
      if (now.tv_sec - start.tv_sec >= FORK_SECONDS)
        {
          e = ETIMEDOUT;
          break;
        }
    }
  for (int i = 0; i < made; i++)
    kill (kids[i], SIGKILL);
  for (int i = 0; i < made; i++)
    while (waitpid (kids[i], NULL, 0) < 0 && errno == EINTR)
      ;
  _cleanup_free_ char *lt = vis == 1   ? xasprintf ("limit %" PRIu64 " (%s)", lim, file)
                            : vis == 0 ? xasprintf ("no limit (%s: max or absent)", file)
                                       : xstrdup ("no pids cgroup visible");
  if (e == ETIMEDOUT)
    return set (r, BRIG_PROBE_SKIPPED, "%d children in %d s, then stopped; %s", made, FORK_SECONDS,
                lt);
  if (e)
    return set (r, BRIG_PROBE_HELD, "fork refused (%s) after %d children; %s", ename (e), made, lt);
  if (vis == 1 && lim + 16 >= FORK_MAX)
    return set (r, BRIG_PROBE_SKIPPED, "%d children forked, the test's bound; %s", made, lt);
  set (r, BRIG_PROBE_OPEN, "%d children forked and none refused; %s", made, lt);
}

/* --- the table --------------------------------------------------------------- */

static const struct brig_probe_check checks[] = {
  { "capabilities", "effective capabilities (CapEff); open when any is held", check_caps },
  { "seccomp", "seccomp mode and filter count; open when there is no filter", check_seccomp },
  { "no_new_privs", "NoNewPrivs; open when 0", check_nnp },
  { "mount", "mount a tmpfs on a private directory", check_mount },
  { "userns", "unshare a user namespace, and mount inside it", check_userns },
  { "ptrace", "PTRACE_TRACEME, and PTRACE_SEIZE of a child", check_ptrace },
  { "module", "init_module with an invalid image", check_module },
  { "raw_socket", "AF_PACKET and AF_INET raw sockets", check_raw },
  { "write_root", "create a file in /", check_write_root },
  { "proc_sys", "open /proc/sys/kernel/core_pattern (and others) for writing, unwritten",
    check_proc_sys },
  { "sysfs", "open global /sys/kernel files for writing, unwritten", check_sys },
  { "release_agent", "open a cgroup v1 release_agent for writing, unwritten", check_release_agent },
  { "kcore", "open /proc/kcore, /dev/mem, /dev/kmem, /dev/port (never read)", check_kcore },
  { "devices", "open host block devices, and one made with mknod (never read)", check_devices },
  { "setuid", "setuid, setgid and setcap files in the usual bin directories", check_setuid },
  { "engine_socket", "connect to Docker, containerd, Podman, CRI-O sockets", check_engine_socket },
  { "keyring", "add_key and keyctl", check_keyring },
  { "time", "settimeofday(NULL, NULL): the CAP_SYS_TIME check", check_time },
  { "host_pid", "is /proc/2 a kernel thread: the host's PID namespace", check_host_pid },
  { "memory", "touch memory in a child up to the memory limit + 64 MiB", check_memory },
  { "pids", "fork up to the pids limit + 16 (at most 2000)", check_pids },
};

const struct brig_probe_check *
brig_probe_checks (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (checks);
  return checks;
}

void
brig_probe_run (const struct brig_probe_check *c, struct brig_probe_result *ret)
{
  *ret = (struct brig_probe_result){ .name = c->name, .verdict = BRIG_PROBE_SKIPPED };
  c->run (ret);
  if (ret->detail == NULL)
    ret->detail = xstrdup ("");
}

const char *
brig_probe_verdict_name (enum brig_probe_verdict v)
{
  switch (v)
    {
    case BRIG_PROBE_HELD:
      return "held";
    case BRIG_PROBE_OPEN:
      return "open";
    case BRIG_PROBE_SKIPPED:
      return "skipped";
    default:
      return "?";
    }
}

void
brig_probe_result_release (struct brig_probe_result *r)
{
  free (r->detail);
  strv_free (r->items);
  r->detail = NULL;
  r->items = NULL;
}
