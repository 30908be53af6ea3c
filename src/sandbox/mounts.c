/* The container's filesystem, built in its own mount namespace.
 *
 * Every mount target is opened inside the root with openat2(RESOLVE_IN_ROOT)
 * and mounts are attached through file descriptors (the new mount API), so
 * a symlink in the image can never send a mount outside the root
 * (CVE-2021-30465, CVE-2024-45310).  Masked files are covered with the
 * host's /dev/null, checked to be the real character device 1:3, never the
 * image's (CVE-2025-31133). */
#include "sandbox/internal.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define RESOLVE_FLAGS (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

int
brig_openat2 (int dirfd, const char *path, int flags, uint64_t resolve)
{
  struct open_how how = { .flags = (uint64_t)flags, .resolve = resolve };
  return (int)syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

struct ctx
{
  int root;    /* the container's root mount */
  int devnull; /* O_PATH to the verified host /dev/null */
  struct brig_err *err;
};

/* A new filesystem of TYPE with "key=value" or "flag" options, as a
 * detached mount with ATTRS. */
static int
new_fs (struct ctx *x, const char *type, const char *const *opts, unsigned attrs, const char *where)
{
  _cleanup_close_ int fs = fsopen (type, FSOPEN_CLOEXEC);
  int m;

  if (fs < 0)
    return brig_error (x->err, errno, "mount %s on `%s`: fsopen", type, where);
  for (size_t i = 0; opts && opts[i]; i++)
    {
      _cleanup_free_ char *key = xstrdup (opts[i]);
      char *eq = strchr (key, '=');
      int r;

      if (eq)
        *eq = '\0';
      r = eq ? fsconfig (fs, FSCONFIG_SET_STRING, key, eq + 1, 0)
             : fsconfig (fs, FSCONFIG_SET_FLAG, key, NULL, 0);
      if (r < 0)
        return brig_error (x->err, errno, "mount %s on `%s`: option `%s`", type, where, opts[i]);
    }
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return brig_error (x->err, errno, "mount %s on `%s`", type, where);
  m = fsmount (fs, FSMOUNT_CLOEXEC, attrs);
  if (m < 0)
    return brig_error (x->err, errno, "mount %s on `%s`: fsmount", type, where);
  return m;
}

/* Open PATH inside the root, as a directory when DIR. */
static int
open_target (struct ctx *x, const char *path, bool dir)
{
  int fd
      = brig_openat2 (x->root, path, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0), RESOLVE_FLAGS);
  if (fd < 0)
    return brig_error (x->err, errno, "mount point `%s` in the image", path);
  return fd;
}

static int
attach (struct ctx *x, int mnt, int target, const char *what, const char *path)
{
  if (move_mount (mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return brig_error (x->err, errno, "attach %s on `%s`", what, path);
  return 0;
}

/* Mount a new filesystem on PATH in the root. */
static int
mount_fs (struct ctx *x, const char *path, const char *type, const char *const *opts,
          unsigned attrs)
{
  _cleanup_close_ int target = open_target (x, path, true);
  _cleanup_close_ int m = -1;

  if (target < 0)
    return target;
  m = new_fs (x, type, opts, attrs, path);
  if (m < 0)
    return m;
  return attach (x, m, target, type, path);
}

static int
mount_proc (struct ctx *x)
{
  return mount_fs (x, "/proc", "proc", NULL,
                   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static const struct
{
  const char *name;
  unsigned major, minor;
} devices[] = {
  { "null", 1, 3 },   { "zero", 1, 5 },    { "full", 1, 7 },
  { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct
{
  const char *name, *target;
} dev_links[] = {
  { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
};

/* Bind the host's device NAME, checked to be MAJOR:MINOR, onto the file
 * NAME in the container's /dev. */
static int
bind_device (struct ctx *x, int dev, const char *name, unsigned major, unsigned minor)
{
  _cleanup_free_ char *host = xasprintf ("/dev/%s", name);
  _cleanup_close_ int src = open_tree (AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  _cleanup_close_ int target = -1;
  struct stat st;

  if (src < 0)
    return brig_error (x->err, errno, "bind host device `%s`", host);
  if (fstat (src, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) != major
      || minor (st.st_rdev) != minor)
    return brig_error (x->err, 0, "host `%s` is not the character device %u:%u", host, major,
                       minor);
  target = openat (dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return brig_error (x->err, errno, "open `/dev/%s`", name);
  return attach (x, src, target, host, name);
}

static int
mount_dev (struct ctx *x)
{
  static const char *const dev_opts[] = { "mode=755", "size=65536", NULL };
  static const char *const pts_opts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm_opts[] = { "mode=1777", "size=67108864", NULL };
  _cleanup_close_ int target = open_target (x, "/dev", true);
  _cleanup_close_ int dev = -1;
  int r;

  if (target < 0)
    return target;
  dev = new_fs (x, "tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev");
  if (dev < 0)
    return dev;
  for (size_t i = 0; i < ARRAY_SIZE (devices); i++)
    {
      int fd = openat (dev, devices[i].name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
      if (fd < 0)
        return brig_error (x->err, errno, "create `/dev/%s`", devices[i].name);
      close (fd);
    }
  for (size_t i = 0; i < ARRAY_SIZE (dev_links); i++)
    if (symlinkat (dev_links[i].target, dev, dev_links[i].name) < 0)
      return brig_error (x->err, errno, "create `/dev/%s`", dev_links[i].name);
  if (mkdirat (dev, "pts", 0755) < 0 || mkdirat (dev, "shm", 01777) < 0
      || mkdirat (dev, "mqueue", 0755) < 0)
    return brig_error (x->err, errno, "create directories in `/dev`");
  if ((r = attach (x, dev, target, "tmpfs", "/dev")) < 0)
    return r;
  for (size_t i = 0; i < ARRAY_SIZE (devices); i++)
    if ((r = bind_device (x, dev, devices[i].name, devices[i].major, devices[i].minor)) < 0)
      return r;
  if ((r = mount_fs (x, "/dev/pts", "devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)) < 0
      || (r = mount_fs (x, "/dev/shm", "tmpfs", shm_opts,
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC))
             < 0
      || (r = mount_fs (x, "/dev/mqueue", "mqueue", NULL,
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC))
             < 0)
    return r;
  /* Nothing more is to be created in /dev itself. */
  struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
  if (mount_setattr (dev, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
    return brig_error (x->err, errno, "make `/dev` read-only");
  return 0;
}

static int
mount_sys (struct ctx *x, char *const *cgroup_v1, bool cgroup_v2)
{
  static const unsigned ro
      = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  static const char *const cg_opts[] = { "mode=755", "size=65536", NULL };
  _cleanup_close_ int target = -1, tmp = -1;
  int r;

  if ((r = mount_fs (x, "/sys", "sysfs", NULL, ro)) < 0)
    return r;
  if (cgroup_v2)
    return mount_fs (x, "/sys/fs/cgroup", "cgroup2", NULL, ro);
  if (cgroup_v1 == NULL)
    return 0;
  /* v1: a tmpfs holding one read-only mount per controller in use. */
  target = open_target (x, "/sys/fs/cgroup", true);
  if (target < 0)
    return target;
  tmp = new_fs (x, "tmpfs", cg_opts, ro & ~(unsigned)MOUNT_ATTR_RDONLY, "/sys/fs/cgroup");
  if (tmp < 0)
    return tmp;
  for (size_t i = 0; cgroup_v1[i]; i++)
    if (mkdirat (tmp, cgroup_v1[i], 0755) < 0)
      return brig_error (x->err, errno, "create `/sys/fs/cgroup/%s`", cgroup_v1[i]);
  if ((r = attach (x, tmp, target, "tmpfs", "/sys/fs/cgroup")) < 0)
    return r;
  for (size_t i = 0; cgroup_v1[i]; i++)
    {
      _cleanup_free_ char *path = xasprintf ("/sys/fs/cgroup/%s", cgroup_v1[i]);
      _cleanup_free_ char *names = xstrdup (cgroup_v1[i]);
      char **opts = NULL;
      char *o = names;

      for (char *tok; (tok = strsep (&o, ","));)
        strv_push (&opts, xstrdup (tok));
      r = mount_fs (x, path, "cgroup", (const char *const *)opts, ro);
      strv_free (opts);
      if (r < 0)
        return r;
    }
  struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
  if (mount_setattr (tmp, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
    return brig_error (x->err, errno, "make `/sys/fs/cgroup` read-only");
  return 0;
}

static int
mask_path (struct ctx *x, const char *path)
{
  static const char *const empty_opts[] = { "size=4096", "nr_inodes=1", NULL };
  _cleanup_close_ int target = brig_openat2 (x->root, path, O_PATH | O_CLOEXEC, RESOLVE_FLAGS);
  _cleanup_close_ int m = -1;
  struct stat st;

  if (target < 0 && errno == ENOENT)
    return 0;
  if (target < 0 || fstat (target, &st) < 0)
    return brig_error (x->err, errno, "mask `%s`", path);
  if (S_ISDIR (st.st_mode))
    m = new_fs (x, "tmpfs", empty_opts,
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, path);
  else
    {
      m = open_tree (x->devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (m < 0)
        return brig_error (x->err, errno, "mask `%s`: clone /dev/null", path);
    }
  if (m < 0)
    return m;
  return attach (x, m, target, "mask", path);
}

static int
readonly_path (struct ctx *x, const char *path)
{
  _cleanup_close_ int target = brig_openat2 (x->root, path, O_PATH | O_CLOEXEC, RESOLVE_FLAGS);
  _cleanup_close_ int m = -1;
  struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                      | MOUNT_ATTR_NOEXEC };

  if (target < 0 && errno == ENOENT)
    return 0;
  if (target < 0)
    return brig_error (x->err, errno, "make `%s` read-only", path);
  m = open_tree (target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
  if (m < 0)
    return brig_error (x->err, errno, "make `%s` read-only: clone", path);
  if (mount_setattr (m, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
    return brig_error (x->err, errno, "make `%s` read-only", path);
  return attach (x, m, target, "read-only bind", path);
}

static int
mount_tmpfs (struct ctx *x, const struct brig_tmpfs *t)
{
  char size[32], mode[32];
  const char *opts[3] = { size, mode, NULL };
  unsigned attrs = 0;

  snprintf (size, sizeof size, "size=%llu", (unsigned long long)t->size);
  snprintf (mode, sizeof mode, "mode=%o", (unsigned)t->mode);
  if (t->size == 0)
    {
      opts[0] = mode;
      opts[1] = NULL;
    }
  if (t->flags & MS_NOSUID)
    attrs |= MOUNT_ATTR_NOSUID;
  if (t->flags & MS_NODEV)
    attrs |= MOUNT_ATTR_NODEV;
  if (t->flags & MS_NOEXEC)
    attrs |= MOUNT_ATTR_NOEXEC;
  if (t->flags & MS_RDONLY)
    attrs |= MOUNT_ATTR_RDONLY;
  return mount_fs (x, t->dest, "tmpfs", opts, attrs);
}

static int
open_devnull (struct ctx *x)
{
  struct stat st;
  int fd = open ("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return brig_error (x->err, errno, "open host `/dev/null`");
  if (fstat (fd, &st) < 0 || !S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    {
      close (fd);
      return brig_error (x->err, 0, "host `/dev/null` is not the character device 1:3");
    }
  return fd;
}

int
brig_mounts_setup (const struct brig_container *c, int root_fd, char *const *cgroup_v1,
                   bool cgroup_v2, struct brig_err *err)
{
  _cleanup_close_ int devnull = -1;
  struct ctx x = { root_fd, -1, err };
  int r;

  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return brig_error (err, errno, "make the mount namespace private");
  devnull = open_devnull (&x);
  if (devnull < 0)
    return devnull;
  x.devnull = devnull;
  /* Attach the image on top of this namespace's own root, which is always
   * reachable: the image's host path may lie below directories that
   * container root (an unprivileged host id) cannot search. */
  if (move_mount (root_fd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return brig_error (err, errno, "attach the root filesystem `%s`", c->rootfs);

  if ((r = mount_proc (&x)) < 0 || (r = mount_dev (&x)) < 0
      || (r = mount_sys (&x, cgroup_v1, cgroup_v2)) < 0)
    return r;
  for (size_t i = 0; i < c->ntmpfs; i++)
    if ((r = mount_tmpfs (&x, &c->tmpfs[i])) < 0)
      return r;
  for (size_t i = 0; c->masked_paths && c->masked_paths[i]; i++)
    if ((r = mask_path (&x, c->masked_paths[i])) < 0)
      return r;
  for (size_t i = 0; c->readonly_paths && c->readonly_paths[i]; i++)
    if ((r = readonly_path (&x, c->readonly_paths[i])) < 0)
      return r;

  if (fchdir (root_fd) < 0)
    return brig_error (err, errno, "enter the root filesystem");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return brig_error (err, errno, "pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    return brig_error (err, errno, "detach the host's filesystem");
  if (chdir ("/") < 0)
    return brig_error (err, errno, "chdir /");
  return 0;
}
