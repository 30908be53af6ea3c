/* Safe layer unpacking (unpack.h). */
#include "image/unpack.h"
#include "image/store.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WH ".wh."
#define WH_OPQ ".wh..wh..opq"
#define RESOLVE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

/* The paths this layer created, for opaque directories when whiteouts are
 * applied: what is not in the set came from a lower layer. */
struct pathset
{
  char **v;
  size_t cap, n;
};

static bool
set_has (const struct pathset *ps, const char *s)
{
  if (ps->cap == 0)
    return false;
  for (size_t i = str_hash (s) & (ps->cap - 1); ps->v[i]; i = (i + 1) & (ps->cap - 1))
    if (strcmp (ps->v[i], s) == 0)
      return true;
  return false;
}

static void
set_add (struct pathset *ps, const char *s)
{
  if (set_has (ps, s))
    return;
  if (2 * (ps->n + 1) > ps->cap)
    {
      struct pathset bigger = { xcalloc (ps->cap ? 2 * ps->cap : 256, sizeof (char *)),
                                ps->cap ? 2 * ps->cap : 256, 0 };
      for (size_t i = 0; i < ps->cap; i++)
        if (ps->v[i])
          {
            size_t j = str_hash (ps->v[i]) & (bigger.cap - 1);
            while (bigger.v[j])
              j = (j + 1) & (bigger.cap - 1);
            bigger.v[j] = ps->v[i];
            bigger.n++;
          }
      free (ps->v);
      *ps = bigger;
    }
  {
    size_t j = str_hash (s) & (ps->cap - 1);
    while (ps->v[j])
      j = (j + 1) & (ps->cap - 1);
    ps->v[j] = xstrdup (s);
    ps->n++;
  }
}

static void
set_free (struct pathset *ps)
{
  for (size_t i = 0; i < ps->cap; i++)
    free (ps->v[i]);
  free (ps->v);
}

struct ctx
{
  int root;
  struct brig_tar *t;
  const struct brig_unpack_opts *o;
  struct brig_unpack_stats *st;
  struct pathset created;
  struct brig_err *err;
};

/* PATH without empty and `.` components, joined by `/`; "" for the root.
 * `..` is an error: nothing in a layer may name a place above it. */
static int
clean_path (struct ctx *x, const char *path, const char *what, char **ret)
{
  if ((*ret = brig_tar_clean_path (path)) == NULL)
    return brig_error (x->err, 0, "%s: %s `%.200s` leaves the root (`..`)%s", x->t->name, what,
                       path, strcmp (what, "path") ? "; the layer is refused" : "");
  return 0;
}

/* The directory PARENT (a clean path) opened inside the root, created
 * (0755, owned by the mapped root) where missing. */
static int
open_parent (struct ctx *x, const char *parent, const char *entry)
{
  _cleanup_free_ char *copy = xstrdup (parent), *sofar = NULL;
  _cleanup_close_ int cur = -1;
  char *rest = copy, *c;

  cur = brig_openat2 (x->root, parent[0] ? parent : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE);
  if (cur >= 0 || errno != ENOENT)
    goto done;
  cur = fcntl (x->root, F_DUPFD_CLOEXEC, 3);
  while ((c = strsep (&rest, "/")))
    {
      int next;
      str_append (&sofar, "/", c);
      next = brig_openat2 (x->root, sofar, O_RDONLY | O_DIRECTORY | O_CLOEXEC, RESOLVE);
      if (next < 0 && errno == ENOENT)
        {
          if (mkdirat (cur, c, 0755) < 0)
            return brig_error (x->err, errno, "%s: entry `%.200s`: make its directory `%.200s`",
                               x->t->name, entry, sofar);
          if (x->o->chown
              && fchownat (cur, c, x->o->uid_base, x->o->gid_base, AT_SYMLINK_NOFOLLOW) < 0)
            return brig_error (x->err, errno, "%s: chown `%.200s`", x->t->name, sofar);
          set_add (&x->created, sofar);
          next = brig_openat2 (x->root, sofar, O_RDONLY | O_DIRECTORY | O_CLOEXEC, RESOLVE);
        }
      if (next < 0)
        {
          cur = -1;
          break;
        }
      close (cur);
      cur = next;
    }
done:
  if (cur < 0)
    return brig_error (x->err, errno,
                       "%s: entry `%.200s`: its directory `%.200s` (inside the image's root)",
                       x->t->name, entry, parent);
  return steal_fd (&cur);
}

static int
map_owner (struct ctx *x, const struct brig_tar_entry *e, uid_t *uid, gid_t *gid)
{
  if (x->o->squash)
    {
      *uid = x->o->uid_base;
      *gid = x->o->gid_base;
      return 0;
    }
  if (e->uid >= x->o->id_count || e->gid >= x->o->id_count)
    return brig_error (x->err, 0,
                       "%s: `%.200s` is owned by %" PRIu64 ":%" PRIu64
                       ", outside the user namespace's %u ids",
                       x->t->name, e->path, e->uid, e->gid, x->o->id_count);
  *uid = x->o->uid_base + (uid_t)e->uid;
  *gid = x->o->gid_base + (gid_t)e->gid;
  return 0;
}

static mode_t
safe_mode (struct ctx *x, const struct brig_tar_entry *e)
{
  mode_t m = e->mode & 07777;
  mode_t setid = e->type == BRIG_TAR_DIR ? S_ISUID : (S_ISUID | S_ISGID);

  if (!x->o->keep_setid && (m & setid))
    {
      m &= ~setid;
      x->st->setid_cleared++;
    }
  if (e->type == BRIG_TAR_DIR && !x->o->chown)
    m |= S_IRWXU; /* rootless: the unpacking user must still fill it */
  return m;
}

/* Owner, mode, extended attributes and time of the new NAME (FD open on
 * it, or -1 for a symbolic link). */
static int
finish (struct ctx *x, int pfd, const char *name, int fd, const struct brig_tar_entry *e)
{
  struct timespec ts[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
  uid_t uid;
  gid_t gid;
  int r;

  if ((r = map_owner (x, e, &uid, &gid)) < 0)
    return r;
  if (x->o->chown
      && (fd >= 0 ? fchown (fd, uid, gid) : fchownat (pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW))
             < 0)
    return brig_error (x->err, errno, "%s: chown `%.200s`", x->t->name, e->path);
  if (fd >= 0)
    {
      /* After chown, which clears setuid bits. */
      if (fchmod (fd, safe_mode (x, e)) < 0)
        return brig_error (x->err, errno, "%s: chmod `%.200s`", x->t->name, e->path);
      for (size_t i = 0; i < e->nxattrs; i++)
        {
          const char *n = e->xattrs[i].name;
          bool ok = str_has_prefix (n, "user.")
                    || (x->o->keep_setid && strcmp (n, "security.capability") == 0);
          if (!ok || e->type == BRIG_TAR_DIR)
            {
              x->st->xattrs_dropped++;
              continue;
            }
          if (fsetxattr (fd, n, e->xattrs[i].value, e->xattrs[i].len, 0) < 0 && errno != ENOTSUP)
            return brig_error (x->err, errno, "%s: set `%s` on `%.200s`", x->t->name, n, e->path);
        }
      if (e->type != BRIG_TAR_DIR)
        futimens (fd, ts);
    }
  else
    utimensat (pfd, name, ts, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int
write_file (struct ctx *x, int pfd, const char *name, const struct brig_tar_entry *e)
{
  _cleanup_close_ int fd = -1;
  char buf[65536];
  size_t got;
  int r;

  if (e->size > x->o->max_bytes - x->st->bytes)
    return brig_error (x->err, EFBIG,
                       "%s: more than %" PRIu64 " bytes of files (at `%.200s`): refused as a "
                       "decompression bomb",
                       x->t->name, x->o->max_bytes, e->path);
  fd = openat (pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return brig_error (x->err, errno, "%s: create `%.200s`", x->t->name, e->path);
  while ((r = brig_tar_read (x->t, buf, sizeof buf, &got, x->err)) == 0 && got > 0)
    if ((r = brig_write_all (fd, buf, got)) < 0)
      return brig_error (x->err, -r, "%s: write `%.200s`", x->t->name, e->path);
  if (r < 0)
    return r;
  x->st->bytes += e->size;
  return finish (x, pfd, name, fd, e);
}

static int
make_hardlink (struct ctx *x, int pfd, const char *name, const struct brig_tar_entry *e)
{
  _cleanup_free_ char *target = NULL;
  _cleanup_close_ int tfd = -1;
  struct stat st;
  char proc[64];
  int r;

  if ((r = clean_path (x, e->linkname, "hard link target", &target)) < 0)
    return r;
  if (target[0] == '\0')
    return brig_error (x->err, 0, "%s: hard link `%.200s` to the root", x->t->name, e->path);
  tfd = brig_openat2 (x->root, target, O_PATH | O_NOFOLLOW | O_CLOEXEC, RESOLVE);
  if (tfd < 0)
    return brig_error (x->err, errno,
                       "%s: hard link `%.200s`: its target `%.200s` is not in this layer",
                       x->t->name, e->path, e->linkname);
  if (fstat (tfd, &st) < 0 || !(S_ISREG (st.st_mode) || S_ISLNK (st.st_mode)))
    return brig_error (x->err, 0, "%s: hard link `%.200s` to `%.200s`, which is not a file",
                       x->t->name, e->path, e->linkname);
  if (linkat (tfd, "", pfd, name, AT_EMPTY_PATH) == 0)
    return 0;
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", tfd);
  if (linkat (AT_FDCWD, proc, pfd, name, AT_SYMLINK_FOLLOW) < 0)
    return brig_error (x->err, errno, "%s: hard link `%.200s`", x->t->name, e->path);
  return 0;
}

/* What lower layers put in the directory PFD (PATH): gone, as an opaque
 * whiteout asks, when whiteouts are applied. */
static int
apply_opaque (struct ctx *x, int pfd, const char *path)
{
  _cleanup_close_ int fd = openat (pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir (fd);
  struct dirent *de;
  int r = 0;

  if (d == NULL)
    return brig_error (x->err, errno, "%s: read `%.200s`", x->t->name, path);
  fd = -1;
  while ((de = readdir (d)) && r == 0)
    {
      _cleanup_free_ char *child = NULL;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      child = path[0] ? xasprintf ("%s/%s", path, de->d_name) : xstrdup (de->d_name);
      if (!set_has (&x->created, child) && brig_remove_tree_at (dirfd (d), de->d_name, NULL) < 0)
        r = brig_error (x->err, errno, "%s: opaque `%.200s`", x->t->name, path);
    }
  closedir (d);
  return r;
}

static int
whiteout (struct ctx *x, int pfd, const char *parent, const char *base,
          const struct brig_tar_entry *e)
{
  const char *victim = base + strlen (WH);

  x->st->whiteouts++;
  if (strcmp (base, WH_OPQ) == 0)
    {
      if (!x->o->overlay)
        return apply_opaque (x, pfd, parent);
      if (fsetxattr (pfd, "trusted.overlay.opaque", "y", 1, 0) < 0)
        return brig_error (x->err, errno, "%s: mark `%.200s` opaque", x->t->name, parent);
      return 0;
    }
  if (str_has_prefix (victim, WH))
    return 0; /* AUFS's own metadata (.wh..wh.plnk): not part of the image */
  if (victim[0] == '\0' || strcmp (victim, ".") == 0 || strcmp (victim, "..") == 0)
    return brig_error (x->err, 0, "%s: whiteout `%.200s` names no file", x->t->name, e->path);
  if (brig_remove_tree_at (pfd, victim, NULL) < 0)
    return brig_error (x->err, errno, "%s: whiteout `%.200s`", x->t->name, e->path);
  if (x->o->overlay && mknodat (pfd, victim, S_IFCHR | 0, makedev (0, 0)) < 0)
    return brig_error (x->err, errno, "%s: whiteout `%.200s` for overlayfs", x->t->name, e->path);
  return 0;
}

static int
unpack_entry (struct ctx *x, const struct brig_tar_entry *e)
{
  _cleanup_free_ char *path = NULL, *parent = NULL;
  _cleanup_close_ int pfd = -1;
  const char *base;
  struct stat old;
  bool exists;
  int r;

  if ((r = clean_path (x, e->path, "entry", &path)) < 0)
    return r;
  if (path[0] == '\0')
    return 0; /* the root itself: its owner and mode are brig's */
  base = strrchr (path, '/') ? strrchr (path, '/') + 1 : path;
  parent = xstrndup (path, base > path ? (size_t)(base - path - 1) : 0);
  if ((pfd = open_parent (x, parent, e->path)) < 0)
    return pfd;
  if (str_has_prefix (base, WH))
    return whiteout (x, pfd, parent, base, e);
  if (e->type == BRIG_TAR_CHAR || e->type == BRIG_TAR_BLOCK)
    {
      x->st->devices_dropped++;
      return 0;
    }
  exists = fstatat (pfd, base, &old, AT_SYMLINK_NOFOLLOW) == 0;
  if (exists && !(e->type == BRIG_TAR_DIR && S_ISDIR (old.st_mode))
      && (r = brig_remove_tree_at (pfd, base, NULL)) < 0)
    return brig_error (x->err, -r, "%s: replace `%.200s`", x->t->name, e->path);
  set_add (&x->created, path);
  switch (e->type)
    {
    case BRIG_TAR_FILE:
      return write_file (x, pfd, base, e);
    case BRIG_TAR_DIR:
      {
        _cleanup_close_ int fd = -1;
        if (!(exists && S_ISDIR (old.st_mode)) && mkdirat (pfd, base, 0700) < 0)
          return brig_error (x->err, errno, "%s: mkdir `%.200s`", x->t->name, e->path);
        fd = openat (pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
          return brig_error (x->err, errno, "%s: open `%.200s`", x->t->name, e->path);
        return finish (x, pfd, base, fd, e);
      }
    case BRIG_TAR_SYMLINK:
      if (symlinkat (e->linkname, pfd, base) < 0)
        return brig_error (x->err, errno, "%s: symlink `%.200s`", x->t->name, e->path);
      return finish (x, pfd, base, -1, e);
    case BRIG_TAR_HARDLINK:
      return make_hardlink (x, pfd, base, e);
    case BRIG_TAR_FIFO:
      {
        _cleanup_close_ int fd = -1;
        if (mknodat (pfd, base, S_IFIFO | 0600, 0) < 0)
          return brig_error (x->err, errno, "%s: fifo `%.200s`", x->t->name, e->path);
        fd = openat (pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
          return brig_error (x->err, errno, "%s: open `%.200s`", x->t->name, e->path);
        {
          char proc[64];
          uid_t uid;
          gid_t gid;
          snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
          if ((r = map_owner (x, e, &uid, &gid)) < 0)
            return r;
          if ((x->o->chown && fchownat (fd, "", uid, gid, AT_EMPTY_PATH) < 0)
              || chmod (proc, safe_mode (x, e)) < 0)
            return brig_error (x->err, errno, "%s: fifo `%.200s`", x->t->name, e->path);
        }
        return 0;
      }
    case BRIG_TAR_CHAR:
    case BRIG_TAR_BLOCK:
    default:
      return 0;
    }
}

int
brig_unpack_layer (int root, struct brig_tar *t, const struct brig_unpack_opts *o,
                   struct brig_unpack_stats *st, struct brig_err *err)
{
  struct ctx x = { .root = root, .t = t, .o = o, .st = st, .err = err };
  struct brig_tar_entry e;
  int r;

  memset (st, 0, sizeof *st);
  while ((r = brig_tar_next (t, &e, err)) == 1)
    {
      if (++st->entries > o->max_entries)
        r = brig_error (err, 0, "%s: more than %" PRIu64 " entries: refused", t->name,
                        o->max_entries);
      else
        r = unpack_entry (&x, &e);
      brig_tar_entry_release (&e);
      if (r < 0)
        break;
    }
  set_free (&x.created);
  return r < 0 ? r : 0;
}

int
brig_unpack_mkdirs (int root, const char *path, const char *what, uint32_t uid, uint32_t gid,
                    struct brig_err *err)
{
  struct brig_tar t = { .name = what };
  struct brig_unpack_opts o = { .chown = true, .uid_base = uid, .gid_base = gid };
  struct brig_unpack_stats st = { 0 };
  struct ctx x = { .root = root, .t = &t, .o = &o, .st = &st, .err = err };
  _cleanup_free_ char *clean = NULL;
  int r, fd;

  if ((r = clean_path (&x, path, "path", &clean)) == 0 && clean[0])
    {
      if ((fd = open_parent (&x, clean, path)) < 0)
        r = fd;
      else
        close (fd);
    }
  set_free (&x.created);
  return r;
}
