/* Where brig keeps things, for root and for unprivileged users. */
#include "sandbox/sandbox.h"
#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool
brig_is_host_root (void)
{
  _cleanup_free_ char *map = NULL;
  struct brig_err err = { 0 };
  unsigned a, b, n;
  bool r = false;

  if (geteuid () != 0)
    return false;
  if (brig_read_file ("/proc/self/uid_map", 4096, &map, NULL, &err) < 0)
    {
      brig_err_release (&err);
      return false;
    }
  if (sscanf (map, "%u %u %u", &a, &b, &n) == 3)
    r = a == 0 && b == 0 && n == 4294967295u;
  return r;
}

/* $HOME, else / (no NSS lookup: brig may be linked statically). */
static const char *
home (void)
{
  const char *h = getenv ("HOME");
  return h && *h == '/' ? h : "/";
}

/* An override from the environment (tests, packaging) wins. */
static char *
dir_from_env (const char *name)
{
  const char *v = getenv (name);
  return v && *v == '/' ? xstrdup (v) : NULL;
}

char *
brig_runtime_dir (void)
{
  const char *x;
  char *d = dir_from_env ("BRIG_RUNTIME_DIR");

  if (d)
    return d;
  if (brig_is_host_root ())
    return xstrdup ("/run/brig");
  x = getenv ("XDG_RUNTIME_DIR");
  if (x && *x == '/')
    return xasprintf ("%s/brig", x);
  return xasprintf ("/tmp/brig-%u", (unsigned)geteuid ());
}

char *
brig_state_dir (void)
{
  const char *x;
  char *d = dir_from_env ("BRIG_STATE_DIR");

  if (d)
    return d;
  if (brig_is_host_root ())
    return xstrdup ("/var/lib/brig");
  x = getenv ("XDG_STATE_HOME");
  if (x && *x == '/')
    return xasprintf ("%s/brig", x);
  return xasprintf ("%s/.local/state/brig", home ());
}

char *
brig_cache_dir (void)
{
  const char *x;
  char *d = dir_from_env ("BRIG_CACHE_DIR");

  if (d)
    return d;
  if (brig_is_host_root ())
    return xstrdup ("/var/cache/brig");
  x = getenv ("XDG_CACHE_HOME");
  if (x && *x == '/')
    return xasprintf ("%s/brig", x);
  return xasprintf ("%s/.cache/brig", home ());
}

int
brig_rootfs_read_file (const char *rootfs, const char *path, size_t max, char **ret_buf,
                       size_t *ret_len, struct brig_err *err)
{
  _cleanup_close_ int root = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (root < 0)
    return brig_error (err, errno, "open image root `%s`", rootfs);
  fd = brig_openat2 (root, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOENT)
    return -ENOENT;
  if (fd < 0)
    return brig_error (err, errno, "open `%s` in the image", path);
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return brig_error (err, 0, "`%s` in the image is not a regular file", path);
  return brig_read_fd (fd, path, max, ret_buf, ret_len, err);
}
