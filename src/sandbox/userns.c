/* User namespace id maps, written by the parent for the container process. */
#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <fcntl.h>
#include <stdio.h>

int
brig_userns_write_maps (pid_t pid, const struct brig_container *c, struct brig_err *err)
{
  char path[64], map[64];
  int r;

  if (c->rootless)
    {
      /* An unprivileged writer may map only its own ids, and only once
       * setgroups(2) is denied in the namespace. */
      snprintf (path, sizeof path, "/proc/%d/setgroups", (int)pid);
      if ((r = brig_write_file_at (AT_FDCWD, path, "deny", err)) < 0)
        return r;
    }
  snprintf (map, sizeof map, "%u %u %u", c->uidmap.inside, c->uidmap.outside, c->uidmap.count);
  snprintf (path, sizeof path, "/proc/%d/uid_map", (int)pid);
  if ((r = brig_write_file_at (AT_FDCWD, path, map, err)) < 0)
    return brig_err_wrap (err, "user namespace: map uids");
  snprintf (map, sizeof map, "%u %u %u", c->gidmap.inside, c->gidmap.outside, c->gidmap.count);
  snprintf (path, sizeof path, "/proc/%d/gid_map", (int)pid);
  if ((r = brig_write_file_at (AT_FDCWD, path, map, err)) < 0)
    return brig_err_wrap (err, "user namespace: map gids");
  return 0;
}
