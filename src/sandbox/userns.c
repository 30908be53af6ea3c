/* User namespace id maps, written by the parent for the container process. */
#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <fcntl.h>
#include <stdio.h>

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
