/* User namespace id maps, written by the parent for the container process. */
#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* All ranges in one write(2), as the kernel requires. */
static int
write_map (pid_t pid, const char *file, const struct brig_idmap *maps, size_t n,
           struct brig_err *err)
{
  char path[64], buf[BRIG_MAX_IDMAPS * 36 + 1];
  size_t used = 0;

  if (n == 0)
    return brig_error (err, 0, "no %s ranges", file);
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf (buf + used, sizeof buf - used, "%u %u %u\n", maps[i].inside,
                              maps[i].outside, maps[i].count);
  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, file);
  return brig_write_file_at (AT_FDCWD, path, buf, err);
}

int
brig_userns_write_maps (pid_t pid, const struct brig_container *c, struct brig_err *err)
{
  char path[64];
  int r;

  if (c->rootless)
    {
      /* An unprivileged writer may map only its own ids, and only once
       * setgroups(2) is denied in the namespace. */
      snprintf (path, sizeof path, "/proc/%d/setgroups", (int)pid);
      if ((r = brig_write_file_at (AT_FDCWD, path, "deny", err)) < 0)
        return r;
    }
  if ((r = write_map (pid, "uid_map", c->uidmap, c->nuidmap, err)) < 0)
    return brig_err_wrap (err, "user namespace: map uids");
  if ((r = write_map (pid, "gid_map", c->gidmap, c->ngidmap, err)) < 0)
    return brig_err_wrap (err, "user namespace: map gids");
  return 0;
}

int
brig_userns_open_mapped (const struct brig_idmap *uid, size_t nuid, const struct brig_idmap *gid,
                         size_t ngid, struct brig_err *err)
{
  char path[64];
  int p[2], fd = -1, r;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return brig_error (err, errno, "pipe");
  /* A process that only holds the namespace until we have opened it. */
  pid = (pid_t)syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    {
      char b;
      close (p[1]);
      (void)!read (p[0], &b, 1);
      _exit (0);
    }
  close (p[0]);
  if (pid < 0)
    {
      close (p[1]);
      return brig_error (err, errno, "new user namespace for an idmapped mount");
    }
  r = write_map (pid, "uid_map", uid, nuid, err);
  if (r == 0)
    r = write_map (pid, "gid_map", gid, ngid, err);
  if (r == 0)
    {
      snprintf (path, sizeof path, "/proc/%d/ns/user", (int)pid);
      if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
        r = brig_error (err, errno, "open `%s`", path);
    }
  close (p[1]);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r < 0 ? r : fd;
}
