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
#include "util/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define RESOLVE_FLAGS (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

char *
brig_link_in_root (int dir, const char *dir_path, const char *name)
{
  char target[4096];
  ssize_t n = readlinkat (dir, name, target, sizeof target - 1);

  if (n <= 0)
    return NULL;
  target[n] = '\0';
  while (n > 1 && target[n - 1] == '/')
    target[--n] = '\0'; /* "a/" names a */
  if (target[0] == '/')
    return xstrdup (target);
  return xasprintf ("%s/%s", dir_path, target);
}

#define MAX_DEFERRED 16

struct ctx
{
  const struct brig_container *c;
  int root;    /* the container's root mount */
  int devnull; /* O_PATH to the verified host /dev/null */
  char *const *cgroup_v1;
  bool cgroup_v2;
  int deferred_ro[MAX_DEFERRED]; /* tmpfs mounts to make read-only at the end */
  size_t ndeferred;
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

/* Open the mount point PATH inside the root: a directory when DIR, else a
 * file.  A missing one is created (in a fresh tmpfs such as /dev; the
 * image's own were created before the root was made read-only), where a
 * dangling symlink points when it is one (*LINKS counts them). */
static int
open_target_at (struct ctx *x, const char *path, bool dir, int *links)
{
  int fd
      = brig_openat2 (x->root, path, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0), RESOLVE_FLAGS);
  _cleanup_free_ char *parent = NULL, *target = NULL;
  _cleanup_close_ int pfd = -1;
  char *slash;

  if (fd >= 0 || errno != ENOENT)
    {
      if (fd < 0)
        return brig_error (x->err, errno, "mount point `%s` in the image", path);
      return fd;
    }
  parent = xstrdup (path);
  slash = strrchr (parent, '/');
  if (slash == NULL || slash[1] == '\0')
    return brig_error (x->err, ENOENT, "mount point `%s` in the image", path);
  *slash = '\0';
  pfd = *parent ? open_target_at (x, parent, true, links)
                : brig_openat2 (x->root, "/", O_PATH | O_CLOEXEC, RESOLVE_FLAGS);
  if (pfd < 0)
    return pfd;
  if ((target = brig_link_in_root (pfd, parent, slash + 1)) != NULL)
    {
      if (++*links > BRIG_MAX_LINKS)
        return brig_error (x->err, ELOOP, "mount point `%s` in the image", path);
      return open_target_at (x, target, dir, links);
    }
  if (dir ? mkdirat (pfd, slash + 1, 0755) < 0
          : (fd
             = openat (pfd, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644))
                < 0)
    return brig_error (x->err, errno, "mount point `%s` in the image", path);
  if (fd >= 0)
    close (fd);
  fd = brig_openat2 (pfd, slash + 1, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0), RESOLVE_FLAGS);
  if (fd < 0)
    return brig_error (x->err, errno, "mount point `%s` in the image", path);
  return fd;
}

static int
open_target (struct ctx *x, const char *path, bool dir)
{
  int links = 0;
  return open_target_at (x, path, dir, &links);
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

static const struct
{
  const char *name, *target;
} dev_links[] = {
  { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
};

/* A bind of a host device node is read-only, nosuid and noexec: the device
 * still reads and writes, but its inode (owner, mode) cannot be changed
 * from inside, and it is the host's. */
static int
seal_clone (struct ctx *x, int fd, const char *what)
{
  struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC };
  if (mount_setattr (fd, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
    return brig_error (x->err, errno, "make the bind of `%s` read-only", what);
  return 0;
}

/* Bind the host's device HOST, checked to be the character (TYPE
 * S_IFCHR) or block (S_IFBLK) device MAJOR:MINOR, onto the file NAME in
 * the container's directory DIR (DIR_PATH in the container). */
static int
bind_device (struct ctx *x, int dir, const char *dir_path, const char *name, const char *host,
             mode_t type, unsigned major, unsigned minor)
{
  _cleanup_close_ int src = open_tree (AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  _cleanup_close_ int target = -1;
  struct stat st;
  int r;

  if (src < 0)
    return brig_error (x->err, errno, "bind host device `%s`", host);
  if (fstat (src, &st) < 0 || (st.st_mode & S_IFMT) != type || major (st.st_rdev) != major
      || minor (st.st_rdev) != minor)
    return brig_error (x->err, 0, "host `%s` is not the %s device %u:%u", host,
                       type == S_IFBLK ? "block" : "character", major, minor);
  if ((r = seal_clone (x, src, host)) < 0)
    return r;
  target = openat (dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return brig_error (x->err, errno, "open `%s/%s`", dir_path, name);
  return attach (x, src, target, host, name);
}

/* Fill a fresh /dev (the tmpfs DEV, attached) with the default devices of
 * the OCI runtime spec, each bound from the host's checked node, and the
 * usual links. */
static int
populate_dev (struct ctx *x, int dev)
{
  int r;

  for (const struct brig_default_node *d = brig_default_nodes; d->name; d++)
    {
      _cleanup_free_ char *host = xasprintf ("/dev/%s", d->name);
      int fd = openat (dev, d->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
      if (fd < 0)
        return brig_error (x->err, errno, "create `/dev/%s`", d->name);
      close (fd);
      if ((r = bind_device (x, dev, "/dev", d->name, host, S_IFCHR, d->major, d->minor)) < 0)
        return r;
    }
  for (size_t i = 0; i < ARRAY_SIZE (dev_links); i++)
    if (symlinkat (dev_links[i].target, dev, dev_links[i].name) < 0)
      return brig_error (x->err, errno, "create `/dev/%s`", dev_links[i].name);
  return 0;
}

static unsigned
attrs_of (unsigned long flags)
{
  unsigned a = 0;

  if (flags & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  if (flags & MS_NOATIME)
    a |= MOUNT_ATTR_NOATIME;
  if (flags & MS_NODIRATIME)
    a |= MOUNT_ATTR_NODIRATIME;
  if (flags & MS_STRICTATIME)
    a |= MOUNT_ATTR_STRICTATIME;
  return a;
}

/* Without a cgroup namespace, a fresh cgroup mount would show the host's
 * whole tree (and its release_agent): bind the container's own directory
 * HOST (a host path, still reachable before pivot_root) instead, as runc. */
static int
bind_own_cgroup (struct ctx *x, const char *host, const char *dest, unsigned attrs)
{
  _cleanup_close_ int src = open_tree (AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  _cleanup_close_ int target = -1;
  struct mount_attr a = { .attr_set = attrs, .propagation = MS_PRIVATE };

  if (src < 0)
    return brig_error (x->err, errno, "bind the container's cgroup `%s`", host);
  if (mount_setattr (src, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
    return brig_error (x->err, errno, "bind the container's cgroup `%s`: set options", host);
  target = open_target (x, dest, true);
  if (target < 0)
    return target;
  return attach (x, src, target, "cgroup bind", dest);
}

/* The container's own cgroups: the cgroup2 hierarchy, or on v1 a tmpfs
 * holding one mount per hierarchy that brig made a cgroup in. */
static int
mount_cgroup (struct ctx *x, const struct brig_mount *m)
{
  static const char *const cg_opts[] = { "mode=755", "size=65536", NULL };
  unsigned attrs = attrs_of (m->flags);
  _cleanup_close_ int target = -1, tmp = -1;
  int r;

  bool own_ns = x->c->namespaces & BRIG_NS_CGROUP;
  _cleanup_free_ char *rel = NULL;

  if (!own_ns && (x->cgroup_v2 || x->cgroup_v1)
      && (rel = brig_cgroup_rel_path (x->c->cgroups_path, x->c->id, x->err)) == NULL)
    return -EINVAL;
  if (x->cgroup_v2)
    {
      _cleanup_free_ char *host = rel ? xasprintf ("/sys/fs/cgroup/%s", rel) : NULL;
      return own_ns ? mount_fs (x, m->dest, "cgroup2", NULL, attrs)
                    : bind_own_cgroup (x, host, m->dest, attrs);
    }
  if (x->cgroup_v1 == NULL)
    return 0; /* no cgroup of its own (rootless): nothing to show */
  target = open_target (x, m->dest, true);
  if (target < 0)
    return target;
  tmp = new_fs (x, "tmpfs", cg_opts, attrs & ~(unsigned)MOUNT_ATTR_RDONLY, m->dest);
  if (tmp < 0)
    return tmp;
  for (size_t i = 0; x->cgroup_v1[i]; i++)
    if (mkdirat (tmp, x->cgroup_v1[i], 0755) < 0)
      return brig_error (x->err, errno, "create `%s/%s`", m->dest, x->cgroup_v1[i]);
  if ((r = attach (x, tmp, target, "tmpfs", m->dest)) < 0)
    return r;
  for (size_t i = 0; x->cgroup_v1[i]; i++)
    {
      _cleanup_free_ char *path = xasprintf ("%s/%s", m->dest, x->cgroup_v1[i]);
      _cleanup_free_ char *names = xstrdup (x->cgroup_v1[i]);
      char **opts = NULL;
      char *o = names;

      for (char *tok; (tok = strsep (&o, ","));)
        strv_push (&opts, xstrdup (tok));
      if (own_ns)
        r = mount_fs (x, path, "cgroup", (const char *const *)opts, attrs);
      else
        {
          _cleanup_free_ char *host = xasprintf ("/sys/fs/cgroup/%s/%s", x->cgroup_v1[i], rel);
          r = bind_own_cgroup (x, host, path, attrs);
        }
      strv_free (opts);
      if (r < 0)
        return r;
    }
  if (attrs & MOUNT_ATTR_RDONLY)
    {
      struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
      if (mount_setattr (tmp, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
        return brig_error (x->err, errno, "make `%s` read-only", m->dest);
    }
  return 0;
}

static int copy_up (struct ctx *x, const char *dest, int dst, bool own_top);

/* A bind mount of the detached tree SRC (opened by brig from the host
 * path before any id changed) onto its destination. */
static int
mount_bind (struct ctx *x, const struct brig_mount *m, int src)
{
  struct mount_attr a = { .attr_set = attrs_of (m->flags) };
  _cleanup_close_ int target = -1;
  struct stat st;

  /* Setting an atime mode needs the whole atime field cleared. */
  if (a.attr_set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME))
    a.attr_clr = MOUNT_ATTR__ATIME;
  if (src < 0)
    return brig_error (x->err, EBADF, "bind `%s`: its source was not opened", m->dest);
  if (fstat (src, &st) < 0)
    return brig_error (x->err, errno, "bind `%s` on `%s`", m->source, m->dest);
  target = open_target (x, m->dest, S_ISDIR (st.st_mode));
  if (target < 0)
    return target;
  /* An image's VOLUME (brig run): the new volume starts as a copy of what
   * the image has there, as Docker's and Podman's do. */
  if (m->copyup && S_ISDIR (st.st_mode))
    {
      int r = copy_up (x, m->dest, src, true);
      if (r < 0)
        return r;
    }
  if (a.attr_set
      && mount_setattr (src, "", AT_EMPTY_PATH | ((m->flags & MS_REC) ? AT_RECURSIVE : 0), &a,
                        sizeof a)
             < 0)
    return brig_error (x->err, errno, "bind `%s` on `%s`: set options", m->source, m->dest);
  return attach (x, src, target, "bind", m->dest);
}

/* tmpcopyup: copy the image's directory SRC into the new tmpfs DST, every
 * step without following a symlink of the image; directories, regular
 * files and symlinks, with their modes and (where mapped) owners.  Device
 * nodes, FIFOs and sockets are left out: a tmpfs of a user namespace could
 * not hold the first, and the others mean nothing copied. */
/* Files of the copy with more than one link, by their inode in the
 * image: a second name is linked to the first copy, not copied again (an
 * image of a million links to one big file must not fill the disk). */
struct copy_links
{
  int top;      /* the copy's top directory */
  size_t strip; /* WHERE's prefix that names the top */
  struct
  {
    dev_t dev;
    ino_t ino;
    char *rel; /* under TOP */
  } * v;
  size_t n;
};

/* Name N in DST a second link to the copy of the inode ST, if there is
 * one. */
static bool
link_again (const struct copy_links *cl, const struct stat *st, int dst, const char *n)
{
  for (size_t i = 0; i < cl->n; i++)
    if (cl->v[i].dev == st->st_dev && cl->v[i].ino == st->st_ino)
      return linkat (cl->top, cl->v[i].rel, dst, n, 0) == 0;
  return false;
}

static int
copy_tree (struct ctx *x, struct copy_links *cl, int src, int dst, const char *where, int depth)
{
  _cleanup_close_ int dup_fd = dup (src);
  DIR *d;
  struct dirent *e;
  int r = 0;

  if (depth > 64)
    return brig_error (x->err, ELOOP, "tmpcopyup `%s`: nested too deep", where);
  if (dup_fd < 0 || (d = fdopendir (dup_fd)) == NULL)
    return brig_error (x->err, errno, "tmpcopyup `%s`: read the image's directory", where);
  dup_fd = -1; /* the DIR owns it */
  while (r == 0 && (errno = 0, e = readdir (d)) != NULL)
    {
      const char *n = e->d_name;
      struct stat st;

      if (strcmp (n, ".") == 0 || strcmp (n, "..") == 0)
        continue;
      if (fstatat (src, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          r = brig_error (x->err, errno, "tmpcopyup `%s/%s`", where, n);
          break;
        }
      if (S_ISDIR (st.st_mode))
        {
          _cleanup_close_ int s = -1, t = -1;
          _cleanup_free_ char *sub = xasprintf ("%s/%s", where, n);
          if (mkdirat (dst, n, st.st_mode & 07777) < 0
              || (s = openat (src, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0
              || (t = openat (dst, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            r = brig_error (x->err, errno, "tmpcopyup `%s`", sub);
          else if ((r = copy_tree (x, cl, s, t, sub, depth + 1)) == 0)
            {
              (void)!fchown (t, st.st_uid, st.st_gid); /* unmapped owners stay ours */
              (void)!fchmod (t, st.st_mode & 07777);
            }
        }
      else if (S_ISREG (st.st_mode) && st.st_nlink > 1 && link_again (cl, &st, dst, n))
        continue;
      else if (S_ISREG (st.st_mode))
        {
          _cleanup_close_ int s = openat (src, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          _cleanup_close_ int t = -1;
          char buf[65536];
          ssize_t k = 0;

          if (s < 0
              || (t = openat (dst, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                              st.st_mode & 0777))
                     < 0)
            {
              r = brig_error (x->err, errno, "tmpcopyup `%s/%s`", where, n);
              break;
            }
          while ((k = read (s, buf, sizeof buf)) > 0)
            if (brig_write_all (t, buf, (size_t)k) < 0)
              {
                k = -1;
                break;
              }
          if (k < 0)
            {
              r = brig_error (x->err, errno, "tmpcopyup `%s/%s`", where, n);
              break;
            }
          (void)!fchown (t, st.st_uid, st.st_gid);
          (void)!fchmod (t, st.st_mode & 07777); /* setuid bits survive chown this way */
          if (st.st_nlink > 1)
            {
              const char *rel = where + cl->strip;
              rel += rel[0] == '/';
              cl->v = xreallocarray (cl->v, cl->n + 1, sizeof *cl->v);
              cl->v[cl->n].dev = st.st_dev;
              cl->v[cl->n].ino = st.st_ino;
              cl->v[cl->n++].rel = xasprintf ("%s%s%s", rel, rel[0] ? "/" : "", n);
            }
        }
      else if (S_ISLNK (st.st_mode))
        {
          char target[4096];
          ssize_t k = readlinkat (src, n, target, sizeof target - 1);
          if (k < 0 || (target[k] = '\0', symlinkat (target, dst, n)) < 0)
            {
              r = brig_error (x->err, errno, "tmpcopyup `%s/%s`", where, n);
              break;
            }
          (void)!fchownat (dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
        }
    }
  if (r == 0 && errno != 0)
    r = brig_error (x->err, errno, "tmpcopyup `%s`: read the image's directory", where);
  closedir (d);
  return r;
}

/* What the image has at DEST into the new filesystem or volume DST (a
 * tmpfs, or an anonymous volume of an image's VOLUME): its tree, and with
 * OWN_TOP the directory's own owner and mode (a tmpfs keeps its mode=
 * option's).  Nothing when the image has no directory there. */
static int
copy_up (struct ctx *x, const char *dest, int dst, bool own_top)
{
  /* Never onto another filesystem: a symlink of the image to /proc, /sys
   * or /dev (mounted, not yet masked) is no directory of the image. */
  _cleanup_close_ int image_dir = brig_openat2 (x->root, dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                                                RESOLVE_FLAGS | RESOLVE_NO_XDEV);
  _cleanup_close_ int top = -1;
  struct copy_links cl = { dst, strlen (dest), NULL, 0 };
  struct stat st;
  int r;

  if (image_dir < 0)
    return errno == ENOENT || errno == ENOTDIR || errno == EXDEV
               ? 0
               : brig_error (x->err, errno, "tmpcopyup `%s`", dest);
  r = copy_tree (x, &cl, image_dir, dst, dest, 0);
  for (size_t i = 0; i < cl.n; i++)
    free (cl.v[i].rel);
  free (cl.v);
  if (r < 0 || !own_top)
    return r;
  if (fstat (image_dir, &st) < 0
      || (top = openat (dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return brig_error (x->err, errno, "tmpcopyup `%s`", dest);
  (void)!fchown (top, st.st_uid, st.st_gid); /* unmapped owners stay ours */
  (void)!fchmod (top, st.st_mode & 07777);
  return 0;
}

/* Any other filesystem.  A read-only tmpfs is made read-only only once all
 * mounts are made, so that mount points can be created in it (/dev/pts). */
static int
mount_other (struct ctx *x, const struct brig_mount *m)
{
  unsigned attrs = attrs_of (m->flags);
  bool is_tmpfs = strcmp (m->type, "tmpfs") == 0;
  bool defer = is_tmpfs && (attrs & MOUNT_ATTR_RDONLY);
  _cleanup_close_ int target = open_target (x, m->dest, true);
  _cleanup_close_ int fs = -1;
  int r;

  if (target < 0)
    return target;
  fs = new_fs (x, m->type, (const char *const *)m->data,
               defer ? attrs & ~(unsigned)MOUNT_ATTR_RDONLY : attrs, m->dest);
  if (fs < 0)
    return fs;
  /* What the image has there, before the tmpfs hides it. */
  if (m->copyup && (r = copy_up (x, m->dest, fs, false)) < 0)
    return r;
  if ((r = attach (x, fs, target, m->type, m->dest)) < 0)
    return r;
  if (is_tmpfs && strcmp (m->dest, "/dev") == 0 && (r = populate_dev (x, fs)) < 0)
    return r;
  if (defer)
    {
      if (x->ndeferred == MAX_DEFERRED)
        return brig_error (x->err, E2BIG, "too many read-only tmpfs mounts");
      x->deferred_ro[x->ndeferred++] = steal_fd (&fs);
    }
  return 0;
}

static int
finish_deferred (struct ctx *x)
{
  struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
  int r = 0;

  for (size_t i = 0; i < x->ndeferred; i++)
    {
      if (r == 0 && mount_setattr (x->deferred_ro[i], "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
        r = brig_error (x->err, errno, "make a tmpfs read-only");
      close (x->deferred_ro[i]);
    }
  x->ndeferred = 0;
  return r;
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
      int r;
      m = open_tree (x->devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (m < 0)
        return brig_error (x->err, errno, "mask `%s`: clone /dev/null", path);
      if ((r = seal_clone (x, m, path)) < 0)
        return r;
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

/* Sysctls that belong to a namespace of the container (runc's list). */
static bool
sysctl_namespaced (const struct brig_container *c, const char *name)
{
  static const char *const ipc[]
      = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  for (size_t i = 0; i < ARRAY_SIZE (ipc); i++)
    if (strcmp (name, ipc[i]) == 0)
      return c->namespaces & BRIG_NS_IPC;
  if (str_has_prefix (name, "fs.mqueue."))
    return c->namespaces & BRIG_NS_IPC;
  if (str_has_prefix (name, "net."))
    return c->namespaces & BRIG_NS_NET;
  /* The hostname is the config's `hostname` field, not a sysctl. */
  if (strcmp (name, "kernel.domainname") == 0)
    return c->namespaces & BRIG_NS_UTS;
  return false;
}

/* NAME=VALUE written through the container's own procfs, resolved without
 * symlinks and checked to be procfs, so that no file of the image can
 * redirect the write (CVE-2019-16884). */
static int
write_sysctl (struct ctx *x, const struct brig_container *c, const char *kv)
{
  const char *eq = strchr (kv, '=');
  _cleanup_free_ char *name = xstrndup (kv, eq ? (size_t)(eq - kv) : strlen (kv));
  _cleanup_free_ char *path = xasprintf ("/proc/sys/%s", name);
  _cleanup_close_ int fd = -1;
  struct statfs fs;
  ssize_t n;

  if (!sysctl_namespaced (c, name))
    return brig_error (
        x->err, 0,
        "sysctl `%s` is not in a namespace of the container: expected net.* "
        "(with a network namespace), kernel.msg*, kernel.sem, kernel.shm*, "
        "fs.mqueue.* (ipc) or kernel.domainname (uts); set the hostname with `hostname`",
        name);
  for (char *p = path + 10; *p; p++)
    if (*p == '.')
      *p = '/';
  fd = brig_openat2 (x->root, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return brig_error (x->err, errno, "sysctl `%s`", name);
  if (fstatfs (fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
    return brig_error (x->err, 0, "sysctl `%s`: `%s` is not on procfs", name, path);
  n = write (fd, eq + 1, strlen (eq + 1));
  if (n < 0)
    return brig_error (x->err, errno, "sysctl `%s` = `%s`", name, eq + 1);
  return 0;
}

/* The mount of the container that holds PATH (the one with the longest
 * destination above it), or NULL when PATH is in the image. */
static const struct brig_mount *
mount_holding (const struct brig_container *c, const char *path)
{
  const struct brig_mount *best = NULL;
  size_t best_len = 0;

  for (size_t i = 0; i < c->nmounts; i++)
    {
      const char *d = c->mounts[i].dest;
      size_t n = strcmp (d, "/") == 0 ? 0 : strlen (d);

      if (strncmp (d, path, n) == 0 && path[n] == '/' && (best == NULL || n > best_len))
        {
          best = &c->mounts[i];
          best_len = n;
        }
    }
  return best;
}

static const char *
file_kind (mode_t m)
{
  switch (m & S_IFMT)
    {
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFIFO:
      return "a FIFO";
    case S_IFDIR:
      return "a directory";
    case S_IFLNK:
      return "a symbolic link";
    case S_IFREG:
      return "a regular file";
    default:
      return "a socket";
    }
}

static mode_t
node_type (const struct brig_device_node *n)
{
  return n->type == 'p' ? S_IFIFO : n->type == 'b' ? S_IFBLK : S_IFCHR;
}

/* Make the file NAME in DIR (in the container, DIR_PATH) the node N, with
 * mknod: N's mode exactly (no umask) and owner. */
static int
mknod_node (struct ctx *x, int dir, const char *dir_path, const char *name,
            const struct brig_device_node *n)
{
  struct statvfs vfs;
  mode_t old;
  int r, e;

  if (n->type != 'p' && fstatvfs (dir, &vfs) == 0 && (vfs.f_flag & ST_NODEV))
    return brig_error (x->err, 0,
                       "the tmpfs at `%s` is mounted nodev, so a device node made there could "
                       "not be opened: put the node under /dev, or mount that tmpfs without nodev",
                       dir_path);
  old = umask (0);
  r = mknodat (dir, name, node_type (n) | n->mode,
               makedev ((unsigned)n->major, (unsigned)n->minor));
  e = errno;
  umask (old);
  if (r < 0)
    return brig_error (x->err, e, "mknod");
  if (fchownat (dir, name, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return brig_error (x->err, errno, "chown to %u:%u", (unsigned)n->uid, (unsigned)n->gid);
  return 0;
}

/* Make the device node N of the container (OCI linux.devices), resolved
 * inside the root.  A file already at its path that is the device asked
 * for (the default /dev/null) is kept; anything else there is an error, as
 * the runtime spec says.  A new node is made only in a tmpfs of the
 * container's own (/dev), never in the image or a bind mount, where it
 * would outlive the container.  Without a user namespace it is made with
 * mknod, with N's mode and owner (a FIFO always is); in one, where mknod of
 * a device is not permitted, the host's node at the same path is bound
 * read-only, checked to be the same device, and keeps the host's mode and
 * owner. */
static int
make_node (struct ctx *x, const struct brig_device_node *n)
{
  _cleanup_free_ char *parent = xstrdup (n->path);
  char *slash = strrchr (parent, '/');
  const char *name = n->path + (slash - parent) + 1;
  const char *dir_path = slash == parent ? "/" : parent;
  const struct brig_mount *m = mount_holding (x->c, n->path);
  _cleanup_close_ int dir = -1, fd = -1;
  struct statfs fs;
  struct stat st;

  *slash = '\0';
  dir = brig_openat2 (x->root, dir_path, O_PATH | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE_FLAGS | RESOLVE_NO_SYMLINKS);
  if (dir < 0 && errno == ELOOP)
    return brig_error (x->err, 0,
                       "a directory on the way to it is a symbolic link, which brig does not "
                       "follow here");
  if (dir >= 0 && (fd = openat (dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) >= 0)
    {
      if (fstat (fd, &st) < 0)
        return brig_error (x->err, errno, "stat");
      if ((st.st_mode & S_IFMT) == node_type (n)
          && (n->type == 'p' || st.st_rdev == makedev ((unsigned)n->major, (unsigned)n->minor)))
        return 0;
      return brig_error (x->err, 0, "there is already %s there, not the device asked for",
                         file_kind (st.st_mode));
    }
  if (dir < 0 ? errno != ENOENT && errno != ENOTDIR : errno != ENOENT)
    return brig_error (x->err, errno, "open");
  if (m == NULL || strcmp (m->type, "tmpfs") != 0)
    {
      if (m == NULL)
        return brig_error (x->err, 0,
                           "brig makes device nodes only in a tmpfs of the container (such as "
                           "/dev), and this path is in the image");
      return brig_error (x->err, 0,
                         "brig makes device nodes only in a tmpfs of the container (such as "
                         "/dev), and this path is on the %s mount at `%s`",
                         m->type, m->dest);
    }
  if (dir < 0 && (dir = open_target (x, dir_path, true)) < 0)
    return dir;
  if (fstatfs (dir, &fs) < 0 || fs.f_type != TMPFS_MAGIC)
    return brig_error (x->err, 0, "`%s` is not in the tmpfs at `%s`", dir_path, m->dest);
  if (n->type == 'p' || !(x->c->namespaces & BRIG_NS_USER))
    return mknod_node (x, dir, dir_path, name, n);
  fd = openat (dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return brig_error (x->err, errno, "create the mount point");
  if (bind_device (x, dir, dir_path, name, n->path, node_type (n), (unsigned)n->major,
                   (unsigned)n->minor)
      < 0)
    return brig_err_wrap (x->err,
                          "in a user namespace mknod is not permitted, so brig binds the host's "
                          "node at the same path");
  return 0;
}

static int
make_nodes (struct ctx *x)
{
  for (size_t i = 0; i < x->c->nnodes; i++)
    {
      const struct brig_device_node *n = &x->c->nodes[i];
      int r = make_node (x, n);
      if (r < 0 && n->type == 'p')
        return brig_err_wrap (x->err, "device `%s` (FIFO)", n->path);
      if (r < 0)
        return brig_err_wrap (x->err, "device `%s` (%c %lld:%lld)", n->path, n->type,
                              (long long)n->major, (long long)n->minor);
    }
  return 0;
}

/* brig's own file F: written in a fresh tmpfs, then that file alone bound
 * read-only at its place (the tmpfs goes with the last reference to it).
 * An image where the file can be neither found nor made (a read-only
 * image without it) goes without: as before brig wrote these files. */
static int
make_gen_file (struct ctx *x, const struct brig_gen_file *f)
{
  static const char *const opts[] = { "size=1m", "mode=0755", NULL };
  const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | attrs };
  _cleanup_close_ int target = -1, fs = -1, fd = -1, file = -1;
  size_t n = strlen (f->text);

  if ((target = open_target (x, f->dest, false)) < 0)
    {
      brig_err_release (x->err);
      return 0;
    }
  if ((fs = new_fs (x, "tmpfs", opts, attrs, f->dest)) < 0)
    return fs;
  fd = openat (fs, "f", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 || write (fd, f->text, n) != (ssize_t)n)
    return brig_error (x->err, errno ? errno : EIO, "write `%s`", f->dest);
  file = open_tree (fs, "f", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (file < 0 || mount_setattr (file, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
    return brig_error (x->err, errno, "bind `%s` read-only", f->dest);
  return attach (x, file, target, "file", f->dest);
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
brig_mounts_setup (const struct brig_container *c, int root_fd, const int *bind_fds,
                   char *const *cgroup_v1, bool cgroup_v2, struct brig_err *err)
{
  _cleanup_close_ int devnull = -1;
  struct ctx x = { .c = c,
                   .root = root_fd,
                   .devnull = -1,
                   .cgroup_v1 = cgroup_v1,
                   .cgroup_v2 = cgroup_v2,
                   .err = err };
  int r = 0;

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

  for (size_t i = 0; i < c->nmounts && r == 0; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      if (strcmp (m->type, "bind") == 0)
        r = mount_bind (&x, m, bind_fds ? bind_fds[i] : -1);
      else if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
        r = mount_cgroup (&x, m);
      else
        r = mount_other (&x, m);
    }
  for (size_t i = 0; i < c->ngen_files && r == 0; i++)
    r = make_gen_file (&x, &c->gen_files[i]);
  if (r == 0)
    r = make_nodes (&x);
  for (size_t i = 0; c->sysctl && c->sysctl[i] && r == 0; i++)
    r = write_sysctl (&x, c, c->sysctl[i]);
  for (size_t i = 0; c->masked_paths && c->masked_paths[i] && r == 0; i++)
    r = mask_path (&x, c->masked_paths[i]);
  for (size_t i = 0; c->readonly_paths && c->readonly_paths[i] && r == 0; i++)
    r = readonly_path (&x, c->readonly_paths[i]);
  if (r == 0)
    r = finish_deferred (&x);
  else
    for (size_t i = 0; i < x.ndeferred; i++)
      close (x.deferred_ro[i]);
  return r;
}

int
brig_mounts_pivot (int root_fd, struct brig_err *err)
{
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

int
brig_mounts_open_binds (const struct brig_container *c, int **ret_fds, struct brig_err *err)
{
  int *fds = xmalloc ((c->nmounts ? c->nmounts : 1) * sizeof (int));

  for (size_t i = 0; i < c->nmounts; i++)
    fds[i] = -1;
  for (size_t i = 0; i < c->nmounts; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      unsigned flags
          = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0);

      if (strcmp (m->type, "bind") != 0)
        continue;
      if (m->source == NULL || m->source[0] != '/')
        {
          brig_mounts_close_binds (fds, c->nmounts);
          return brig_error (err, 0, "bind on `%s`: the source must be an absolute path", m->dest);
        }
      if (m->source_resolved)
        {
          /* The path the policy judged, with no symlink: one that appeared
           * since fails (ELOOP) instead of sending the bind elsewhere. */
          _cleanup_close_ int src = brig_openat2 (AT_FDCWD, m->source, O_PATH | O_CLOEXEC,
                                                  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
          fds[i] = src < 0 ? -1 : open_tree (src, "", flags | AT_EMPTY_PATH);
        }
      else
        fds[i] = open_tree (AT_FDCWD, m->source, flags);
      if (fds[i] >= 0)
        {
          /* Private, whatever the source's propagation, unless asked
           * otherwise: nothing mounted in the container reaches the host,
           * nor the other way.  A slave (or shared) clone stays tied to
           * the source's peer group. */
          struct mount_attr a = { .propagation = m->propagation ? m->propagation : MS_PRIVATE };
          unsigned rec = (flags & AT_RECURSIVE) || m->propagation_rec ? AT_RECURSIVE : 0;
          if (mount_setattr (fds[i], "", AT_EMPTY_PATH | rec, &a, sizeof a) < 0)
            {
              close (fds[i]);
              fds[i] = -1;
            }
        }
      if (fds[i] < 0)
        {
          int e = errno;
          brig_mounts_close_binds (fds, c->nmounts);
          return brig_error (err, e, "bind source `%s` for `%s`", m->source, m->dest);
        }
    }
  *ret_fds = fds;
  return 0;
}

int
brig_mounts_idmap_binds (const struct brig_container *c, const int *fds, pid_t pid,
                         struct brig_err *err)
{
  for (size_t i = 0; i < c->nmounts; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };
      _cleanup_close_ int userns = -1;
      char path[64];

      if (!m->idmap || fds == NULL || fds[i] < 0)
        continue;
      if (m->uidmap)
        {
          userns = brig_userns_open_mapped (m->uidmap, m->nuidmap, m->gidmap, m->ngidmap, err);
          if (userns < 0)
            return brig_err_wrap (err, "idmapped bind on `%s`", m->dest);
        }
      else
        {
          snprintf (path, sizeof path, "/proc/%d/ns/user", (int)pid);
          if ((userns = open (path, O_RDONLY | O_CLOEXEC)) < 0)
            return brig_error (err, errno, "idmapped bind on `%s`: open `%s`", m->dest, path);
        }
      a.userns_fd = (uint64_t)userns;
      if (mount_setattr (fds[i], "", AT_EMPTY_PATH | (m->idmap_rec ? AT_RECURSIVE : 0), &a,
                         sizeof a)
          < 0)
        return brig_error (err, errno, "idmap the bind of `%s` on `%s`", m->source, m->dest);
    }
  return 0;
}

void
brig_mounts_close_binds (int *fds, size_t n)
{
  for (size_t i = 0; fds && i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
}

int
brig_mounts_check_host_devices (struct brig_err *err)
{
  for (const struct brig_default_node *d = brig_default_nodes; d->name; d++)
    {
      _cleanup_free_ char *host = xasprintf ("/dev/%s", d->name);
      struct stat st;

      if (lstat (host, &st) < 0)
        return brig_error (err, errno, "host device `%s`", host);
      if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != d->major || minor (st.st_rdev) != d->minor
          || st.st_uid != 0 || st.st_gid != 0)
        return brig_error (err, 0,
                           "host `%s` is not the character device %u:%u owned by root:root "
                           "(it is %u:%u); refusing to hand it to a container",
                           host, d->major, d->minor, (unsigned)st.st_uid, (unsigned)st.st_gid);
    }
  return 0;
}
