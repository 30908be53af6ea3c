/* The named volume store: see volume.h. */
#include "sandbox/volume.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *
brig_volume_root (void)
{
  _cleanup_free_ char *state = brig_state_dir ();
  return xasprintf ("%s/volumes", state);
}

static int
check_name (const char *name, struct brig_err *err)
{
  if (*name == '\0' || strchr (name, '/') || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return brig_error (err, EINVAL, "volume name `%s`", name);
  return 0;
}

/* The volume's directory, opened without following a symlink at its last
 * step (the root is brig's own, made 0700). */
static int
open_volume (const char *name, struct brig_err *err)
{
  _cleanup_free_ char *root = brig_volume_root ();
  _cleanup_close_ int rfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int fd;

  if (rfd < 0 && errno != ENOENT)
    return brig_error (err, errno, "volumes `%s`", root);
  fd = rfd < 0 ? -1 : openat (rfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return brig_error (err, errno == ENOENT || rfd < 0 ? ENOENT : errno, "volume `%s`", name);
  return fd;
}

int
brig_volume_create (const char *name, bool *ret_existed, struct brig_err *err)
{
  _cleanup_free_ char *root = brig_volume_root ();
  _cleanup_free_ char *dir = xasprintf ("%s/%s", root, name);
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int rfd = -1, lock = -1;
  bool existed = false;
  int r;

  if ((r = check_name (name, err)) < 0 || (r = brig_mkdir_p (root, 0700, err)) < 0)
    return r;
  if ((rfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    return brig_error (err, errno, "volumes `%s`", root);
  if (faccessat (rfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (ret_existed)
        *ret_existed = true;
      return 0;
    }
  /* Made aside and renamed into place: a volume is whole or absent. */
  tmp = xasprintf (".new-%s-%d", name, (int)getpid ());
  if (mkdirat (rfd, tmp, 0711) < 0)
    return brig_error (err, errno, "create volume `%s`", dir);
  {
    _cleanup_free_ char *data = xasprintf ("%s/_data", tmp);
    _cleanup_free_ char *lk = xasprintf ("%s/lock", tmp);
    if (mkdirat (rfd, data, 0755) < 0
        || (lock = openat (rfd, lk, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
      {
        r = brig_error (err, errno, "create volume `%s`", dir);
        goto undo;
      }
  }
  if (renameat2 (rfd, tmp, rfd, name, RENAME_NOREPLACE) < 0)
    {
      if (errno != EEXIST && errno != ENOTEMPTY)
        {
          r = brig_error (err, errno, "create volume `%s`", dir);
          goto undo;
        }
      existed = true;
    }
  r = 0;
undo:
  if (r < 0 || existed)
    {
      _cleanup_free_ char *data = xasprintf ("%s/_data", tmp);
      _cleanup_free_ char *lk = xasprintf ("%s/lock", tmp);
      unlinkat (rfd, lk, 0);
      unlinkat (rfd, data, AT_REMOVEDIR);
      unlinkat (rfd, tmp, AT_REMOVEDIR);
    }
  if (r == 0 && ret_existed)
    *ret_existed = existed;
  return r;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
brig_volume_list (char ***ret, struct brig_err *err)
{
  _cleanup_free_ char *root = brig_volume_root ();
  DIR *d = opendir (root);
  struct dirent *e;
  char **names = NULL;

  if (d == NULL && errno != ENOENT)
    return brig_error (err, errno, "volumes `%s`", root);
  while (d && (e = readdir (d)) != NULL)
    if (e->d_name[0] != '.' && e->d_type == DT_DIR)
      strv_push (&names, xstrdup (e->d_name));
  if (d)
    closedir (d);
  if (names)
    qsort (names, strv_len (names), sizeof *names, cmp_str);
  *ret = names;
  return 0;
}

void
brig_volume_info_release (struct brig_volume_info *v)
{
  free (v->name);
  free (v->mountpoint);
  strv_free (v->used_by);
  *v = (struct brig_volume_info){ 0 };
}

int
brig_volume_inspect (const char *name, struct brig_volume_info *ret, struct brig_err *err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *root = brig_volume_root ();
  _cleanup_free_ char *rundir = brig_runtime_dir ();
  struct stat st, lock;
  int r;

  if ((r = check_name (name, err)) < 0 || (fd = open_volume (name, err)) < 0)
    return r < 0 ? r : fd;
  if (fstatat (fd, "_data", &st, AT_SYMLINK_NOFOLLOW) < 0)
    return brig_error (err, errno, "volume `%s`: `_data`", name);
  if (fstatat (fd, "lock", &lock, AT_SYMLINK_NOFOLLOW) < 0)
    return brig_error (err, errno, "volume `%s`: `lock`", name);
  *ret = (struct brig_volume_info){
    xstrdup (name), xasprintf ("%s/%s/_data", root, name),  st.st_uid,
    st.st_gid,      brig_state_volume_users (rundir, name), lock.st_mtim.tv_sec
  };
  return 0;
}

int
brig_volume_remove (const char *name, struct brig_err *err)
{
  _cleanup_free_ char *root = brig_volume_root ();
  _cleanup_free_ char *path = xasprintf ("%s/%s", root, name);
  _cleanup_free_ char *rundir = brig_runtime_dir ();
  _cleanup_free_ char *gone = NULL;
  _cleanup_close_ int fd = -1, lock = -1, rfd = -1;
  int r;

  if ((r = check_name (name, err)) < 0 || (fd = open_volume (name, err)) < 0)
    return r < 0 ? r : fd;
  lock = openat (fd, "lock", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (lock < 0)
    return brig_error (err, errno, "volume `%s`: `lock`", name);
  if (flock (lock, LOCK_EX | LOCK_NB) < 0)
    {
      _cleanup_strv_ char **users = NULL;
      _cleanup_free_ char *list = NULL;
      if (errno != EWOULDBLOCK)
        return brig_error (err, errno, "lock volume `%s`", name);
      users = brig_state_volume_users (rundir, name);
      for (size_t i = 0; users && users[i]; i++)
        str_append (&list, ", ", users[i]);
      return brig_error (err, EBUSY, "volume `%s` is in use by container %s; stop it first", name,
                         list ? list : "(a running container)");
    }
  /* Renamed out of the way first, under the lock: no container can start
   * using it while it is being emptied. */
  if ((rfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    return brig_error (err, errno, "volumes `%s`", root);
  gone = xasprintf (".rm-%s-%d", name, (int)getpid ());
  if (renameat (rfd, name, rfd, gone) < 0)
    return brig_error (err, errno, "remove volume `%s`", path);
  /* On failure the volume gets its name back, what is left of it with it:
     never a hidden directory brig volume ls does not show. */
  if ((r = brig_empty_dir (fd, NULL)) < 0)
    r = brig_error (err, -r, "remove volume `%s`: empty it", path);
  if (r < 0
      || (unlinkat (rfd, gone, AT_REMOVEDIR) < 0
          && (r = brig_error (err, errno, "remove volume `%s`", path)) < 0))
    {
      (void)renameat (rfd, gone, rfd, name);
      return r;
    }
  return 0;
}

int
brig_volume_use (const char *name, uid_t uid, gid_t gid, char **ret_path, int *ret_lock,
                 struct brig_err *err)
{
  _cleanup_free_ char *root = brig_volume_root ();
  _cleanup_close_ int fd = -1, lock = -1, data = -1;
  int r;

  if ((r = brig_volume_create (name, NULL, err)) < 0)
    return r;
  if ((fd = open_volume (name, err)) < 0)
    return fd;
  lock = openat (fd, "lock", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (lock < 0 || flock (lock, LOCK_SH) < 0)
    return brig_error (err, errno, "volume `%s`: lock", name);
  data = openat (fd, "_data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (data < 0)
    return brig_error (err, errno, "volume `%s`: `_data`", name);
  if (fchown (data, uid, gid) < 0)
    return brig_error (err, errno, "volume `%s`: give `_data` to %u:%u", name, (unsigned)uid,
                       (unsigned)gid);
  *ret_path = xasprintf ("%s/%s/_data", root, name);
  *ret_lock = steal_fd (&lock);
  return 0;
}
