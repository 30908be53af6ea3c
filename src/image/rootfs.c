/* Root filesystems from layers (rootfs.h). */
#include "image/rootfs.h"
#include "image/digest.h"
#include "image/load.h"
#include "image/stream.h"
#include "image/unpack.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LAYER (UINT64_C (16) << 30)
#define MAX_ENTRIES UINT64_C (1000000)

/* An empty file at PATH (absolute) in the layer ROOT, owned by UID:GID,
 * its directories made as brig_unpack_mkdirs makes them; one already
 * there is left as it is. */
static int
make_mount_file (int root, const char *path, uint32_t uid, uint32_t gid, struct brig_err *err)
{
  _cleanup_free_ char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  _cleanup_close_ int dfd = -1, fd = -1;
  int r;

  if (slash == NULL || slash[1] == '\0')
    return brig_error (err, EINVAL, "mount point `%s`: not a file's path", path);
  *slash = '\0';
  if (dir[0] && (r = brig_unpack_mkdirs (root, dir, "mount point", uid, gid, err)) < 0)
    return r;
  dfd = brig_openat2 (root, dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS);
  if (dfd < 0)
    return brig_error (err, errno, "mount point `%s`", path);
  /* An O_PATH directory serves as openat's directory. */
  fd = openat (dfd, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST)
    return 0;
  if (fd < 0 || fchown (fd, uid, gid) < 0)
    return brig_error (err, errno, "mount point `%s`", path);
  return 0;
}

/* What a layer's unpacked copy depends on besides its content: the id
 * mapping, and whether setuid bits were kept (a copy made for a policy
 * that keeps them must never serve one that does not). */
static char *
mapping_key (const struct brig_rootfs_opts *o)
{
  const char *setid = o->keep_setid ? "-setid" : "";

  if (o->squash)
    return xasprintf ("squash%u%s", (unsigned)o->uid_base, setid);
  return xasprintf ("%u-%u-%u%s", (unsigned)o->uid_base, (unsigned)o->gid_base,
                    (unsigned)o->id_count, setid);
}

static void
unpack_opts (const struct brig_rootfs_opts *o, bool overlay, struct brig_unpack_opts *u)
{
  *u = (struct brig_unpack_opts){ .overlay = overlay,
                                  .keep_setid = o->keep_setid,
                                  .squash = o->squash,
                                  .chown = !o->squash,
                                  .uid_base = o->uid_base,
                                  .gid_base = o->gid_base,
                                  .id_count = o->id_count,
                                  .max_bytes = MAX_LAYER,
                                  .max_entries = MAX_ENTRIES };
}

/* Unpack layer I of IMG into the directory DIR (an fd), checking its
 * digest and diff_id on the way. */
static int
unpack_into (struct brig_store *s, const struct brig_stored_image *img, size_t i, int dir,
             const struct brig_unpack_opts *u, struct brig_rootfs *ret, struct brig_err *err)
{
  const char *layer = img->manifest.layers[i].digest, *diff_id = img->config.diff_ids[i];
  _cleanup_free_ char *label = xasprintf ("layer %s", layer);
  _cleanup_close_ int fd = -1;
  struct brig_stream *st = NULL;
  struct brig_unpack_stats stats;
  struct brig_tar t;
  char out[BRIG_DIGEST_LEN];
  uint64_t size;
  int r;

  if ((r = brig_store_open_blob (s, layer, &fd, &size, err)) < 0
      || (r = brig_stream_open (fd, 0, size, true, u->max_bytes, label, &st, err)) < 0)
    return r;
  brig_tar_init (&t, brig_stream_read, st, label);
  if ((r = brig_unpack_layer (dir, &t, u, &stats, err)) == 0
      && (r = brig_stream_finish (st, layer, out, err)) == 0 && strcmp (out, diff_id) != 0)
    r = brig_error (err, 0, "%s: its uncompressed content has digest %s, not %s", label, out,
                    diff_id);
  brig_stream_free (st);
  ret->devices_dropped += stats.devices_dropped;
  ret->setid_cleared += stats.setid_cleared;
  return r;
}

/* A new directory under ROOT/tmp, owned by the mapped root, mode 0755. */
static int
tmp_dir (struct brig_store *s, const struct brig_rootfs_opts *o, char **ret_name, int *ret_fd,
         struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/tmp/root.XXXXXX", s->root);
  int fd;

  if (mkdtemp (path) == NULL)
    return brig_error (err, errno, "create a directory in `%s/tmp`", s->root);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || fchmod (fd, 0755) < 0 || (!o->squash && fchown (fd, o->uid_base, o->gid_base) < 0))
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      rmdir (path);
      return brig_error (err, e, "prepare `%s`", path);
    }
  *ret_name = xasprintf ("tmp/%s", strrchr (path, '/') + 1);
  *ret_fd = fd;
  return 0;
}

/* Build a directory with FILL and rename it to DEST (under the store);
 * another brig that finished first wins, and its copy is used. */
static int
build_dir (struct brig_store *s, const struct brig_stored_image *img,
           const struct brig_rootfs_opts *o, const char *dest, size_t first, size_t last,
           bool overlay, struct brig_rootfs *ret, struct brig_err *err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = -1;
  struct brig_unpack_opts u;
  int r = 0;

  if (faccessat (s->dir, dest, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  if ((r = tmp_dir (s, o, &tmp, &fd, err)) < 0)
    return r;
  unpack_opts (o, overlay, &u);
  for (size_t i = first; i < last && r == 0; i++)
    r = unpack_into (s, img, i, fd, &u, ret, err);
  if (r == 0 && renameat (s->dir, tmp, s->dir, dest) < 0 && errno != EEXIST && errno != ENOTEMPTY)
    r = brig_error (err, errno, "`%s/%s`", s->root, dest);
  brig_remove_tree_at (s->dir, tmp, NULL);
  return r;
}

/* The lowest layer of a container's overlay: the directories and files it
 * mounts on or starts in, which a read-only overlay cannot have made
 * later, in containers/ID/base-<hash of them>-<mapping>.  A directory kept
 * from the last container (ROOT/spare) brings its base along: the same
 * mount points and mapping (the common case: the same command again) use
 * it as it is, as a dozen directories made anew can cost more than the
 * rest of a start on the store's file system; another base it brought is
 * removed.  *RET_LOWER: the lowerdir entry, relative to ROOT/layers. */
static int
base_layer (struct brig_store *s, const struct brig_rootfs_opts *o, char **ret_lower,
            struct brig_err *err)
{
  _cleanup_free_ char *key = mapping_key (o), *dir = xasprintf ("containers/%s", o->id);
  _cleanup_free_ char *name = NULL, *rel = NULL, *tmp = NULL;
  _cleanup_close_ int fd = -1, dfd = -1;
  struct brig_sha256 h;
  char sum[BRIG_DIGEST_LEN];
  DIR *d;
  int r = 0;

  /* Each path with its NUL, and an empty one between the two lists. */
  brig_sha256_init (&h);
  for (size_t i = 0; o->mount_points && o->mount_points[i]; i++)
    brig_sha256_update (&h, o->mount_points[i], strlen (o->mount_points[i]) + 1);
  brig_sha256_update (&h, "", 1);
  for (size_t i = 0; o->mount_files && o->mount_files[i]; i++)
    brig_sha256_update (&h, o->mount_files[i], strlen (o->mount_files[i]) + 1);
  brig_sha256_digest (&h, sum);
  name = xasprintf ("base-%.16s-%s", sum + 7, key);
  rel = xasprintf ("%s/%s", dir, name);
  *ret_lower = xasprintf ("../%s", rel);
  dfd = openat (s->dir, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return brig_error (err, errno, "`%s/%s`", s->root, dir);
  if ((d = fdopendir (fcntl (dfd, F_DUPFD_CLOEXEC, 3))) != NULL)
    {
      /* What a spare directory brought for other mount points, or a base
       * a failed start left half made. */
      for (struct dirent *e; (e = readdir (d));)
        if (strncmp (e->d_name, "base", 4) == 0 && strcmp (e->d_name, name) != 0)
          brig_remove_tree_at (dfd, e->d_name, NULL);
      closedir (d);
    }
  if (faccessat (dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  tmp = xasprintf ("base.%s", name);
  if (mkdirat (dfd, tmp, 0755) < 0
      || (fd = openat (dfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0
      || fchown (fd, o->uid_base, o->gid_base) < 0)
    return brig_error (err, errno, "`%s/%s/%s`", s->root, dir, tmp);
  for (size_t i = 0; r == 0 && o->mount_points && o->mount_points[i]; i++)
    r = brig_unpack_mkdirs (fd, o->mount_points[i], "mount point", o->uid_base, o->gid_base, err);
  for (size_t i = 0; r == 0 && o->mount_files && o->mount_files[i]; i++)
    r = make_mount_file (fd, o->mount_files[i], o->uid_base, o->gid_base, err);
  /* Complete, or not there: a spare never brings a half-made base. */
  if (r == 0 && renameat (dfd, tmp, dfd, name) < 0)
    r = brig_error (err, errno, "`%s/%s`", s->root, rel);
  if (r < 0)
    brig_remove_tree_at (dfd, tmp, NULL);
  return r;
}

static int
mount_overlay (struct brig_store *s, const struct brig_stored_image *img,
               const struct brig_rootfs_opts *o, struct brig_rootfs *ret, struct brig_err *err)
{
  _cleanup_free_ char *key = mapping_key (o), *lower = NULL, *opts = NULL, *mnt = NULL;
  _cleanup_close_ int layers = -1;
  size_t n = img->manifest.nlayers;
  int r;

  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *dest = xasprintf ("layers/%s-%s", img->config.diff_ids[i] + 7, key);
      if ((r = build_dir (s, img, o, dest, i, i + 1, true, ret, err)) < 0)
        return r;
    }
  /* Top layer first; relative to ROOT/layers so that many layers fit in
   * the page the options are given in.  The container's base layer below
   * (its mount points): a read-only overlay needs two. */
  for (size_t i = n; i-- > 0;)
    {
      _cleanup_free_ char *d = xasprintf ("%s-%s", img->config.diff_ids[i] + 7, key);
      str_append (&lower, ":", d);
    }
  {
    _cleanup_free_ char *base = NULL;
    if ((r = base_layer (s, o, &base, err)) < 0)
      return r;
    str_append (&lower, ":", base);
  }
  mnt = xasprintf ("%s/root", ret->dir);
  if (mkdir (mnt, 0755) < 0 && errno != EEXIST) /* a spare directory has it */
    return brig_error (err, errno, "`%s`", mnt);
  if (o->writable)
    {
      _cleanup_free_ char *upper = xasprintf ("%s/upper", ret->dir);
      _cleanup_free_ char *work = xasprintf ("%s/work", ret->dir);
      if (mkdir (upper, 0755) < 0 || chown (upper, o->uid_base, o->gid_base) < 0
          || mkdir (work, 0700) < 0)
        return brig_error (err, errno, "`%s`", upper);
      opts = xasprintf ("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
    }
  else
    opts = xasprintf ("lowerdir=%s", lower);
  if (strlen (opts) >= 4000)
    {
      /* Too many layers for one overlay's options: the flat root. */
      rmdir (mnt);
      return 1;
    }
  {
    _cleanup_free_ char *ldir = xasprintf ("%s/layers", s->root);
    layers = open (ldir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (layers < 0)
      return brig_error (err, errno, "`%s`", ldir);
    /* nosuid, unless the policy keeps the image's setuid bits. */
    r = o->mount_overlay (layers, opts, mnt, o->writable, o->keep_setid, err);
  }
  if (r < 0)
    {
      rmdir (mnt);
      brig_err_wrap (err, "image %s", img->digest);
      /* Overlayfs there but refused here (a store on a file system it
       * cannot stack on, a mount namespace that forbids it): flat. */
      return r == -EPERM || r == -EINVAL || r == -ENODEV || r == -EOPNOTSUPP ? 1 : r;
    }
  ret->mount = xstrdup (mnt);
  ret->path = steal_pointer (&mnt);
  ret->overlay = true;
  return 0;
}

static int
flat (struct brig_store *s, const struct brig_stored_image *img, const struct brig_rootfs_opts *o,
      struct brig_rootfs *ret, struct brig_err *err)
{
  _cleanup_free_ char *key = mapping_key (o), *dest = NULL;
  int r;

  dest = o->writable ? xasprintf ("containers/%s/root", o->id)
                     : xasprintf ("flat/%s-%s", img->digest + 7, key);
  if ((r = build_dir (s, img, o, dest, 0, img->manifest.nlayers, false, ret, err)) < 0)
    return r;
  ret->path = xasprintf ("%s/%s", s->root, dest);
  return 0;
}

/* The directory of the read-only container that ended last, kept for the
 * next (ROOT/spare, BRIG_STORE_SPARE: its hold file and empty root mount
 * point), as making a directory and a file can cost a millisecond each on
 * the store's file system (ext4 here), and a rename a hundredth of that.
 * Outside containers/, whose every entry is a container to brig gc (which
 * removes the spare too). */
#define SPARE BRIG_STORE_SPARE

/* Write DIGEST as the whole of the hold file FD (it held one of the same
 * length, or nothing). */
static int
write_hold (int fd, const char *digest)
{
  size_t len = strlen (digest);
  struct stat st;

  if (pwrite (fd, digest, len, 0) != (ssize_t)len)
    return -1;
  if (fstat (fd, &st) < 0 || ((uint64_t)st.st_size > len && ftruncate (fd, (off_t)len) < 0))
    return -1;
  return 0;
}

int
brig_rootfs_prepare (struct brig_store *s, const struct brig_stored_image *img,
                     const struct brig_rootfs_opts *o, struct brig_rootfs *ret,
                     struct brig_err *err)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s", o->id), *hold = NULL;
  bool spare;
  int r;

  *ret = (struct brig_rootfs){ .hold = -1, .store_dir = -1 };
  /* The last container's directory, or a new one.  The store's reader's
   * lock is held: brig gc, a writer, cannot look at it in between. */
  spare = renameat (s->dir, SPARE, s->dir, rel) == 0;
  if (!spare && mkdirat (s->dir, rel, 0711) < 0)
    return brig_error (err, errno, "`%s/%s`", s->root, rel);
  ret->dir = xasprintf ("%s/%s", s->root, rel);
  ret->store_dir = fcntl (s->dir, F_DUPFD_CLOEXEC, 3);
  hold = xasprintf ("%s/hold", rel);
  ret->hold = openat (s->dir, hold,
                      O_RDWR | O_CLOEXEC | O_NOFOLLOW | (spare ? 0 : O_CREAT | O_EXCL), 0600);
  if (spare && (ret->hold < 0 || flock (ret->hold, LOCK_EX | LOCK_NB) < 0))
    {
      /* The last container's processes (its cleaner, on its way out) may
       * still hold its hold: a new one, rather than wait for them. */
      if (ret->hold >= 0)
        close (ret->hold);
      unlinkat (s->dir, hold, 0);
      ret->hold = openat (s->dir, hold, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    }
  if (ret->hold < 0 || flock (ret->hold, LOCK_EX) < 0 || write_hold (ret->hold, img->digest) < 0)
    {
      r = brig_error (err, errno, "`%s/%s`", s->root, hold);
      goto fail;
    }
  /* Read-only: nothing but the hold and the root's mount point will be in
   * it, and it can serve the next container. */
  ret->reusable = !o->writable;
  ret->detach = o->detach;
  r = o->mount_overlay && !o->squash ? mount_overlay (s, img, o, ret, err) : 1;
  if (r > 0)
    {
      brig_err_release (err);
      r = flat (s, img, o, ret, err);
    }
  if (r == 0)
    return 0;
fail:
  brig_rootfs_release (ret);
  return r;
}

void
brig_rootfs_detach (struct brig_rootfs *r)
{
  if (r->mount)
    {
      /* The mount point stays (empty): it goes with the directory, or
       * serves the next container. */
      r->detach (r->mount);
      free (r->mount);
      r->mount = NULL;
    }
}

void
brig_rootfs_release (struct brig_rootfs *r)
{
  brig_rootfs_detach (r);
  if (r->dir && r->store_dir >= 0)
    {
      const char *rel = strstr (r->dir, "/containers/");
      /* Kept for the next container while the hold is still locked (brig
       * gc skips a held directory), unless another one was kept first. */
      if (rel
          && !(r->reusable && r->hold >= 0
               && renameat (r->store_dir, rel + 1, r->store_dir, SPARE) == 0))
        brig_remove_tree_at (r->store_dir, rel + 1, NULL);
    }
  if (r->hold >= 0)
    close (r->hold);
  if (r->store_dir >= 0)
    close (r->store_dir);
  free (r->path);
  free (r->dir);
  *r = (struct brig_rootfs){ .hold = -1, .store_dir = -1 };
}

int
brig_rootfs_image_dir (const struct brig_rootfs *r, const char *path)
{
  _cleanup_close_ int root = open (r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int fd = -1;

  if (root < 0)
    return 0;
  fd = brig_openat2 (root, path, O_PATH | O_DIRECTORY | O_CLOEXEC,
                     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS);
  return fd >= 0 ? 1 : errno == ELOOP ? -1 : 0;
}

int
brig_rootfs_add_volume (struct brig_rootfs *r, size_t n, uint32_t uid, uint32_t gid,
                        char **ret_source, struct brig_err *err)
{
  _cleanup_free_ char *top = xasprintf ("%s/volumes", r->dir);
  _cleanup_free_ char *dir = xasprintf ("%s/%zu", top, n);

  r->reusable = false;
  if ((mkdir (top, 0711) < 0 && errno != EEXIST) || mkdir (dir, 0755) < 0
      || lchown (dir, uid, gid) < 0)
    return brig_error (err, errno, "`%s`", dir);
  *ret_source = steal_pointer (&dir);
  return 0;
}
