/* exec: a new process in a running container.
 *
 *   brig        opens the container's namespaces (from /proc/PID/ns, in the
 *               host's view) and compiles the seccomp filter;
 *   joiner      forked, non-dumpable from the start (CVE-2016-9962): joins
 *               the user namespace, then mount, uts, ipc, net, cgroup and
 *               pid, and forks
 *   process     in the container's pid namespace: it waits until brig has
 *               put it in the container's cgroups, then drops to the
 *               model's user and capabilities, no_new_privs, the filter,
 *               and execs.  The joiner relays its exit status.
 * The process inherits nothing of brig but the standard streams. */
#include "sandbox/internal.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const struct
{
  const char *name;
  int flag;
} ns_order[] = {
  /* The user namespace first: it gives the capabilities to join the rest. */
  { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },  { "uts", CLONE_NEWUTS },
  { "ipc", CLONE_NEWIPC },   { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP },
  { "pid", CLONE_NEWPID },
};

/* Reported by the process when it cannot exec. */
struct exec_msg
{
  int stage; /* 0: setup, 1: exec */
  int code;
  char text[1024];
};

static void __attribute__ ((noreturn)) proc_fail (int fd, int stage, struct brig_err *err)
{
  struct exec_msg m = { stage, err->code, "" };
  snprintf (m.text, sizeof m.text, "%s", err->msg ? err->msg : "exec failed");
  (void)!write (fd, &m, sizeof m);
  _exit (stage ? (err->code == ENOENT ? 127 : 126) : 125);
}

static void __attribute__ ((noreturn))
process_main (const struct brig_container *c, const struct brig_exec_opts *o, int report, int go,
              const struct brig_bpf *bpf, int agent)
{
  struct brig_err err = { 0 };
  _cleanup_free_ char *msg = NULL;
  sigset_t none;
  size_t len;
  char b;

  if (read (go, &b, 1) != 1)
    _exit (125);
  /* With a seccomp agent, the message for it follows, up to EOF. */
  if (agent >= 0 && brig_read_fd (go, "the seccomp agent's message", 1 << 20, &msg, &len, &err) < 0)
    proc_fail (report, 0, &err);
  close (go);
  if (o->console_socket >= 0)
    {
      if (brig_terminal_setup (o->console_socket, &err) < 0)
        proc_fail (report, 0, &err);
    }
  else if (setsid () < 0)
    {
      brig_error (&err, errno, "new session");
      proc_fail (report, 0, &err);
    }
  if (chdir (c->cwd ? c->cwd : "/") < 0)
    {
      brig_error (&err, errno, "working directory `%s`", c->cwd ? c->cwd : "/");
      proc_fail (report, 0, &err);
    }
  for (size_t i = 0; i < c->nrlimits; i++)
    {
      struct rlimit rl = { c->rlimits[i].soft, c->rlimits[i].hard };
      if (setrlimit (c->rlimits[i].resource, &rl) < 0)
        {
          brig_error (&err, errno, "set rlimit %d", c->rlimits[i].resource);
          proc_fail (report, 0, &err);
        }
    }
  if (brig_personality_apply (c, &err) < 0 || brig_lsm_apply (c, &err) < 0)
    proc_fail (report, 0, &err);
  if (!c->no_new_privs && bpf->insns && brig_seccomp_load (bpf, &agent, msg, &err) < 0)
    proc_fail (report, 0, &err);
  if (brig_caps_apply (c, &err) < 0)
    proc_fail (report, 0, &err);
  if (c->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      brig_error (&err, errno, "set no_new_privs");
      proc_fail (report, 0, &err);
    }
  if (syscall (SYS_close_range, 3U + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      brig_error (&err, errno, "close inherited file descriptors");
      proc_fail (report, 0, &err);
    }
  if (c->no_new_privs && bpf->insns && brig_seccomp_load (bpf, &agent, msg, &err) < 0)
    proc_fail (report, 0, &err);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  environ = c->env;
  execvp (c->argv[0], c->argv);
  {
    int e = errno;
    brig_error (&err, 0, "exec `%s`: %s", c->argv[0],
                e == ENOENT ? "executable file not found in $PATH" : strerror (e));
    err.code = e;
    proc_fail (report, 1, &err);
  }
}

/* The joiner: into the container's namespaces, then fork the process.
 * Sends the process's pid (as brig sees it) on PIDS, then relays its exit. */
static void __attribute__ ((noreturn))
joiner_main (const struct brig_container *c, const struct brig_exec_opts *o, int *ns_fds, int pids,
             int report, int go, const struct brig_bpf *bpf, int agent)
{
  struct brig_err err = { 0 };
  pid_t p;
  int st;

  prctl (PR_SET_DUMPABLE, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  for (size_t i = 0; i < ARRAY_SIZE (ns_order); i++)
    if (ns_fds[i] >= 0 && setns (ns_fds[i], ns_order[i].flag) < 0)
      {
        brig_error (&err, errno, "join the container's %s namespace", ns_order[i].name);
        proc_fail (report, 0, &err);
      }
  for (size_t i = 0; i < ARRAY_SIZE (ns_order); i++)
    if (ns_fds[i] >= 0)
      close (ns_fds[i]);
  p = fork ();
  if (p < 0)
    {
      brig_error (&err, errno, "fork in the container");
      proc_fail (report, 0, &err);
    }
  if (p == 0)
    {
      close (pids);
      process_main (c, o, report, go, bpf, agent);
    }
  close (go);
  if (agent >= 0)
    close (agent);
  close (report);
  (void)!write (pids, &p, sizeof p);
  close (pids);
  if (o->detach)
    _exit (0);
  while (waitpid (p, &st, 0) < 0)
    if (errno != EINTR)
      _exit (125);
  if (WIFSIGNALED (st))
    _exit (128 + WTERMSIG (st));
  _exit (WEXITSTATUS (st));
}

/* Is /proc/PID/ns/NAME a different namespace from ours? */
static int
open_ns (pid_t pid, const char *name, int *ret, struct brig_err *err)
{
  char path[64], self[64];
  struct stat a, b;
  int fd;

  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
  snprintf (self, sizeof self, "/proc/self/ns/%s", name);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_error (err, errno, "open `%s`", path);
  if (stat (self, &b) == 0 && fstat (fd, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
    {
      close (fd); /* shared with us: nothing to join */
      fd = -1;
    }
  *ret = fd;
  return 0;
}

int
brig_sandbox_exec (const struct brig_container *c, pid_t pid, unsigned long long start_time,
                   const struct brig_exec_opts *o, struct brig_exec_result *ret,
                   struct brig_err *err)
{
  int ns_fds[ARRAY_SIZE (ns_order)];
  int pids[2] = { -1, -1 }, report[2] = { -1, -1 }, go[2] = { -1, -1 };
  struct brig_bpf bpf = { 0 };
  _cleanup_free_ char *rel = NULL;
  pid_t joiner = -1, proc = -1;
  int agent = -1;
  struct exec_msg m;
  sigset_t set, old;
  bool mask_set = false;
  ssize_t n;
  int r = 0, st = 0;

  memset (ret, 0, sizeof *ret);
  for (size_t i = 0; i < ARRAY_SIZE (ns_fds); i++)
    ns_fds[i] = -1;
  for (size_t i = 0; i < ARRAY_SIZE (ns_order) && r == 0; i++)
    r = open_ns (pid, ns_order[i].name, &ns_fds[i], err);
  if (r == 0)
    r = brig_lsm_check (c, err);
  /* The namespaces must be those of the process the state recorded. */
  if (r == 0 && brig_proc_start_time (pid) != start_time)
    r = brig_error (err, ESRCH, "the container's process %d is gone", (int)pid);
  if (r == 0 && c->seccomp)
    {
      _cleanup_free_ char *cache = brig_cache_dir ();
      _cleanup_free_ char *dir = xasprintf ("%s/seccomp", cache);
      r = brig_seccomp_compile (c->seccomp, c->caps.bounding, dir, &bpf, err);
    }
  if (r == 0 && c->seccomp && c->seccomp->listener_path
      && (r = agent = brig_seccomp_listener_connect (c->seccomp->listener_path, err)) >= 0)
    r = 0;
  if (r == 0 && (rel = brig_cgroup_rel_path (c->cgroups_path, c->id, err)) == NULL)
    r = -EINVAL;
  if (r == 0
      && (pipe2 (pids, O_CLOEXEC) < 0 || pipe2 (report, O_CLOEXEC) < 0
          || pipe2 (go, O_CLOEXEC) < 0))
    r = brig_error (err, errno, "pipe");
  if (r < 0)
    goto out;

  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_BLOCK, &set, &old);
  mask_set = true;
  joiner = fork ();
  if (joiner < 0)
    {
      r = brig_error (err, errno, "fork");
      goto out;
    }
  if (joiner == 0)
    {
      close (pids[0]);
      close (report[0]);
      close (go[1]);
      sigprocmask (SIG_SETMASK, &old, NULL);
      joiner_main (c, o, ns_fds, pids[1], report[1], go[0], &bpf, agent);
    }
  if (agent >= 0)
    close (agent); /* the process has it */
  agent = -1;
  close (pids[1]);
  close (report[1]);
  close (go[0]);
  pids[1] = report[1] = go[0] = -1;
  n = read (pids[0], &proc, sizeof proc);
  if (n != (ssize_t)sizeof proc)
    {
      /* The joiner failed: its message says why. */
      n = read (report[0], &m, sizeof m);
      r = n == (ssize_t)sizeof m ? (brig_error (err, 0, "%s", m.text), -EINVAL)
                                 : brig_error (err, 0, "exec: the joining process died");
      goto out;
    }
  if (!c->rootless)
    brig_cgroup_join (rel, proc, err);
  brig_err_release (err);
  if (write (go[1], "g", 1) != 1)
    {
      r = brig_error (err, errno, "start the exec'd process");
      goto out;
    }
  if (c->seccomp && c->seccomp->listener_path)
    {
      _cleanup_free_ char *msg = o->listener_msg ? o->listener_msg (o->data, proc) : NULL;
      if (brig_write_all (go[1], msg ? msg : "{}", strlen (msg ? msg : "{}")) < 0)
        {
          r = brig_error (err, errno, "send the seccomp agent's message");
          goto out;
        }
    }
  close (go[1]);
  go[1] = -1;
  n = read (report[0], &m, sizeof m);
  if (n == (ssize_t)sizeof m)
    {
      brig_error (err, 0, "%s", m.text);
      err->code = m.code;
      ret->exec_errno = m.stage ? m.code : 0;
      r = m.code > 0 ? -m.code : -EINVAL;
      goto out;
    }
  ret->pid = proc;
  if (o->on_started)
    o->on_started (o->data, proc);
  if (!o->detach)
    brig_forward_until_exit (joiner, proc, &st);
  else
    while (waitpid (joiner, &st, 0) < 0 && errno == EINTR)
      ;
  joiner = -1;
  ret->status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
out:
  if (joiner > 0)
    {
      kill (joiner, SIGKILL);
      waitpid (joiner, NULL, 0);
    }
  for (size_t i = 0; i < ARRAY_SIZE (ns_fds); i++)
    if (ns_fds[i] >= 0)
      close (ns_fds[i]);
  if (agent >= 0)
    close (agent);
  for (int i = 0; i < 2; i++)
    {
      if (pids[i] >= 0)
        close (pids[i]);
      if (report[i] >= 0)
        close (report[i]);
      if (go[i] >= 0)
        close (go[i]);
    }
  brig_bpf_release (&bpf);
  if (mask_set)
    sigprocmask (SIG_SETMASK, &old, NULL);
  return r;
}
