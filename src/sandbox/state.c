/* The runtime record of a running container: <runtime dir>/<id>.json, and
 * <runtime dir>/names/<name> holding the id while the name is taken. */
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int
ensure_dir (const char *dir, struct brig_err *err)
{
  struct stat st;
  int r = brig_mkdir_p (dir, 0700, err);

  if (r < 0)
    return r;
  if (lstat (dir, &st) < 0)
    return brig_error (err, errno, "stat `%s`", dir);
  if (!S_ISDIR (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 022))
    return brig_error (err, 0,
                       "`%s` must be a directory owned by uid %u and writable "
                       "by no one else",
                       dir, (unsigned)geteuid ());
  return 0;
}

/* Is the container recorded in DIR/ID.json still running? */
static bool
alive (const char *dir, const char *id)
{
  _cleanup_free_ char *path = brig_state_path (dir, id);
  json_t *j = json_load_file (path, 0, NULL);
  json_int_t pid = j ? json_integer_value (json_object_get (j, "pid")) : 0;
  json_t *cleaner = j ? json_object_get (j, "brig_pid") : NULL;
  bool r = pid > 0 && kill ((pid_t)pid, 0) == 0;

  if (r && cleaner)
    r = kill ((pid_t)json_integer_value (cleaner), 0) == 0;
  json_decref (j);
  return r;
}

int
brig_state_claim_name (const char *dir, const char *name, const char *id, char **ret_path,
                       struct brig_err *err)
{
  _cleanup_free_ char *names = xasprintf ("%s/names", dir);
  _cleanup_free_ char *path = xasprintf ("%s/%s", names, name);
  int r;

  if ((r = ensure_dir (names, err)) < 0)
    return r;
  for (int attempt = 0; attempt < 2; attempt++)
    {
      _cleanup_close_ int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      _cleanup_free_ char *owner = NULL;
      struct brig_err e = { 0 };

      if (fd >= 0)
        {
          if (brig_write_all (fd, id, strlen (id)) < 0)
            {
              r = brig_error (err, errno, "write `%s`", path);
              unlink (path);
              return r;
            }
          *ret_path = steal_pointer (&path);
          return 0;
        }
      if (errno != EEXIST)
        return brig_error (err, errno, "create `%s`", path);
      if (brig_read_file (path, 256, &owner, NULL, &e) == 0 && alive (dir, owner))
        return brig_error (err, 0, "the name `%s` is already in use by container %.12s", name,
                           owner);
      brig_err_release (&e);
      unlink (path); /* left by a container that is gone */
    }
  return brig_error (err, EEXIST, "claim the name `%s`", name);
}

char *
brig_state_path (const char *dir, const char *id)
{
  return xasprintf ("%s/%s.json", dir, id);
}

int
brig_state_write (const char *dir, const struct brig_container *c, pid_t pid, pid_t brig_pid,
                  const char *cgroup_mode, struct brig_err *err)
{
  _cleanup_free_ char *path = brig_state_path (dir, c->id);
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp", path);
  json_t *j;
  int r;

  if ((r = ensure_dir (dir, err)) < 0)
    return r;
  j = json_pack ("{s:s, s:s?, s:s, s:s, s:i, s:i, s:I, s:s, s:b}", "id", c->id, "name", c->name,
                 "image", c->image, "rootfs", c->rootfs, "pid", (int)pid, "brig_pid", (int)brig_pid,
                 "created", (json_int_t)time (NULL), "cgroup", cgroup_mode, "rootless",
                 c->rootless);
  if (j == NULL)
    return brig_error (err, ENOMEM, "state of container %s", c->id);
  r = json_dump_file (j, tmp, JSON_COMPACT);
  json_decref (j);
  if (r < 0 || rename (tmp, path) < 0)
    {
      r = brig_error (err, errno, "write state `%s`", path);
      unlink (tmp);
      return r;
    }
  return 0;
}
