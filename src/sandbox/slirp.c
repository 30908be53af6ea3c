/* --network private through slirp4netns (slirp.h). */
#include "sandbox/slirp.h"
#include "sandbox/internal.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define READY_MS 10000

struct brig_slirp
{
  pid_t pid;
  int exit_w; /* closed: slirp4netns exits (--exit-fd) */
};

/* The child: keep the descriptors slirp4netns is given by /proc/self/fd
 * path, die with brig, exec.  Never returns. */
static void __attribute__ ((noreturn))
exec_slirp (pid_t parent, int userns, int netns, int ready, int exit_r, int errfd, int log)
{
  char ready_arg[32], exit_arg[32], netns_path[32], userns_arg[48];
  const char *argv[16];
  size_t n = 0;
  int e;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != parent)
    _exit (127);
  /* Its chatter goes to LOG, read only when it fails. */
  if (dup2 (log, STDOUT_FILENO) < 0 || dup2 (log, STDERR_FILENO) < 0)
    _exit (127);
  /* Unprivileged, slirp4netns's sandbox (a mount namespace of its own)
   * needs root in a user namespace: it runs in the container's, whose
   * root is the caller, as rootless Podman runs it in its own.  It is
   * outside the container's pid namespace, so nothing there sees it. */
  if (userns >= 0 && geteuid () != 0)
    {
      if (setns (userns, CLONE_NEWUSER) < 0)
        {
          e = -errno; /* negative: not the exec */
          if (write (errfd, &e, sizeof e) < 0)
            _exit (127);
          _exit (127);
        }
      userns = -1;
    }
  /* slirp4netns opens them by path: they must survive the exec. */
  fcntl (netns, F_SETFD, 0);
  fcntl (ready, F_SETFD, 0);
  fcntl (exit_r, F_SETFD, 0);
  if (userns >= 0)
    fcntl (userns, F_SETFD, 0);
  snprintf (ready_arg, sizeof ready_arg, "--ready-fd=%d", ready);
  snprintf (exit_arg, sizeof exit_arg, "--exit-fd=%d", exit_r);
  snprintf (netns_path, sizeof netns_path, "/proc/self/fd/%d", netns);
  snprintf (userns_arg, sizeof userns_arg, "--userns-path=/proc/self/fd/%d", userns);
  argv[n++] = "slirp4netns";
  argv[n++] = "--configure";
  argv[n++] = "--mtu=65520";
  argv[n++] = "--disable-host-loopback";
  argv[n++] = "--enable-sandbox";
  argv[n++] = "--enable-seccomp";
  argv[n++] = ready_arg;
  argv[n++] = exit_arg;
  argv[n++] = "--netns-type=path";
  if (userns >= 0)
    argv[n++] = userns_arg;
  argv[n++] = netns_path;
  argv[n++] = "tap0";
  argv[n] = NULL;
  execvp (argv[0], (char *const *)argv);
  e = errno;
  if (write (errfd, &e, sizeof e) < 0)
    _exit (127);
  _exit (127);
}

int
brig_slirp_start (int userns, int netns, struct brig_slirp **ret, struct brig_err *err)
{
  int ready[2] = { -1, -1 }, ex[2] = { -1, -1 }, quit[2] = { -1, -1 }, status, e = 0, r;
  _cleanup_close_ int log = memfd_create ("slirp4netns-log", MFD_CLOEXEC);
  char said[512] = "";
  pid_t parent = getpid (), child;
  struct pollfd p;
  char c = 0;

  *ret = NULL;
  if (netns < 0)
    return brig_error (err, EBADF, "--network private: no network namespace");
  if (userns >= 0 && brig_ns_is_own_userns (userns))
    userns = -1;
  if (log < 0 || pipe2 (ready, O_CLOEXEC) < 0 || pipe2 (ex, O_CLOEXEC) < 0
      || pipe2 (quit, O_CLOEXEC) < 0)
    {
      r = brig_error (err, errno, "--network private: pipe");
      goto out;
    }
  child = fork ();
  if (child < 0)
    {
      r = brig_error (err, errno, "--network private: fork");
      goto out;
    }
  if (child == 0)
    {
      close (ready[0]);
      close (ex[0]);
      close (quit[1]);
      exec_slirp (parent, userns, netns, ready[1], quit[0], ex[1], log);
    }
  close (ready[1]);
  close (ex[1]);
  ready[1] = ex[1] = -1;
  if (read (ex[0], &e, sizeof e) == (ssize_t)sizeof e)
    {
      while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
        ;
      if (e < 0)
        r = brig_error (err, -e, "--network private: join the container's user namespace");
      else
        r = brig_error (err, e,
                        "--network private needs slirp4netns (Debian: apt install slirp4netns)");
      goto out;
    }
  p = (struct pollfd){ .fd = ready[0], .events = POLLIN };
  while ((r = poll (&p, 1, READY_MS)) < 0 && errno == EINTR)
    ;
  if (r <= 0 || read (ready[0], &c, 1) != 1 || c != '1')
    {
      ssize_t n;
      kill (child, SIGKILL);
      while (waitpid (child, &status, 0) < 0 && errno == EINTR)
        ;
      /* Its last words, on one line. */
      n = pread (log, said, sizeof said - 1, 0);
      said[n > 0 ? n : 0] = '\0';
      for (char *q = said; *q; q++)
        if (*q == '\n')
          *q = ' ';
      r = brig_error (
          err, r == 0 ? ETIMEDOUT : 0,
          "--network private: slirp4netns did not bring the container's tap0 up%s%s%s%s",
          r == 0 ? " within 10 s" : "", said[0] ? ": " : "", said,
          strstr (said, "/dev/net/tun") && strstr (said, "ermission denied")
              ? " (/dev/net/tun must be readable and writable by the user who runs "
                "brig: Debian makes it mode 0666)"
              : "");
      goto out;
    }
  *ret = xcalloc (1, sizeof **ret);
  (*ret)->pid = child;
  (*ret)->exit_w = quit[1];
  quit[1] = -1;
  r = 0;
out:
  for (int i = 0; i < 2; i++)
    {
      if (ready[i] >= 0)
        close (ready[i]);
      if (ex[i] >= 0)
        close (ex[i]);
      if (quit[i] >= 0)
        close (quit[i]);
    }
  return r;
}

void
brig_slirp_stop (struct brig_slirp *s)
{
  if (s == NULL)
    return;
  /* It blocks SIGTERM: the end of its exit pipe is what stops it; 2 s
     later, SIGKILL. */
  close (s->exit_w);
  for (int i = 0; i < 200; i++)
    {
      pid_t w = waitpid (s->pid, NULL, WNOHANG);
      if (w == s->pid || (w < 0 && errno != EINTR))
        {
          free (s);
          return;
        }
      usleep (10000);
    }
  kill (s->pid, SIGKILL);
  while (waitpid (s->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  free (s);
}
