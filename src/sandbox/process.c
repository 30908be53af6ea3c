/* The container's life: create, start, wait, destroy.
 *
 * Three processes take part:
 *   brig       (the caller) prepares everything that needs host privileges:
 *              the compiled seccomp filter, the cgroup, the id maps, the
 *              idmapped root;
 *   container  cloned into new namespaces; builds its filesystem, waits for
 *              `start`, drops every privilege and execs the command as PID 1;
 *   cleaner    forked first; it waits on a pipe from brig and, should brig
 *              die without saying goodbye, kills the container and removes
 *              its cgroup and state, so that nothing is left behind.
 * brig and the container talk over a SOCK_SEQPACKET pair: GO (ids mapped,
 * and how cgroups are to be shown inside), READY, "S" (exec), and an error message if anything
 * fails; the container's end is close-on-exec, so EOF after "S" means exec succeeded. */
#include "sandbox/internal.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/unixsock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <termios.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum msg_kind
{
  MSG_HOOKS = 1, /* the mounts are made: run prestart and createRuntime */
  MSG_READY,
  MSG_ERROR,
  MSG_EXEC_ERROR,
};

/* brig -> container: the ids are mapped, the cgroup is made; go on. */
struct go_msg
{
  char tag;     /* 'G' */
  char v2;      /* show the cgroup2 hierarchy */
  char v1[256]; /* or these v1 hierarchies ("cpu,cpuacct;memory"), "" for none */
};

struct msg
{
  int kind;
  int code; /* errno */
  char text[2048];
};

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

struct brig_sandbox
{
  const struct brig_container *c;
  struct brig_sandbox_opts opts;
  pid_t pid;
  pid_t cleaner;
  int sock;           /* our end of the pair with the container */
  int cleaner_fd;     /* write end of the pipe the cleaner watches */
  int tree;           /* detached root filesystem, or -1 (rootless) */
  int *bind_fds;      /* detached bind sources, one per mount (-1: not a bind) */
  int ns_fds[7];      /* namespaces to join (-1: make a new one), by bit of enum brig_ns */
  int fifo;           /* detached: O_PATH to the exec FIFO, or -1 */
  int listener;       /* connected to the seccomp agent, or -1 */
  char *creating;     /* the container: its OCI state, for createContainer hooks */
  char *created;      /* and for startContainer hooks */
  char *listener_msg; /* the container: what the seccomp agent gets */
  struct brig_cgroup *cg;
  struct brig_bpf bpf;
  char **warnings;
  char *state_path;
  char *name_path;
  int name_fd;    /* the locked claim on the name, or -1 */
  int pty;        /* relay_terminal: the pty master, or -1 */
  int pty_peer;   /* relay_terminal: our end of the socket the master comes on */
  int net_fds[2]; /* the container's user and network namespaces, or -1 */
  sigset_t oldmask;
  bool reaped;
};

static void
forwarded_set (sigset_t *set)
{
  sigemptyset (set);
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    sigaddset (set, forwarded[i]);
  sigaddset (set, SIGCHLD);
}

static int
send_msg (int fd, enum msg_kind kind, int code, const char *text)
{
  struct msg m = { kind, code, "" };
  if (text)
    snprintf (m.text, sizeof m.text, "%s", text);
  return send (fd, &m, sizeof m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* --- the container process ---------------------------------------------- */

static void __attribute__ ((noreturn)) child_fail (int sock, struct brig_err *err)
{
  const char *msg = err->msg ? err->msg : "setup failed";

  /* After a detached `start`, nobody reads the socket: the engine reads
   * the container's stderr. */
  if (sock >= 0)
    send_msg (sock, MSG_ERROR, err->code, msg);
  else
    dprintf (2, "brig: %s\n", msg);
  _exit (125);
}

/* Does the container process need its OCI state from brig? */
static bool
wants_state (const struct brig_container *c)
{
  return c->nhooks[BRIG_HOOK_CREATE_CONTAINER] || c->nhooks[BRIG_HOOK_START_CONTAINER]
         || (c->seccomp && c->seccomp->listener_path);
}

static bool
wants_runtime_hooks (const struct brig_container *c)
{
  return c->nhooks[BRIG_HOOK_PRESTART] || c->nhooks[BRIG_HOOK_CREATE_RUNTIME];
}

/* The states and the agent's message: one SEQPACKET message of three
 * strings, each ended by NUL. */
static int
recv_state (struct brig_sandbox *sb, int sock)
{
  ssize_t n = recv (sock, NULL, 0, MSG_PEEK | MSG_TRUNC);
  char *buf;

  if (n <= 0)
    return -1;
  buf = xmalloc ((size_t)n + 3);
  if (recv (sock, buf, (size_t)n, 0) != n)
    {
      free (buf);
      return -1;
    }
  buf[n] = buf[n + 1] = buf[n + 2] = '\0';
  sb->creating = buf;
  sb->created = sb->creating + strlen (sb->creating) + 1;
  sb->listener_msg = sb->created + strlen (sb->created) + 1;
  return 0;
}

/* Tell brig the namespaces and mounts are made, and wait while it runs
 * the runtime's hooks on the host. */
static int
child_runtime_hooks (int sock, struct brig_err *err)
{
  char ok;

  if (send_msg (sock, MSG_HOOKS, 0, NULL) < 0)
    return brig_error (err, errno, "ask for the runtime's hooks");
  if (recv (sock, &ok, 1, 0) != 1 || ok != 'H')
    _exit (125); /* brig failed, and says why */
  return 0;
}

/* A terminal for the process: the pty master from the container's own
 * devpts goes to the engine over CONSOLE (SCM_RIGHTS, the pty's name as
 * payload, runc's protocol); the slave, taken with TIOCGPTPEER rather than
 * by a path the image could redirect, becomes our controlling terminal and
 * stdio, in a session of our own. */
int
brig_terminal_setup (int console, struct brig_err *err)
{
  _cleanup_close_ int master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  _cleanup_close_ int slave = -1;
  char name[64] = "";
  int unlock = 0, n;
  struct stat st;
  int r;

  if (master < 0)
    return brig_error (err, errno, "open the container's /dev/pts/ptmx");
  if (fstat (master, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) != 5
      || minor (st.st_rdev) != 2)
    return brig_error (err, 0, "/dev/pts/ptmx is not the pty multiplexer 5:2");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0 || ioctl (master, TIOCGPTN, &n) < 0)
    return brig_error (err, errno, "unlock the pty");
  snprintf (name, sizeof name, "/dev/pts/%d", n);
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return brig_error (err, errno, "open the pty's peer");
  if (setsid () < 0 || ioctl (slave, TIOCSCTTY, 0) < 0)
    return brig_error (err, errno, "make %s the controlling terminal", name);
  if ((r = brig_send_fd (console, name, strlen (name), master)) < 0)
    return brig_error (err, -r, "send the terminal to the console socket");
  if (dup2 (slave, 0) < 0 || dup2 (slave, 1) < 0 || dup2 (slave, 2) < 0)
    return brig_error (err, errno, "make %s the standard streams", name);
  close (console);
  return 0;
}

/* Is the command there, in the container, before we say we are ready?  A
 * missing one fails `create` (and brig run) with the exec error, as execvp
 * would report it. */
static int
resolve_command (const struct brig_container *c, struct brig_err *err)
{
  const char *path = NULL;
  const char *cmd = c->argv[0];

  if (strchr (cmd, '/'))
    return 0; /* execvp reports the error itself */
  for (size_t i = 0; c->env && c->env[i]; i++)
    if (str_has_prefix (c->env[i], "PATH="))
      path = c->env[i] + 5;
  if (path == NULL)
    path = BRIG_DEFAULT_PATH;
  for (const char *p = path; *p;)
    {
      size_t n = strcspn (p, ":");
      _cleanup_free_ char *full = xasprintf ("%.*s/%s", (int)n, n ? p : ".", cmd);
      if (access (full, F_OK) == 0)
        return 0;
      p += n + (p[n] == ':');
    }
  brig_error (err, 0, "exec `%s`: executable file not found in $PATH", cmd);
  err->code = ENOENT;
  return -ENOENT;
}

static int
loopback_up (struct brig_err *err)
{
  struct ifreq ifr = { 0 };
  _cleanup_close_ int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return brig_error (err, errno, "socket for the loopback interface");
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return brig_error (err, errno, "read loopback flags");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return brig_error (err, errno, "bring up the loopback interface");
  return 0;
}

/* PID 1 under --init: forward signals to the command, reap everything,
 * exit as the command did. */
static void __attribute__ ((noreturn)) reaper (pid_t main_pid)
{
  sigset_t set;
  int status = 0;

  prctl (PR_SET_NAME, "brig-init");
  forwarded_set (&set);
  for (;;)
    {
      int sig = sigwaitinfo (&set, NULL);
      pid_t p;
      int st;

      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (main_pid, sig);
          continue;
        }
      while ((p = waitpid (-1, &st, WNOHANG)) > 0)
        if (p == main_pid)
          {
            status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
            _exit (status);
          }
    }
}

/* Close every descriptor from FIRST up, except A and B (-1: none). */
static void
close_all_but (unsigned first, int a, int b)
{
  int keep[2] = { a < b ? a : b, a < b ? b : a };
  unsigned from = first;

  for (size_t i = 0; i < ARRAY_SIZE (keep); i++)
    if (keep[i] >= 0 && (unsigned)keep[i] >= from)
      {
        if ((unsigned)keep[i] > from)
          syscall (SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
        from = (unsigned)keep[i] + 1;
      }
  syscall (SYS_close_range, from, ~0U, 0U);
}

/* getcwd(3) names a directory outside the root "(unreachable)/...". */
static bool
cwd_inside_root (void)
{
  char buf[4096];
  return getcwd (buf, sizeof buf) != NULL && buf[0] == '/';
}

/* Who serves the container's network (the port forwarder, slirp4netns)
 * joins its namespaces through descriptors the container sends: brig may
 * not open the /proc files of a process that is not dumpable. */
static bool
wants_net_fds (const struct brig_container *c)
{
  return c->nports > 0 || c->netmode == BRIG_NET_PRIVATE || c->netmode == BRIG_NET_BRIDGE;
}

static int
send_net_fds (int sock)
{
  _cleanup_close_ int u = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int n = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

  if (u < 0 || n < 0 || brig_send_fd (sock, "U", 1, u) < 0 || brig_send_fd (sock, "N", 1, n) < 0)
    return -1;
  return 0;
}

static void __attribute__ ((noreturn)) child_main (struct brig_sandbox *sb, int sock)
{
  const struct brig_container *c = sb->c;
  struct brig_err err = { 0 };
  _cleanup_strv_ char **cg_v1 = NULL;
  struct go_msg gm;
  char go;
  int root = sb->tree;
  sigset_t none;

  /* A detached container outlives brig; an attached one dies with it. */
  if (sb->fifo < 0)
    prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The network namespace costs half a millisecond to make: make it here,
   * while brig sets up the cgroup and the id maps on the other CPU.  It
   * belongs to our user namespace exactly as if clone had made it. */
  if ((c->namespaces & BRIG_NS_NET) && sb->ns_fds[5] < 0 && unshare (CLONE_NEWNET) < 0)
    brig_error (&err, errno, "new network namespace");
  if (recv (sock, &gm, sizeof gm, 0) != (ssize_t)sizeof gm || gm.tag != 'G')
    _exit (125);
  gm.v1[sizeof gm.v1 - 1] = '\0';
  for (char *o = gm.v1, *tok; *gm.v1 && (tok = strsep (&o, ";"));)
    strv_push (&cg_v1, xstrdup (tok));
  if (err.msg)
    child_fail (sock, &err);
  if (wants_state (c) && recv_state (sb, sock) < 0)
    _exit (125);
  /* Only now: a non-dumpable process's /proc files belong to root, and an
   * unprivileged parent must write our id maps first. */
  prctl (PR_SET_DUMPABLE, 0);

  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    {
      brig_error (&err, errno, "become root in the user namespace");
      child_fail (sock, &err);
    }
  /* Namespaces given by path are joined now that we hold the capabilities
   * of our own user namespace. */
  for (size_t i = 0; i < ARRAY_SIZE (sb->ns_fds); i++)
    if (sb->ns_fds[i] >= 0 && setns (sb->ns_fds[i], 0) < 0)
      {
        brig_error (&err, errno, "join namespace `%s`", c->ns_path[i]);
        child_fail (sock, &err);
      }
  if ((c->namespaces & BRIG_NS_CGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    {
      brig_error (&err, errno, "new cgroup namespace");
      child_fail (sock, &err);
    }
  if (root < 0)
    {
      /* Rootless: the tree is cloned here, where we own the mount namespace;
       * no idmapping is possible, so files keep their owners as mapped. */
      struct mount_attr a = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                          | (c->readonly_rootfs ? MOUNT_ATTR_RDONLY : 0),
                              .propagation = MS_PRIVATE };
      root = open_tree (AT_FDCWD, c->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (root < 0 || mount_setattr (root, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
        {
          brig_error (&err, errno, "clone the root filesystem `%s`", c->rootfs);
          child_fail (sock, &err);
        }
    }
  if (c->rootless && c->nmounts && brig_mounts_open_binds (c, &sb->bind_fds, &err) < 0)
    child_fail (sock, &err);
  if (brig_mounts_setup (c, root, sb->bind_fds, cg_v1, gm.v2, &err) < 0)
    child_fail (sock, &err);
  /* In the container's namespaces, its mounts made, before pivot_root: the
   * hooks' paths are the host's (runtime spec). */
  if ((wants_runtime_hooks (c) && child_runtime_hooks (sock, &err) < 0)
      || brig_hooks_run (c, BRIG_HOOK_CREATE_CONTAINER, sb->creating, &err) < 0
      || brig_lsm_apply (c, &err) < 0 || brig_mounts_pivot (root, &err) < 0)
    child_fail (sock, &err);
  if ((c->namespaces & BRIG_NS_UTS) && c->hostname
      && sethostname (c->hostname, strlen (c->hostname)) < 0)
    {
      brig_error (&err, errno, "set hostname `%s`", c->hostname);
      child_fail (sock, &err);
    }
  if ((c->namespaces & BRIG_NS_NET) && loopback_up (&err) < 0)
    child_fail (sock, &err);

  if (sb->opts.console_socket >= 0 && brig_terminal_setup (sb->opts.console_socket, &err) < 0)
    child_fail (sock, &err);
  if (sb->fifo >= 0 && resolve_command (c, &err) < 0)
    child_fail (sock, &err);
  if (send_msg (sock, MSG_READY, 0, NULL) < 0 || (wants_net_fds (c) && send_net_fds (sock) < 0))
    _exit (125);
  if (sb->fifo >= 0)
    {
      /* Detached: brig is gone; `start` opens the FIFO for reading, which
       * unblocks this open. */
      char proc_fd[64];
      int w;
      close (sock);
      sock = -1;
      snprintf (proc_fd, sizeof proc_fd, "/proc/self/fd/%d", sb->fifo);
      w = open (proc_fd, O_WRONLY | O_CLOEXEC);
      if (w < 0 || write (w, "0", 1) != 1)
        _exit (125);
      close (w);
      close (sb->fifo);
    }
  else if (recv (sock, &go, 1, 0) != 1 || go != 'S')
    _exit (125);
  /* Started: the hooks' paths are the container's now. */
  if (brig_hooks_run (c, BRIG_HOOK_START_CONTAINER, sb->created, &err) < 0)
    child_fail (sock, &err);

  /* A new session: no controlling terminal to push input into (TIOCSTI).
   * With a terminal of its own, the session was made with it. */
  if (sb->opts.console_socket < 0 && setsid () < 0)
    {
      brig_error (&err, errno, "new session");
      child_fail (sock, &err);
    }
  for (size_t i = 0; i < c->nrlimits; i++)
    {
      struct rlimit rl = { c->rlimits[i].soft, c->rlimits[i].hard };
      if (setrlimit (c->rlimits[i].resource, &rl) < 0)
        {
          brig_error (&err, errno, "set rlimit %d to %llu:%llu", c->rlimits[i].resource,
                      (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
          child_fail (sock, &err);
        }
    }
  if (c->umask >= 0)
    umask ((mode_t)c->umask);
  if (brig_personality_apply (c, &err) < 0)
    child_fail (sock, &err);
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it
   * while we still hold it (runc does the same). */
  if (!c->no_new_privs && sb->bpf.insns
      && brig_seccomp_load (&sb->bpf, &sb->listener, sb->listener_msg, &err) < 0)
    child_fail (sock, &err);
  if (brig_caps_apply (c, &err) < 0)
    child_fail (sock, &err);
  /* Nothing of brig's may be reachable through /proc/self/fd when the
   * working directory is entered (CVE-2024-21626: cwd=/proc/self/fd/N):
   * close every descriptor but the standard ones, those passed on, and the
   * report socket; then check the directory is inside the root. */
  close_all_but (3 + c->preserve_fds, sock, sb->listener);
  if (chdir (c->cwd) < 0)
    {
      brig_error (&err, errno, "working directory `%s`", c->cwd);
      child_fail (sock, &err);
    }
  if (!cwd_inside_root ())
    {
      brig_error (&err, 0, "working directory `%s` is outside the container's root", c->cwd);
      child_fail (sock, &err);
    }
  if (c->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      brig_error (&err, errno, "set no_new_privs");
      child_fail (sock, &err);
    }
  /* Set again: changing credentials cleared it. */
  if (sb->fifo < 0)
    prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (syscall (SYS_close_range, 3U + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      brig_error (&err, errno, "close inherited file descriptors");
      child_fail (sock, &err);
    }
  if (c->no_new_privs && sb->bpf.insns
      && brig_seccomp_load (&sb->bpf, &sb->listener, sb->listener_msg, &err) < 0)
    child_fail (sock, &err);

  sigemptyset (&none);
  if (c->init)
    {
      pid_t p = fork ();
      if (p < 0)
        {
          brig_error (&err, errno, "fork the command under --init");
          child_fail (sock, &err);
        }
      if (p > 0)
        {
          /* It never execs, so close-on-exec never closes anything: drop
           * every descriptor of brig's now. */
          syscall (SYS_close_range, 3U, ~0U, 0U);
          reaper (p);
        }
    }
  /* Dispositions brig inherited (an ignored SIGQUIT...) are not the
   * command's to inherit. */
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  sigprocmask (SIG_SETMASK, &none, NULL);
  environ = c->env;
  execvp (c->argv[0], c->argv);
  {
    int e = errno;
    if (sock >= 0)
      send_msg (sock, MSG_EXEC_ERROR, e, c->argv[0]);
    _exit (e == ENOENT ? 127 : 126);
  }
}

/* --- the cleaner ---------------------------------------------------------- */

static void __attribute__ ((noreturn)) cleaner_main (struct brig_sandbox *sb, int rfd)
{
  pid_t pid = 0;
  char done;
  int pidfd = -1;
  ssize_t n;

  /* Terminal signals are for brig and the container, not for us. */
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    signal (forwarded[i], SIG_IGN);
  prctl (PR_SET_NAME, "brig-cleaner");
  /* A session of its own: a signal to brig's whole process group (job
   * control, timeout -s KILL) must not take the cleaner with it. */
  setsid ();
  pid = sb->pid;
  if (pid > 0)
    pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  do
    n = read (rfd, &done, 1);
  while (n < 0 && errno == EINTR);
  if (n == 1)
    _exit (0); /* brig finished the job itself */
  if (pidfd >= 0)
    syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  /* The cgroup was made after we were forked: find it by the id. */
  {
    struct brig_err e = { 0 };
    brig_cgroup_remove (sb->c->cgroups_path, sb->c->id, &e);
    brig_err_release (&e);
  }
  if (sb->state_path)
    unlink (sb->state_path);
  if (sb->name_path)
    unlink (sb->name_path);
  if (sb->opts.on_abandon)
    sb->opts.on_abandon (sb->opts.data);
  _exit (0);
}

static int
start_cleaner (struct brig_sandbox *sb, struct brig_err *err)
{
  int p[2];

  if (pipe2 (p, O_CLOEXEC) < 0)
    return brig_error (err, errno, "pipe");
  sb->cleaner = fork ();
  if (sb->cleaner < 0)
    {
      close (p[0]);
      close (p[1]);
      return brig_error (err, errno, "fork the cleaner");
    }
  if (sb->cleaner == 0)
    {
      close (p[1]);
      if (sb->tree >= 0)
        close (sb->tree);
      if (sb->sock >= 0)
        close (sb->sock);
      brig_mounts_close_binds (sb->bind_fds, sb->c->nmounts);
      sb->bind_fds = NULL;
      cleaner_main (sb, p[0]);
    }
  close (p[0]);
  sb->cleaner_fd = p[1];
  return 0;
}

/* --- brig's side ---------------------------------------------------------- */

/* Create PATH (absolute, inside ROOT) as an empty directory, or file when
 * !DIR, with missing parent directories; each step is resolved in the root,
 * so no symlink of the image leads outside it.  A dangling symlink is made
 * where it points (brig_link_in_root), *LINKS counting the links followed.
 * O_EXCL|O_NONBLOCK: never open, and block on, a FIFO someone put there
 * meanwhile. */
static int
make_in_root (int root, const char *path, bool dir, int *links, struct brig_err *err)
{
  _cleanup_free_ char *parent = xstrdup (path);
  _cleanup_free_ char *target = NULL;
  _cleanup_close_ int fd
      = brig_openat2 (root, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  _cleanup_close_ int pfd = -1;
  char *slash;
  int r;

  if (fd >= 0)
    return 0;
  if (errno != ENOENT)
    return brig_error (err, errno, "mount point `%s` in the image", path);
  slash = strrchr (parent, '/');
  if (slash == NULL || slash[1] == '\0')
    return brig_error (err, EINVAL, "mount point `%s`", path);
  *slash = '\0';
  if (*parent && (r = make_in_root (root, parent, true, links, err)) < 0)
    return r;
  pfd = brig_openat2 (root, *parent ? parent : "/", O_PATH | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (pfd < 0)
    return brig_error (err, errno, "create mount point `%s` in the image", path);
  if ((target = brig_link_in_root (pfd, parent, slash + 1)) != NULL)
    {
      if (++*links > BRIG_MAX_LINKS)
        return brig_error (err, ELOOP, "mount point `%s` in the image", path);
      return make_in_root (root, target, dir, links, err);
    }
  if (dir)
    r = mkdirat (pfd, slash + 1, 0755) < 0 && errno != EEXIST ? -1 : 0;
  else
    {
      fd = openat (pfd, slash + 1,
                   O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
      r = fd < 0 && errno != EEXIST ? -1 : 0;
    }
  if (r < 0)
    return brig_error (err, errno, "create mount point `%s` in the image", path);
  return 0;
}

/* Is DEST below the destination of another mount (so made inside a
 * filesystem of the container, such as /dev/pts in /dev)? */
static bool
under_other_mount (const struct brig_container *c, const char *dest)
{
  for (size_t i = 0; i < c->nmounts; i++)
    {
      size_t n = strlen (c->mounts[i].dest);
      if (strcmp (c->mounts[i].dest, dest) != 0 && strncmp (c->mounts[i].dest, dest, n) == 0
          && dest[n] == '/')
        return true;
    }
  return false;
}

/* Mount points the image lacks are created in it, empty, as runc and crun
 * do: the root is read-only only once it is mounted.  Those inside another
 * mount are made by the container process, in that filesystem. */
static int
make_mount_points (const struct brig_container *c, struct brig_err *err)
{
  _cleanup_close_ int root = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int r, links = 0;

  if (root < 0)
    return brig_error (err, errno, "image root `%s`", c->rootfs);
  for (size_t i = 0; i < c->nmounts; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      struct stat st;

      if (under_other_mount (c, m->dest))
        continue;
      links = 0;
      if (strcmp (m->type, "bind") == 0 && m->source && stat (m->source, &st) == 0
          && !S_ISDIR (st.st_mode))
        r = make_in_root (root, m->dest, false, &links, err);
      else
        r = make_in_root (root, m->dest, true, &links, err);
      if (r < 0)
        return r;
    }
  /* brig's own files: where the image cannot take their mount points
     (an image brig may not write), the container goes without them. */
  for (size_t i = 0; i < c->ngen_files; i++)
    {
      struct brig_err e = { 0 };
      links = 0;
      if (!under_other_mount (c, c->gen_files[i].dest))
        (void)make_in_root (root, c->gen_files[i].dest, false, &links, &e);
      brig_err_release (&e);
    }
  links = 0;
  if (c->create_cwd && c->cwd && strcmp (c->cwd, "/") != 0 && !under_other_mount (c, c->cwd)
      && (r = make_in_root (root, c->cwd, true, &links, err)) < 0)
    return brig_err_wrap (err, "working directory");
  return 0;
}

static int
write_oom_score_adj (struct brig_sandbox *sb, struct brig_err *err)
{
  char path[64], val[16];

  if (!sb->c->has_oom_score_adj)
    return 0;
  snprintf (path, sizeof path, "/proc/%d/oom_score_adj", (int)sb->pid);
  snprintf (val, sizeof val, "%d", sb->c->oom_score_adj);
  return brig_write_file_at (AT_FDCWD, path, val, err);
}

static void
close_setup_fds (struct brig_sandbox *sb)
{
  for (size_t i = 0; i < ARRAY_SIZE (sb->ns_fds); i++)
    if (sb->ns_fds[i] >= 0)
      {
        close (sb->ns_fds[i]);
        sb->ns_fds[i] = -1;
      }
  if (sb->fifo >= 0)
    close (sb->fifo);
  sb->fifo = -1;
}

static int
idmap_root (struct brig_sandbox *sb, struct brig_err *err)
{
  char path[64];
  _cleanup_close_ int userns = -1;
  unsigned base = (sb->c->rootfs_suid ? 0 : MOUNT_ATTR_NOSUID) | MOUNT_ATTR_NODEV
                  | (sb->c->readonly_rootfs ? MOUNT_ATTR_RDONLY : 0);
  /* Private: a clone of a shared mount (Docker's /var/lib/docker) stays in
   * its peer group, and pivot_root refuses a shared root. */
  struct mount_attr a = { .attr_set = base | MOUNT_ATTR_IDMAP, .propagation = MS_PRIVATE };

  if (sb->tree < 0)
    return 0;
  /* Idmapping makes container root the owner of host root's files.  That
   * is safe only for a root nobody can write: a writable root (or one a
   * CAP_SYS_ADMIN container could remount writable) keeps its host owners,
   * so container root writes as its own host uid and can never leave a
   * root-owned (setuid) file on the host. */
  if (!(sb->c->namespaces & BRIG_NS_USER) || !sb->c->readonly_rootfs || sb->c->rootfs_shifted
      || (sb->c->caps.bounding & (UINT64_C (1) << 21)))
    {
      a.attr_set = base;
      a.propagation = MS_PRIVATE;
      if (mount_setattr (sb->tree, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
        return brig_error (err, errno, "set the options of the root filesystem `%s`",
                           sb->c->rootfs);
      return 0;
    }
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int)sb->pid);
  userns = open (path, O_RDONLY | O_CLOEXEC);
  if (userns < 0)
    return brig_error (err, errno, "open `%s`", path);
  a.userns_fd = (uint64_t)userns;
  if (mount_setattr (sb->tree, "", AT_EMPTY_PATH, &a, sizeof a) == 0)
    return 0;
  /* Filesystems without idmapping support: the root keeps its owners (host
   * root's files show as nobody, still readable where the mode allows). */
  if (errno != EINVAL && errno != EPERM && errno != EOPNOTSUPP)
    return brig_error (err, errno, "idmap the root filesystem `%s`", sb->c->rootfs);
  strv_push (&sb->warnings,
             xasprintf ("the filesystem of `%s` does not support idmapped mounts: its "
                        "files keep their host owners inside the container",
                        sb->c->rootfs));
  a = (struct mount_attr){ .attr_set = base, .propagation = MS_PRIVATE };
  if (mount_setattr (sb->tree, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
    return brig_error (err, errno, "make the root filesystem `%s` read-only", sb->c->rootfs);
  return 0;
}

static int
recv_msg (struct brig_sandbox *sb, struct msg *m, struct brig_err *err)
{
  ssize_t n;

  do
    n = recv (sb->sock, m, sizeof *m, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return brig_error (err, errno, "read from the container process");
  if (n == 0)
    return 0;
  if ((size_t)n != sizeof *m)
    return brig_error (err, EPROTO, "short message from the container process");
  m->text[sizeof m->text - 1] = '\0';
  return 1;
}

static int
send_go (struct brig_sandbox *sb)
{
  struct go_msg gm = { 'G', brig_cgroup_is_v2 (sb->cg), "" };
  _cleanup_strv_ char **v1 = brig_cgroup_v1_controllers (sb->cg);
  size_t used = 0;

  for (size_t i = 0; v1 && v1[i]; i++)
    {
      int n = snprintf (gm.v1 + used, sizeof gm.v1 - used, "%s%s", i ? ";" : "", v1[i]);
      if (n < 0 || (size_t)n >= sizeof gm.v1 - used)
        return -ENAMETOOLONG;
      used += (size_t)n;
    }
  return send (sb->sock, &gm, sizeof gm, MSG_NOSIGNAL) == (ssize_t)sizeof gm ? 0 : -errno;
}

static int
send_state (struct brig_sandbox *sb)
{
  static const char *const what[] = { "creating", "created", "listener" };
  char *s[ARRAY_SIZE (what)];
  size_t len[ARRAY_SIZE (what)], total = 0;
  _cleanup_free_ char *buf = NULL;
  int r = 0;

  if (!wants_state (sb->c))
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (what); i++)
    {
      s[i] = sb->opts.state ? sb->opts.state (sb->opts.data, sb->pid, what[i]) : NULL;
      len[i] = s[i] ? strlen (s[i]) : 2;
      total += len[i] + 1;
    }
  buf = xmalloc (total);
  total = 0;
  for (size_t i = 0; i < ARRAY_SIZE (what); i++)
    {
      memcpy (buf + total, s[i] ? s[i] : "{}", len[i] + 1);
      total += len[i] + 1;
      free (s[i]);
    }
  if (send (sb->sock, buf, total, MSG_NOSIGNAL) < 0)
    r = -errno;
  return r;
}

/* One descriptor sent with SCM_RIGHTS on FD; -errno on failure. */
static int
recv_fd (int fd)
{
  char buf[128];
  union
  {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { buf, sizeof buf };
  struct msghdr mh
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
  struct cmsghdr *cm;
  int got;

  if (recvmsg (fd, &mh, MSG_CMSG_CLOEXEC) < 0)
    return -errno;
  cm = CMSG_FIRSTHDR (&mh);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    return -EPROTO;
  memcpy (&got, CMSG_DATA (cm), sizeof got);
  return got;
}

/* The container's message already carries the errno text. */
static int
child_error (const struct msg *m, struct brig_err *err)
{
  brig_error (err, 0, "%s", m->text);
  err->code = m->code;
  return m->code > 0 ? -m->code : -EINVAL;
}

/* The container process died without a word: say how. */
static int
died (struct brig_sandbox *sb, const char *when, struct brig_err *err)
{
  int st;

  if (waitpid (sb->pid, &st, 0) == sb->pid)
    {
      sb->reaped = true;
      if (WIFSIGNALED (st))
        return brig_error (err, 0, "the container process was killed by signal %d %s",
                           WTERMSIG (st), when);
      return brig_error (err, 0, "the container process exited with status %d %s", WEXITSTATUS (st),
                         when);
    }
  return brig_error (err, 0, "the container process vanished %s", when);
}

/* What the process that joins namespaces for the container says. */
struct spawn_msg
{
  pid_t pid; /* the container process, as brig sees it */
  int code;  /* or: errno */
  int ns;    /* of joining this namespace (-1: of clone) */
};

/* Clone the container process with FLAGS.  To join a pid or user namespace
 * it must be made by a process that joined them first: then the new pid
 * namespace's first process is in the joined one, and the namespaces it
 * makes belong to the joined user namespace.  That process makes it a
 * child of brig's (CLONE_PARENT), says its pid, and exits. */
static int
spawn (struct brig_sandbox *sb, unsigned long flags, int pair[2], struct brig_err *err)
{
  static const int order[] = { 2, 0 }; /* pid first, while we are host root */
  struct spawn_msg m = { -1, 0, -1 };
  int p[2];
  pid_t mid;
  ssize_t n;

  if (sb->ns_fds[0] < 0 && sb->ns_fds[2] < 0)
    {
      sb->pid = (pid_t)syscall (SYS_clone, flags, NULL, NULL, NULL, NULL);
      if (sb->pid < 0)
        return brig_error (err, errno, "clone the container process");
      if (sb->pid == 0)
        {
          close (pair[0]);
          child_main (sb, pair[1]);
        }
      return 0;
    }
  if (pipe2 (p, O_CLOEXEC) < 0)
    return brig_error (err, errno, "pipe");
  mid = fork ();
  if (mid < 0)
    {
      close (p[0]);
      close (p[1]);
      return brig_error (err, errno, "fork to join namespaces");
    }
  if (mid == 0)
    {
      close (p[0]);
      prctl (PR_SET_DUMPABLE, 0);
      for (size_t i = 0; i < ARRAY_SIZE (order); i++)
        {
          int k = order[i];
          if (sb->ns_fds[k] < 0)
            continue;
          if (setns (sb->ns_fds[k], 0) < 0)
            {
              m = (struct spawn_msg){ -1, errno, k };
              (void)!write (p[1], &m, sizeof m);
              _exit (1);
            }
          close (sb->ns_fds[k]);
          sb->ns_fds[k] = -1;
        }
      m.pid = (pid_t)syscall (SYS_clone, flags | CLONE_PARENT, NULL, NULL, NULL, NULL);
      if (m.pid == 0)
        {
          close (p[1]);
          close (pair[0]);
          child_main (sb, pair[1]);
        }
      if (m.pid < 0)
        m.code = errno;
      (void)!write (p[1], &m, sizeof m);
      _exit (0);
    }
  close (p[1]);
  do
    n = read (p[0], &m, sizeof m);
  while (n < 0 && errno == EINTR);
  close (p[0]);
  while (waitpid (mid, NULL, 0) < 0 && errno == EINTR)
    ;
  if (n != (ssize_t)sizeof m)
    return brig_error (err, EPROTO, "the process joining namespaces died");
  if (m.ns >= 0)
    return brig_error (err, m.code, "join namespace `%s`", sb->c->ns_path[m.ns]);
  if (m.pid < 0)
    return brig_error (err, m.code, "clone the container process");
  sb->pid = m.pid;
  return 0;
}

int
brig_sandbox_create (const struct brig_container *c, const struct brig_sandbox_opts *opts,
                     struct brig_sandbox **ret, struct brig_err *err)
{
  struct brig_sandbox *sb = xcalloc (1, sizeof *sb);
  _cleanup_free_ char *rundir = brig_runtime_dir ();
  unsigned long flags = SIGCHLD;
  int pair[2] = { -1, -1 };
  struct stat st;
  sigset_t set;
  struct msg m;
  int r;

  sb->c = c;
  sb->opts.console_socket = -1;
  if (opts)
    sb->opts = *opts;
  sb->sock = sb->cleaner_fd = sb->tree = sb->fifo = sb->name_fd = sb->pty = sb->pty_peer = -1;
  sb->listener = sb->net_fds[0] = sb->net_fds[1] = -1;
  for (size_t i = 0; i < ARRAY_SIZE (sb->ns_fds); i++)
    sb->ns_fds[i] = -1;
  forwarded_set (&set);
  sigprocmask (SIG_BLOCK, &set, &sb->oldmask);

  if (stat (c->rootfs, &st) < 0)
    {
      r = brig_error (err, errno, "image root `%s`", c->rootfs);
      goto fail;
    }
  if (!S_ISDIR (st.st_mode))
    {
      r = brig_error (err, ENOTDIR, "image root `%s`", c->rootfs);
      goto fail;
    }
  if ((r = brig_lsm_check (c, err)) < 0 || (r = make_mount_points (c, err)) < 0
      || (r = brig_mounts_check_host_devices (err)) < 0)
    goto fail;
  if (c->seccomp)
    {
      _cleanup_free_ char *cache = brig_cache_dir ();
      _cleanup_free_ char *dir = xasprintf ("%s/seccomp", cache);
      if ((r = brig_seccomp_compile (c->seccomp, c->caps.bounding, dir, &sb->bpf, err)) < 0)
        goto fail;
    }
  if (c->seccomp && c->seccomp->listener_path
      && (r = sb->listener = brig_seccomp_listener_connect (c->seccomp->listener_path, err)) < 0)
    goto fail;
  if (!c->rootless && (r = brig_mounts_open_binds (c, &sb->bind_fds, err)) < 0)
    goto fail;
  if (!c->rootless)
    {
      sb->tree = open_tree (AT_FDCWD, c->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (sb->tree < 0)
        {
          r = brig_error (err, errno, "clone the root filesystem `%s`", c->rootfs);
          goto fail;
        }
    }
  if (c->rootless && !(c->namespaces & BRIG_NS_USER))
    {
      r = brig_error (err, 0, "unprivileged, a container needs a user namespace");
      goto fail;
    }
  for (size_t i = 0; c->rootless && i < c->nmounts; i++)
    if (c->mounts[i].idmap)
      {
        r = brig_error (err, 0, "idmapped bind on `%s`: idmapping needs brig to run as root",
                        c->mounts[i].dest);
        goto fail;
      }
  for (size_t i = 0; i < ARRAY_SIZE (sb->ns_fds); i++)
    if (c->ns_path[i] && (sb->ns_fds[i] = open (c->ns_path[i], O_RDONLY | O_CLOEXEC)) < 0)
      {
        r = brig_error (err, errno, "namespace path `%s`", c->ns_path[i]);
        goto fail;
      }
  if (sb->opts.exec_fifo
      && (sb->fifo = open (sb->opts.exec_fifo, O_PATH | O_CLOEXEC | O_NOFOLLOW)) < 0)
    {
      r = brig_error (err, errno, "exec fifo `%s`", sb->opts.exec_fifo);
      goto fail;
    }
  if (c->name
      && (r = brig_state_claim_name (rundir, c->name, c->id, &sb->name_fd, &sb->name_path, err))
             < 0)
    goto fail;
  sb->state_path = brig_state_path (rundir, c->id);
  if (sb->opts.relay_terminal)
    {
      int tp[2];
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tp) < 0)
        {
          r = brig_error (err, errno, "socketpair for the terminal");
          goto fail;
        }
      sb->pty_peer = tp[0];
      sb->opts.console_socket = tp[1]; /* the container's end */
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    {
      r = brig_error (err, errno, "socketpair");
      goto fail;
    }
  if ((c->namespaces & BRIG_NS_USER) && sb->ns_fds[0] < 0)
    flags |= CLONE_NEWUSER;
  if ((c->namespaces & BRIG_NS_MNT) && sb->ns_fds[1] < 0)
    flags |= CLONE_NEWNS;
  if ((c->namespaces & BRIG_NS_PID) && sb->ns_fds[2] < 0)
    flags |= CLONE_NEWPID;
  if ((c->namespaces & BRIG_NS_UTS) && sb->ns_fds[3] < 0)
    flags |= CLONE_NEWUTS;
  if ((c->namespaces & BRIG_NS_IPC) && sb->ns_fds[4] < 0)
    flags |= CLONE_NEWIPC;
  if ((r = spawn (sb, flags, pair, err)) < 0)
    goto fail;
  close (pair[1]);
  sb->sock = pair[0];
  if (sb->listener >= 0)
    {
      close (sb->listener); /* the container's now */
      sb->listener = -1;
    }
  if (sb->opts.relay_terminal)
    {
      close (sb->opts.console_socket); /* the container has its copy */
      sb->opts.console_socket = -1;
    }
  /* Until the cleaner runs, the container dies with us (PR_SET_PDEATHSIG,
   * and EOF on its socket).  A detached container has no cleaner: whoever
   * runs it calls delete. */
  if (sb->fifo < 0 && (r = start_cleaner (sb, err)) < 0)
    goto fail;
  {
    _cleanup_free_ char *rel = brig_cgroup_rel_path (c->cgroups_path, c->id, err);
    size_t ndevices;
    /* The config's device rules, and the nodes it is given. */
    _cleanup_free_ struct brig_device_rule *devices = brig_container_cgroup_devices (c, &ndevices);
    if (rel == NULL
        || (r = brig_cgroup_create (rel, &c->limits, devices, ndevices, c->rootless, &sb->cg,
                                    &sb->warnings, err))
               < 0)
      {
        r = r ? r : -EINVAL;
        goto fail;
      }
  }

  if (((c->namespaces & BRIG_NS_USER) && sb->ns_fds[0] < 0
       && (r = brig_userns_write_maps (sb->pid, c, err)) < 0)
      || (r = write_oom_score_adj (sb, err)) < 0 || (r = idmap_root (sb, err)) < 0
      || (r = brig_mounts_idmap_binds (c, sb->bind_fds, sb->pid, err)) < 0
      || (r = brig_cgroup_attach (sb->cg, sb->pid, err)) < 0)
    goto fail;
  if ((r = send_go (sb)) < 0 || (r = send_state (sb)) < 0)
    {
      r = r == -ENAMETOOLONG ? brig_error (err, 0, "too many cgroup hierarchies to show")
                             : died (sb, "before setup", err);
      goto fail;
    }
  r = recv_msg (sb, &m, err);
  if (r > 0 && m.kind == MSG_HOOKS)
    {
      r = sb->opts.hooks ? sb->opts.hooks (sb->opts.data, sb->pid, err) : 0;
      if (r < 0)
        goto fail;
      if (send (sb->sock, "H", 1, MSG_NOSIGNAL) != 1)
        {
          r = died (sb, "during setup", err);
          goto fail;
        }
      r = recv_msg (sb, &m, err);
    }
  if (r == 0)
    r = died (sb, "during setup", err);
  else if (r > 0 && m.kind != MSG_READY)
    r = child_error (&m, err);
  if (r >= 0 && wants_net_fds (c)
      && ((sb->net_fds[0] = recv_fd (sb->sock)) < 0 || (sb->net_fds[1] = recv_fd (sb->sock)) < 0))
    r = died (sb, "while sending its namespaces", err);
  if (r >= 0 && sb->pty_peer >= 0 && (sb->pty = recv_fd (sb->pty_peer)) < 0)
    r = brig_error (err, -sb->pty, "receive the container's terminal");
  if (r < 0)
    goto fail;
  if (sb->fifo < 0
      && (r = brig_state_write (rundir, c, sb->pid, getpid (), brig_cgroup_mode (sb->cg), err)) < 0)
    goto fail;
  if (sb->tree >= 0)
    {
      close (sb->tree);
      sb->tree = -1;
    }
  brig_mounts_close_binds (sb->bind_fds, c->nmounts);
  sb->bind_fds = NULL;
  *ret = sb;
  return 0;
fail:
  brig_sandbox_destroy (sb);
  return r;
}

int
brig_sandbox_net_fd (const struct brig_sandbox *sb, enum brig_ns which)
{
  return which == BRIG_NS_USER ? sb->net_fds[0] : which == BRIG_NS_NET ? sb->net_fds[1] : -1;
}

pid_t
brig_sandbox_pid (const struct brig_sandbox *sb)
{
  return sb->pid;
}

char *const *
brig_sandbox_warnings (const struct brig_sandbox *sb)
{
  static char *const none[] = { NULL };
  return sb->warnings ? sb->warnings : none;
}

const char *
brig_sandbox_cgroup_mode (const struct brig_sandbox *sb)
{
  return brig_cgroup_mode (sb->cg);
}

int
brig_sandbox_start (struct brig_sandbox *sb, int *ret_exec_errno, struct brig_err *err)
{
  struct msg m;
  int r;

  *ret_exec_errno = 0;
  if (send (sb->sock, "S", 1, MSG_NOSIGNAL) != 1)
    return died (sb, "before start", err);
  r = recv_msg (sb, &m, err);
  if (r <= 0)
    return r; /* EOF: the exec happened */
  if (m.kind == MSG_EXEC_ERROR)
    {
      *ret_exec_errno = m.code;
      if (m.code == ENOENT)
        return brig_error (err, 0, "exec `%s`: executable file not found in $PATH", m.text);
      return brig_error (err, m.code, "exec `%s`", m.text);
    }
  return child_error (&m, err);
}

int
brig_forward_until_exit (pid_t child, pid_t target, int *ret_status)
{
  _cleanup_close_ int sfd = -1;
  sigset_t set, old;
  int st = 0, stops = 0;

  forwarded_set (&set);
  sigprocmask (SIG_BLOCK, &set, &old);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    {
      int e = errno;
      sigprocmask (SIG_SETMASK, &old, NULL);
      return -e;
    }
  for (;;)
    {
      struct signalfd_siginfo si;
      pid_t p = waitpid (child, &st, WNOHANG);

      if (p == child)
        break;
      if (p < 0 && errno != EINTR)
        {
          int e = errno;
          sigprocmask (SIG_SETMASK, &old, NULL);
          return -e;
        }
      if (read (sfd, &si, sizeof si) != (ssize_t)sizeof si)
        continue;
      if (si.ssi_signo == SIGCHLD)
        continue;
      /* PID 1 ignores a signal it has no handler for; asked twice to stop,
       * brig stops it for sure. */
      if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
        kill (target, ++stops > 1 ? SIGKILL : (int)si.ssi_signo);
      else
        kill (target, (int)si.ssi_signo);
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
  *ret_status = st;
  return 0;
}

/* Relay between our stdio and the container's terminal until PID 1 ends,
 * our terminal (if stdin is one) in raw mode meanwhile; its size follows
 * ours (SIGWINCH).  Terminal signals from our caller go to PID 1 as in
 * brig_forward_until_exit. */
static int
relay_until_exit (struct brig_sandbox *sb, int *ret_status)
{
  _cleanup_close_ int sfd = -1;
  struct termios saved, raw;
  bool tty = isatty (0) && tcgetattr (0, &saved) == 0;
  bool in_open = true, out_open = true;
  sigset_t set, old;
  struct winsize ws;
  int st = 0, stops = 0, fl;

  forwarded_set (&set);
  sigprocmask (SIG_BLOCK, &set, &old);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return -errno;
  if (tty)
    {
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (0, TCSANOW, &raw);
      if (ioctl (0, TIOCGWINSZ, &ws) == 0)
        ioctl (sb->pty, TIOCSWINSZ, &ws);
    }
  for (;;)
    {
      struct pollfd p[3] = { { sfd, POLLIN, 0 },
                             { in_open ? 0 : -1, POLLIN, 0 },
                             { out_open ? sb->pty : -1, POLLIN, 0 } };
      char buf[8192];
      ssize_t n;

      if (waitpid (sb->pid, &st, WNOHANG) == sb->pid)
        break;
      if (poll (p, 3, 200) < 0 && errno != EINTR)
        break;
      if (p[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo != SIGCHLD)
            {
              if (si.ssi_signo == SIGWINCH)
                {
                  if (tty && ioctl (0, TIOCGWINSZ, &ws) == 0)
                    ioctl (sb->pty, TIOCSWINSZ, &ws);
                }
              else if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
                kill (sb->pid, ++stops > 1 ? SIGKILL : (int)si.ssi_signo);
              else
                kill (sb->pid, (int)si.ssi_signo);
            }
        }
      if (p[1].revents & (POLLIN | POLLHUP))
        {
          n = read (0, buf, sizeof buf);
          if (n <= 0)
            {
              /* End of our input: the terminal's end-of-file, as a user
               * typing ^D would give it. */
              in_open = false;
              (void)!write (sb->pty, "\004", 1);
            }
          else
            brig_write_all (sb->pty, buf, (size_t)n);
        }
      if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
        {
          n = read (sb->pty, buf, sizeof buf);
          if (n <= 0)
            out_open = false; /* EIO: the last slave is closed */
          else
            brig_write_all (1, buf, (size_t)n);
        }
    }
  /* PID 1 is gone, but what it wrote last may not have been read: the
   * kernel hands a terminal's output to the master in the background, and
   * the exit can be seen first.  Read all there is, without waiting on a
   * slave some other process may still hold open. */
  fl = out_open ? fcntl (sb->pty, F_GETFL) : -1;
  if (fl >= 0 && fcntl (sb->pty, F_SETFL, fl | O_NONBLOCK) == 0)
    {
      char buf[8192];
      ssize_t n;
      while ((n = read (sb->pty, buf, sizeof buf)) > 0)
        brig_write_all (1, buf, (size_t)n);
    }
  if (tty)
    tcsetattr (0, TCSANOW, &saved);
  sigprocmask (SIG_SETMASK, &old, NULL);
  *ret_status = st;
  return 0;
}

int
brig_sandbox_wait (struct brig_sandbox *sb, struct brig_exit *ret, struct brig_err *err)
{
  int st, r = sb->pty >= 0 ? relay_until_exit (sb, &st)
                           : brig_forward_until_exit (sb->pid, sb->pid, &st);

  if (r < 0)
    return brig_error (err, -r, "wait for the container");
  sb->reaped = true;
  ret->status = st;
  ret->oom_killed = brig_cgroup_oom_kills (sb->cg) > 0;
  return 0;
}

/* What destroy and release both let go of. */
static void
close_all (struct brig_sandbox *sb)
{
  if (sb->sock >= 0)
    close (sb->sock);
  if (sb->tree >= 0)
    close (sb->tree);
  if (sb->listener >= 0)
    close (sb->listener);
  brig_mounts_close_binds (sb->bind_fds, sb->c->nmounts);
  close_setup_fds (sb);
  if (sb->pty >= 0)
    close (sb->pty);
  if (sb->pty_peer >= 0)
    close (sb->pty_peer);
  if (sb->opts.relay_terminal && sb->opts.console_socket >= 0)
    close (sb->opts.console_socket);
  sb->pty = sb->pty_peer = sb->opts.console_socket = -1;
  for (int i = 0; i < 2; i++)
    if (sb->net_fds[i] >= 0)
      close (sb->net_fds[i]);
  sb->net_fds[0] = sb->net_fds[1] = -1;
}

static void
free_all (struct brig_sandbox *sb)
{
  brig_bpf_release (&sb->bpf);
  strv_free (sb->warnings);
  free (sb->state_path);
  free (sb->name_path);
  sigprocmask (SIG_SETMASK, &sb->oldmask, NULL);
  free (sb);
}

void
brig_sandbox_destroy (struct brig_sandbox *sb)
{
  if (sb == NULL)
    return;
  if (sb->pid > 0 && !sb->reaped)
    {
      kill (sb->pid, SIGKILL);
      while (waitpid (sb->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  close_all (sb);
  brig_cgroup_destroy (sb->cg);
  if (sb->state_path)
    unlink (sb->state_path);
  if (sb->name_path)
    unlink (sb->name_path);
  if (sb->name_fd >= 0)
    close (sb->name_fd);
  if (sb->cleaner > 0)
    {
      /* It exits at once; not waiting for that saves a context switch.
       * Should brig live on (it does not), it would reap it later. */
      brig_write_all (sb->cleaner_fd, "D", 1);
      close (sb->cleaner_fd);
      waitpid (sb->cleaner, NULL, WNOHANG);
    }
  free_all (sb);
}

void
brig_sandbox_release (struct brig_sandbox *sb)
{
  if (sb == NULL)
    return;
  close_all (sb);
  brig_cgroup_free (sb->cg);
  if (sb->name_fd >= 0)
    close (sb->name_fd);
  free_all (sb);
}
