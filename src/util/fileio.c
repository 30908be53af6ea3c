#include "util/fileio.h"
#include "util/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
brig_read_fd (int fd, const char *name, size_t max, char **ret_buf, size_t *ret_len,
              struct brig_err *err)
{
  /* Big enough for most files in one read (and the read that finds the
     end): a syscall costs more than the memory. */
  size_t cap = max < 65536 ? max : 65536, len = 0;
  _cleanup_free_ char *buf = xmalloc (cap + 1);

  for (;;)
    {
      ssize_t n;
      if (len == cap)
        {
          if (cap >= max)
            return brig_error (err, 0, "read `%s`: larger than %zu bytes", name, max);
          cap = cap * 2 > max ? max : cap * 2;
          buf = xrealloc (buf, cap + 1);
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return brig_error (err, errno, "read `%s`", name);
      if (n == 0)
        break;
      len += (size_t)n;
    }
  buf[len] = '\0';
  *ret_buf = steal_pointer (&buf);
  if (ret_len)
    *ret_len = len;
  return 0;
}

int
brig_read_file_at (int dirfd, const char *path, size_t max, char **ret_buf, size_t *ret_len,
                   struct brig_err *err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return brig_error (err, errno, "open `%s`", path);
  return brig_read_fd (fd, path, max, ret_buf, ret_len, err);
}

int
brig_read_file (const char *path, size_t max, char **ret_buf, size_t *ret_len, struct brig_err *err)
{
  return brig_read_file_at (AT_FDCWD, path, max, ret_buf, ret_len, err);
}

int
brig_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

int
brig_write_file_at (int dirfd, const char *path, const char *data, struct brig_err *err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  size_t len = strlen (data);
  ssize_t n;

  if (fd < 0)
    return brig_error (err, errno, "open `%s`", path);
  n = write (fd, data, len);
  if (n < 0)
    return brig_error (err, errno, "write `%s` to `%s`", data, path);
  if ((size_t)n != len)
    return brig_error (err, EIO, "short write to `%s`", path);
  return 0;
}

int
brig_mkdir_p (const char *dir, int mode, struct brig_err *err)
{
  _cleanup_free_ char *p = xstrdup (dir);

  for (char *s = p + 1; *s; s++)
    if (*s == '/')
      {
        *s = '\0';
        if (mkdir (p, (mode_t)mode) < 0 && errno != EEXIST)
          return brig_error (err, errno, "mkdir `%s`", p);
        *s = '/';
      }
  if (mkdir (p, (mode_t)mode) < 0 && errno != EEXIST)
    return brig_error (err, errno, "mkdir `%s`", p);
  return 0;
}

int
brig_replace_file (const char *path, const char *data, size_t len, struct brig_err *err)
{
  _cleanup_free_ char *real = realpath (path, NULL), *tmp = NULL;
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r;

  if (real == NULL || stat (real, &st) < 0)
    return brig_error (err, errno, "%s", path);
  if (!S_ISREG (st.st_mode))
    return brig_error (err, 0, "%s: not a regular file", path);
  tmp = xasprintf ("%s.brig-XXXXXX", real);
  if ((fd = mkostemp (tmp, O_CLOEXEC)) < 0)
    return brig_error (err, errno, "%s: a file beside it", path);
  /* The same mode and, where we may, the same owner as the file had. */
  if (fchmod (fd, st.st_mode & 07777) < 0
      || (fchown (fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
      || (r = brig_write_all (fd, data, len)) < 0 || fsync (fd) < 0)
    {
      r = errno;
      unlink (tmp);
      return brig_error (err, r, "%s: write", tmp);
    }
  if (rename (tmp, real) < 0)
    {
      r = errno;
      unlink (tmp);
      return brig_error (err, r, "%s: rename to %s", tmp, real);
    }
  return 0;
}

int
brig_empty_dir (int fd, uint64_t *ret_bytes)
{
  int copy = dup (fd), r = 0;
  DIR *d = copy < 0 ? NULL : fdopendir (copy);
  struct dirent *e;

  if (d == NULL)
    {
      r = -errno;
      if (copy >= 0)
        close (copy);
      return r;
    }
  while ((e = readdir (d)))
    if (strcmp (e->d_name, ".") && strcmp (e->d_name, ".."))
      {
        int q = brig_remove_tree_at (fd, e->d_name, ret_bytes);
        if (q < 0 && r == 0)
          r = q;
      }
  closedir (d);
  return r;
}

int
brig_remove_tree_at (int dir, const char *name, uint64_t *ret_bytes)
{
  struct stat st;
  _cleanup_close_ int fd = -1;
  int r;

  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : -errno;
  if (!S_ISDIR (st.st_mode))
    {
      if (ret_bytes && S_ISREG (st.st_mode))
        *ret_bytes += (uint64_t)st.st_size;
      return unlinkat (dir, name, 0) < 0 ? -errno : 0;
    }
  fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && fchmodat (dir, name, 0700, 0) == 0)
    fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if ((st.st_mode & 0700) != 0700)
    (void)!fchmod (fd, 0700);
  r = brig_empty_dir (fd, ret_bytes);
  if (unlinkat (dir, name, AT_REMOVEDIR) < 0 && r == 0)
    r = -errno;
  return r;
}

int
brig_openat2 (int dirfd, const char *path, int flags, uint64_t resolve)
{
  struct open_how how = { .flags = (uint64_t)flags, .resolve = resolve };
  long r;

  do
    r = syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (r < 0 && (errno == EINTR || errno == EAGAIN));
  return (int)r;
}
