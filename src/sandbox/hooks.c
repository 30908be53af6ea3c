/* OCI hooks: programs the runtime runs on the host at points of the
 * container's life, each with the container's state (JSON) on stdin. */
#include "sandbox/sandbox.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int
run_one (const struct brig_hook *h, const char *kind, const char *state, struct brig_err *err)
{
  int in[2];
  pid_t pid;
  _cleanup_close_ int pidfd = -1;
  struct pollfd p;
  int st, n;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return brig_error (err, errno, "%s hook `%s`: pipe", kind, h->path);
  pid = fork ();
  if (pid < 0)
    {
      close (in[0]);
      close (in[1]);
      return brig_error (err, errno, "%s hook `%s`: fork", kind, h->path);
    }
  if (pid == 0)
    {
      extern char **environ;
      char *const fallback[] = { h->path, NULL };
      sigset_t none;

      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      dup2 (in[0], 0);
      syscall (SYS_close_range, 3U, ~0U, 0U);
      /* Without an env of its own, a hook gets the runtime's (as runc). */
      execve (h->path, h->args && h->args[0] ? h->args : fallback, h->env ? h->env : environ);
      _exit (127);
    }
  close (in[0]);
  brig_write_all (in[1], state, strlen (state));
  close (in[1]);
  pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  p = (struct pollfd){ pidfd, POLLIN, 0 };
  n = pidfd >= 0 ? poll (&p, 1, h->timeout > 0 ? h->timeout * 1000 : -1) : 1;
  if (n == 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return brig_error (err, 0, "%s hook `%s` timed out after %d s", kind, h->path, h->timeout);
    }
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return brig_error (err, errno, "%s hook `%s`: wait", kind, h->path);
  if (WIFSIGNALED (st))
    return brig_error (err, 0, "%s hook `%s` was killed by signal %d", kind, h->path,
                       WTERMSIG (st));
  if (WEXITSTATUS (st) != 0)
    return brig_error (err, 0, "%s hook `%s` exited with status %d%s", kind, h->path,
                       WEXITSTATUS (st), WEXITSTATUS (st) == 127 ? " (could it be run?)" : "");
  return 0;
}

int
brig_hooks_run_list (const struct brig_hook *h, size_t n, enum brig_hook_kind kind,
                     const char *state, struct brig_err *err)
{
  static const char *const names[BRIG_HOOK_KINDS] = { "prestart",        "createRuntime",
                                                      "createContainer", "startContainer",
                                                      "poststart",       "poststop" };
  int r;

  for (size_t i = 0; i < n; i++)
    if ((r = run_one (&h[i], names[kind], state, err)) < 0)
      return r;
  return 0;
}

int
brig_hooks_run (const struct brig_container *c, enum brig_hook_kind kind, const char *state,
                struct brig_err *err)
{
  return brig_hooks_run_list (c->hooks[kind], c->nhooks[kind], kind, state, err);
}
