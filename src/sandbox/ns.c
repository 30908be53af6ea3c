/* Namespaces given by path: is the one named the host's own? */
#include "sandbox/internal.h"
#include "sandbox/sandbox.h"

#include <stdio.h>
#include <sys/stat.h>

static const char *const ns_files[7] = { "user", "mnt", "pid", "uts", "ipc", "net", "cgroup" };

static bool
same_file (const struct stat *a, const char *path)
{
  struct stat b;
  return stat (path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

unsigned
brig_ns_host_mask (const struct brig_container *c)
{
  unsigned mask = 0;

  for (unsigned i = 0; i < 7; i++)
    {
      char init[64], self[64];
      struct stat st;

      if (c->ns_path[i] == NULL)
        continue;
      snprintf (init, sizeof init, "/proc/1/ns/%s", ns_files[i]);
      snprintf (self, sizeof self, "/proc/self/ns/%s", ns_files[i]);
      /* A path that cannot be read now fails later, when it is opened. */
      if (stat (c->ns_path[i], &st) == 0 && (same_file (&st, init) || same_file (&st, self)))
        mask |= 1u << i;
    }
  return mask;
}

bool
brig_ns_is_own_userns (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0 && same_file (&st, "/proc/self/ns/user");
}

bool
brig_ns_is_host_netns (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0
         && (same_file (&st, "/proc/1/ns/net") || same_file (&st, "/proc/self/ns/net"));
}
