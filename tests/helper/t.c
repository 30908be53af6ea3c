/* t: a static helper that integration tests put into their images.
 * Each subcommand tries one thing and prints what the kernel answered.
 *
 *   t try NAME        try a syscall: prints "NAME ok" or "NAME errno=N (text)"
 *   t forkbomb        fork until refused; prints "forks N errno=E"
 *   t memhog MIB      allocate and touch MIB mebibytes, 1 MiB at a time
 *   t fds             list the open descriptors of this process
 *   t session         prints "sid=S pid=P"
 *   t trap SIG CODE   print "ready", wait for SIG, then exit with CODE
 *   t open PATH r|w|rw  open PATH for reading, writing or both: prints
 *                     "open PATH ok" or "open PATH errno=N (text)"
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

static int
report (const char *name, long r)
{
  if (r < 0)
    printf ("%s errno=%d (%s)\n", name, errno, strerror (errno));
  else
    printf ("%s ok\n", name);
  return 0;
}

static long
try_ptrace_sibling (void)
{
  pid_t a = fork (), b;
  long r;
  int st;

  if (a == 0)
    {
      pause ();
      _exit (0);
    }
  b = fork ();
  if (b == 0)
    {
      r = ptrace (PTRACE_ATTACH, a, NULL, NULL);
      _exit (r < 0 ? errno : 0);
    }
  waitpid (b, &st, 0);
  kill (a, SIGKILL);
  waitpid (a, NULL, 0);
  errno = WEXITSTATUS (st);
  return errno ? -1 : 0;
}

static int
try (const char *name)
{
  long r;

  if (strcmp (name, "mount") == 0)
    r = mount ("none", "/tmp", "tmpfs", 0, NULL);
  else if (strcmp (name, "unshare") == 0)
    r = unshare (CLONE_NEWNS);
  else if (strcmp (name, "unshare-user") == 0)
    r = unshare (CLONE_NEWUSER);
  else if (strcmp (name, "keyctl") == 0)
    r = syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  else if (strcmp (name, "add_key") == 0)
    r = syscall (SYS_add_key, "user", "x", "y", 1, KEY_SPEC_SESSION_KEYRING);
  else if (strcmp (name, "ptrace") == 0)
    r = try_ptrace_sibling ();
  else if (strcmp (name, "clone3") == 0)
    {
      struct clone_args a = { .exit_signal = SIGCHLD };
      r = syscall (SYS_clone3, &a, sizeof a);
      if (r == 0)
        _exit (0);
      if (r > 0)
        waitpid ((pid_t)r, NULL, 0);
    }
  else if (strcmp (name, "clone-newns") == 0)
    {
      r = syscall (SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
      if (r == 0)
        _exit (0);
      if (r > 0)
        waitpid ((pid_t)r, NULL, 0);
    }
  else if (strcmp (name, "io_uring_setup") == 0)
    r = syscall (SYS_io_uring_setup, 1, NULL);
  else if (strcmp (name, "bpf") == 0)
    r = syscall (SYS_bpf, 0, NULL, 0);
  else if (strcmp (name, "pivot_root") == 0)
    r = syscall (SYS_pivot_root, "/", "/");
  else if (strcmp (name, "userfaultfd") == 0)
    r = syscall (SYS_userfaultfd, 0);
  else if (strcmp (name, "setns") == 0)
    r = syscall (SYS_setns, 0, 0);
  else if (strcmp (name, "vsock") == 0)
    r = socket (40, SOCK_STREAM, 0);
  else if (strcmp (name, "vsock-high") == 0)
    r = syscall (SYS_socket, 0x100000028L, (long)SOCK_STREAM, 0L);
  else if (strcmp (name, "tiocsti") == 0)
    {
      char ch = '#';
      r = ioctl (0, TIOCSTI, &ch);
    }
  else if (strcmp (name, "econet") == 0)
    r = socket (19, SOCK_DGRAM, 0);
  else if (strcmp (name, "inet6-socket") == 0)
    r = socket (AF_INET6, SOCK_DGRAM, 0);
  else if (strcmp (name, "netlink-socket") == 0)
    r = socket (AF_NETLINK, SOCK_RAW, 0);
  else if (strcmp (name, "unix-socket") == 0)
    r = socket (AF_UNIX, SOCK_STREAM, 0);
  else if (strcmp (name, "chroot") == 0)
    r = chroot ("/");
  else
    {
      fprintf (stderr, "t: unknown syscall test %s\n", name);
      return 2;
    }
  return report (name, r);
}

static int
forkbomb (void)
{
  long n = 0;
  for (;;)
    {
      pid_t p = fork ();
      if (p == 0)
        {
          pause ();
          _exit (0);
        }
      if (p < 0)
        break;
      n++;
    }
  printf ("forks %ld errno=%d\n", n, errno);
  fflush (stdout);
  kill (0, SIGKILL);
  return 0;
}

static int
memhog (long mib)
{
  for (long i = 0; i < mib; i++)
    {
      char *p = malloc (1 << 20);
      if (p == NULL)
        {
          printf ("malloc failed at %ld MiB\n", i);
          return 1;
        }
      memset (p, 1, 1 << 20);
    }
  printf ("allocated %ld MiB\n", mib);
  return 0;
}

static int
fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  int self = dirfd (d);

  while ((e = readdir (d)))
    if (e->d_name[0] != '.' && atoi (e->d_name) != self)
      printf ("%s\n", e->d_name);
  closedir (d);
  return 0;
}

static volatile sig_atomic_t got;
static void
on_sig (int s)
{
  got = s;
}

int
main (int argc, char **argv)
{
  if (argc >= 3 && strcmp (argv[1], "try") == 0)
    {
      int r = 0;
      for (int i = 2; i < argc; i++)
        r |= try (argv[i]);
      return r;
    }
  if (argc == 2 && strcmp (argv[1], "forkbomb") == 0)
    return forkbomb ();
  if (argc == 3 && strcmp (argv[1], "memhog") == 0)
    return memhog (atol (argv[2]));
  if (argc == 2 && strcmp (argv[1], "fds") == 0)
    return fds ();
  if (argc == 2 && strcmp (argv[1], "session") == 0)
    {
      printf ("sid=%d pid=%d\n", (int)getsid (0), (int)getpid ());
      return 0;
    }
  if (argc == 4 && strcmp (argv[1], "trap") == 0)
    {
      signal (atoi (argv[2]), on_sig);
      printf ("ready\n");
      fflush (stdout);
      while (!got)
        pause ();
      printf ("got %d\n", (int)got);
      return atoi (argv[3]);
    }
  if (argc == 4 && strcmp (argv[1], "open") == 0)
    {
      int flags = strcmp (argv[3], "rw") == 0  ? O_RDWR
                  : strcmp (argv[3], "w") == 0 ? O_WRONLY
                                               : O_RDONLY;
      int fd = open (argv[2], flags | O_CLOEXEC | O_NOCTTY);
      char what[4096];
      snprintf (what, sizeof what, "open %s", argv[2]);
      report (what, fd);
      if (fd >= 0)
        close (fd);
      return 0;
    }
  fprintf (stderr, "usage: t try NAME... | forkbomb | memhog MIB | fds | session | "
                   "trap SIG CODE | open PATH r|w|rw\n");
  return 2;
}
