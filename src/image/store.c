/* The content-addressed image store (store.h). */
#include "image/store.h"
#include "image/stream.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DOC (4u << 20) /* a manifest, config or refs.json */

static const char *const store_dirs[]
    = { "blobs", "blobs/sha256", "layers", "flat", "containers", "tmp" };

int
brig_store_open (const char *root, bool exclusive, struct brig_store *ret, struct brig_err *err)
{
  _cleanup_close_ int dir = -1, lock = -1;
  int r;

  *ret = (struct brig_store){ NULL, -1, -1 };
  if ((r = brig_mkdir_p (root, 0700, err)) < 0)
    return brig_err_wrap (err, "image store");
  dir = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return brig_error (err, errno, "image store `%s`", root);
  for (size_t i = 0; i < ARRAY_SIZE (store_dirs); i++)
    if (mkdirat (dir, store_dirs[i], 0700) < 0 && errno != EEXIST)
      return brig_error (err, errno, "image store `%s/%s`", root, store_dirs[i]);
  lock = openat (dir, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0)
    return brig_error (err, errno, "image store `%s/lock`", root);
  while ((r = flock (lock, exclusive ? LOCK_EX : LOCK_SH)) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return brig_error (err, errno, "lock the image store `%s`", root);
  ret->root = xstrdup (root);
  ret->dir = steal_fd (&dir);
  ret->lock = steal_fd (&lock);
  return 0;
}

void
brig_store_close (struct brig_store *s)
{
  if (s->dir >= 0)
    close (s->dir);
  if (s->lock >= 0)
    close (s->lock);
  free (s->root);
  *s = (struct brig_store){ NULL, -1, -1 };
}

static char *
blob_path (const char *digest)
{
  return xasprintf ("blobs/sha256/%s", digest + 7);
}

/* A new temporary file in ROOT/tmp: its fd and name there. */
static int
tmp_file (struct brig_store *s, char **ret_name, struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/tmp/blob.XXXXXX", s->root);
  int fd = mkostemp (path, O_CLOEXEC);

  if (fd < 0)
    return brig_error (err, errno, "create a file in `%s/tmp`", s->root);
  *ret_name = xstrdup (strrchr (path, '/') + 1);
  return fd;
}

static void
unlink_tmp (struct brig_store *s, const char *tmp)
{
  _cleanup_free_ char *p = xasprintf ("tmp/%s", tmp);
  unlinkat (s->dir, p, 0);
}

static int
sync_dir (struct brig_store *s, const char *sub)
{
  _cleanup_close_ int d = openat (s->dir, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return d < 0 || fsync (d) < 0 ? -errno : 0;
}

/* Move the synced temporary NAME to blobs/ as DIGEST. */
static int
commit_blob (struct brig_store *s, const char *tmp, const char *digest, bool *ret_new,
             struct brig_err *err)
{
  _cleanup_free_ char *src = xasprintf ("tmp/%s", tmp), *dst = blob_path (digest);

  /* Renamed over a blob that is there already: the new copy was just
   * verified, the old one may have been damaged since. */
  *ret_new = faccessat (s->dir, dst, F_OK, AT_SYMLINK_NOFOLLOW) < 0;
  if (renameat (s->dir, src, s->dir, dst) < 0)
    {
      int e = errno;
      unlinkat (s->dir, src, 0);
      return brig_error (err, e, "store blob %s", digest);
    }
  sync_dir (s, "blobs/sha256");
  return 0;
}

int
brig_store_put_fd (struct brig_store *s, int fd, uint64_t off, uint64_t len, const char *want,
                   const char *name, char ret_digest[BRIG_DIGEST_LEN], bool *ret_new,
                   struct brig_err *err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int out = -1;
  struct brig_stream *st = NULL;
  char buf[65536];
  size_t got;
  int r;

  if ((out = tmp_file (s, &tmp, err)) < 0)
    return out;
  if ((r = brig_stream_open (fd, off, len, false, UINT64_MAX, name, &st, err)) < 0)
    goto fail;
  while ((r = brig_stream_read (st, buf, sizeof buf, &got, err)) == 0 && got > 0)
    if ((r = brig_write_all (out, buf, got)) < 0)
      {
        r = brig_error (err, -r, "write `%s/tmp/%s`", s->root, tmp);
        goto fail;
      }
  if (r < 0 || (r = brig_stream_finish (st, want, ret_digest, err)) < 0)
    goto fail;
  /* Uncompressed, so the output digest is the input's. */
  if (fsync (out) < 0 || fchmod (out, 0600) < 0)
    {
      r = brig_error (err, errno, "sync `%s/tmp/%s`", s->root, tmp);
      goto fail;
    }
  brig_stream_free (st);
  return commit_blob (s, tmp, ret_digest, ret_new, err);
fail:
  brig_stream_free (st);
  unlink_tmp (s, tmp);
  return r;
}

int
brig_blob_writer_open (struct brig_store *s, struct brig_blob_writer *w, struct brig_err *err)
{
  int fd;

  *w = (struct brig_blob_writer){ .s = s, .fd = -1 };
  if ((fd = tmp_file (s, &w->tmp, err)) < 0)
    return fd;
  w->fd = fd;
  brig_sha256_init (&w->hash);
  return 0;
}

int
brig_blob_writer_write (struct brig_blob_writer *w, const void *data, size_t len,
                        struct brig_err *err)
{
  int r = brig_write_all (w->fd, data, len);

  if (r < 0)
    return brig_error (err, -r, "write `%s/tmp/%s`", w->s->root, w->tmp);
  brig_sha256_update (&w->hash, data, len);
  w->size += len;
  return 0;
}

int
brig_blob_writer_commit (struct brig_blob_writer *w, const char *want, const char *name,
                         char ret_digest[BRIG_DIGEST_LEN], bool *ret_new, struct brig_err *err)
{
  int r;

  brig_sha256_digest (&w->hash, ret_digest);
  if (want && strcmp (want, ret_digest) != 0)
    r = brig_error (err, 0, "%s has digest %s, not %s: refused", name, ret_digest, want);
  else if (fsync (w->fd) < 0 || fchmod (w->fd, 0600) < 0)
    r = brig_error (err, errno, "sync `%s/tmp/%s`", w->s->root, w->tmp);
  else
    {
      close (w->fd);
      w->fd = -1;
      r = commit_blob (w->s, w->tmp, ret_digest, ret_new, err);
      free (w->tmp);
      w->tmp = NULL;
      return r;
    }
  brig_blob_writer_abort (w);
  return r;
}

void
brig_blob_writer_abort (struct brig_blob_writer *w)
{
  if (w->fd >= 0)
    close (w->fd);
  if (w->tmp)
    unlink_tmp (w->s, w->tmp);
  free (w->tmp);
  w->tmp = NULL;
  w->fd = -1;
}

int
brig_store_put_buf (struct brig_store *s, const char *data, size_t len,
                    char ret_digest[BRIG_DIGEST_LEN], bool *ret_new, struct brig_err *err)
{
  struct brig_blob_writer w;
  int r;

  if ((r = brig_blob_writer_open (s, &w, err)) < 0)
    return r;
  if ((r = brig_blob_writer_write (&w, data, len, err)) < 0)
    {
      brig_blob_writer_abort (&w);
      return r;
    }
  return brig_blob_writer_commit (&w, NULL, "blob", ret_digest, ret_new, err);
}

bool
brig_store_has (struct brig_store *s, const char *digest)
{
  _cleanup_free_ char *p = NULL;

  if (!brig_digest_valid (digest))
    return false;
  p = blob_path (digest);
  return faccessat (s->dir, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
brig_store_open_blob (struct brig_store *s, const char *digest, int *ret_fd, uint64_t *ret_size,
                      struct brig_err *err)
{
  _cleanup_free_ char *p = NULL;
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (!brig_digest_valid (digest))
    return brig_error (err, 0, "`%.80s` is not a sha256 digest", digest);
  p = blob_path (digest);
  fd = openat (s->dir, p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return brig_error (err, errno, "blob %s (image store `%s`)", digest, s->root);
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return brig_error (err, errno ? errno : EINVAL, "blob %s is not a regular file", digest);
  *ret_fd = steal_fd (&fd);
  *ret_size = (uint64_t)st.st_size;
  return 0;
}

int
brig_store_read_blob (struct brig_store *s, const char *digest, size_t max, char **ret_buf,
                      size_t *ret_len, struct brig_err *err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *buf = NULL;
  char have[BRIG_DIGEST_LEN];
  uint64_t size;
  size_t len;
  int r;

  if ((r = brig_store_open_blob (s, digest, &fd, &size, err)) < 0)
    return r;
  if ((r = brig_read_fd (fd, digest, max, &buf, &len, err)) < 0)
    return r;
  brig_sha256_of (buf, len, have);
  if (strcmp (have, digest) != 0)
    return brig_error (err, 0,
                       "blob %s in the image store has digest %s: it is corrupted (remove the "
                       "image and load it again)",
                       digest, have);
  *ret_buf = steal_pointer (&buf);
  *ret_len = len;
  return 0;
}

int
brig_store_remove_blob (struct brig_store *s, const char *digest)
{
  _cleanup_free_ char *p = NULL;

  if (!brig_digest_valid (digest))
    return -EINVAL;
  p = blob_path (digest);
  return unlinkat (s->dir, p, 0) < 0 ? -errno : 0;
}

static void
tags_free (struct brig_tag *t, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (t[i].name);
      free (t[i].digest);
    }
  free (t);
}

void
brig_refs_release (struct brig_refs *r)
{
  strv_free (r->images);
  tags_free (r->tags, r->ntags);
  tags_free (r->digests, r->ndigests);
  memset (r, 0, sizeof *r);
}

/* NAME -> digest pairs of refs.json's object KEY into *V. */
static void
read_pairs (json_t *j, const char *key, struct brig_tag **v, size_t *n)
{
  const char *name;
  json_t *x;

  json_object_foreach (json_object_get (j, key), name, x)
  {
    if (!brig_digest_valid (json_string_value (x)))
      continue;
    *v = xreallocarray (*v, *n + 1, sizeof **v);
    (*v)[(*n)++] = (struct brig_tag){ xstrdup (name), xstrdup (json_string_value (x)) };
  }
}

static json_t *
pairs_json (const struct brig_tag *v, size_t n)
{
  json_t *o = json_object ();
  for (size_t i = 0; i < n; i++)
    json_object_set_new (o, v[i].name, json_string (v[i].digest));
  return o;
}

int
brig_refs_parse (const char *buf, size_t len, const char *path, struct brig_refs *ret,
                 struct brig_err *err)
{
  json_error_t je;
  json_t *j, *x;
  size_t i;

  memset (ret, 0, sizeof *ret);
  ret->images = xcalloc (1, sizeof (char *));
  j = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &je);
  if (!json_is_object (j))
    {
      json_decref (j);
      brig_refs_release (ret);
      return brig_error (err, 0, "`%s`: not the store's index (%s)", path, je.text);
    }
  json_array_foreach (json_object_get (j, "images"), i, x)
  {
    if (brig_digest_valid (json_string_value (x)))
      strv_push (&ret->images, xstrdup (json_string_value (x)));
  }
  read_pairs (j, "tags", &ret->tags, &ret->ntags);
  read_pairs (j, "digests", &ret->digests, &ret->ndigests);
  json_decref (j);
  return 0;
}

int
brig_store_read_refs (struct brig_store *s, struct brig_refs *ret, struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  _cleanup_free_ char *path = xasprintf ("%s/refs.json", s->root);
  size_t len;
  int r;

  r = brig_read_file_at (s->dir, "refs.json", MAX_DOC, &buf, &len, err);
  if (r == -ENOENT)
    {
      brig_err_release (err);
      memset (ret, 0, sizeof *ret);
      ret->images = xcalloc (1, sizeof (char *));
      return 0;
    }
  if (r < 0)
    {
      memset (ret, 0, sizeof *ret);
      return r;
    }
  return brig_refs_parse (buf, len, path, ret, err);
}

int
brig_store_write_refs (struct brig_store *s, const struct brig_refs *refs, struct brig_err *err)
{
  json_t *j = json_object (), *imgs = json_array ();
  _cleanup_free_ char *text = NULL, *tmp = NULL, *src = NULL;
  _cleanup_close_ int fd = -1;
  int r;

  for (size_t i = 0; refs->images && refs->images[i]; i++)
    json_array_append_new (imgs, json_string (refs->images[i]));
  json_object_set_new (j, "images", imgs);
  json_object_set_new (j, "tags", pairs_json (refs->tags, refs->ntags));
  if (refs->ndigests)
    json_object_set_new (j, "digests", pairs_json (refs->digests, refs->ndigests));
  text = json_dumps (j, JSON_INDENT (2) | JSON_SORT_KEYS);
  json_decref (j);
  if (text == NULL)
    abort ();
  if ((fd = tmp_file (s, &tmp, err)) < 0)
    return fd;
  src = xasprintf ("tmp/%s", tmp);
  if ((r = brig_write_all (fd, text, strlen (text))) < 0 || fsync (fd) < 0
      || renameat (s->dir, src, s->dir, "refs.json") < 0)
    {
      r = errno;
      unlinkat (s->dir, src, 0);
      return brig_error (err, r, "write `%s/refs.json`", s->root);
    }
  sync_dir (s, ".");
  return 0;
}

static bool
holds (const struct brig_refs *r, const char *digest)
{
  return strv_contains (r->images, digest);
}

void
brig_refs_tag (struct brig_refs *r, const char *name, const char *digest)
{
  if (!holds (r, digest))
    strv_push (&r->images, xstrdup (digest));
  for (size_t i = 0; i < r->ntags; i++)
    if (strcmp (r->tags[i].name, name) == 0)
      {
        free (r->tags[i].digest);
        r->tags[i].digest = xstrdup (digest);
        return;
      }
  r->tags = xreallocarray (r->tags, r->ntags + 1, sizeof *r->tags);
  r->tags[r->ntags++] = (struct brig_tag){ xstrdup (name), xstrdup (digest) };
}

bool
brig_refs_untag (struct brig_refs *r, const char *name)
{
  for (size_t i = 0; i < r->ntags; i++)
    if (strcmp (r->tags[i].name, name) == 0)
      {
        free (r->tags[i].name);
        free (r->tags[i].digest);
        r->tags[i] = r->tags[--r->ntags];
        return true;
      }
  return false;
}

void
brig_refs_add_digest (struct brig_refs *r, const char *repo, const char *index, const char *digest)
{
  _cleanup_free_ char *name = xasprintf ("%s@%s", repo, index);

  for (size_t i = 0; i < r->ndigests; i++)
    if (strcmp (r->digests[i].name, name) == 0)
      {
        free (r->digests[i].digest);
        r->digests[i].digest = xstrdup (digest);
        return;
      }
  r->digests = xreallocarray (r->digests, r->ndigests + 1, sizeof *r->digests);
  r->digests[r->ndigests++] = (struct brig_tag){ steal_pointer (&name), xstrdup (digest) };
}

void
brig_refs_drop_image (struct brig_refs *r, const char *digest_)
{
  /* DIGEST_ may be one of R's own strings, freed on the way. */
  _cleanup_free_ char *digest = xstrdup (digest_);
  size_t n = 0;

  for (size_t i = 0; i < r->ntags;)
    if (strcmp (r->tags[i].digest, digest) == 0)
      brig_refs_untag (r, r->tags[i].name);
    else
      i++;
  for (size_t i = 0; i < r->ndigests;)
    if (strcmp (r->digests[i].digest, digest) == 0)
      {
        free (r->digests[i].name);
        free (r->digests[i].digest);
        r->digests[i] = r->digests[--r->ndigests];
      }
    else
      i++;
  for (size_t i = 0; r->images && r->images[i]; i++)
    if (strcmp (r->images[i], digest) == 0)
      free (r->images[i]);
    else
      r->images[n++] = r->images[i];
  if (r->images)
    r->images[n] = NULL;
}

int
brig_store_load_image (struct brig_store *s, const char *digest, struct brig_stored_image *ret,
                       struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  int r;

  memset (ret, 0, sizeof *ret);
  snprintf (ret->digest, sizeof ret->digest, "%s", digest);
  if ((r = brig_store_read_blob (s, digest, MAX_DOC, &buf, &len, err)) < 0
      || (r = brig_parse_manifest (buf, len, digest, &ret->manifest, err)) < 0)
    return brig_err_wrap (err, "image manifest");
  if ((r = brig_store_read_blob (s, ret->manifest.config.digest, MAX_DOC, &ret->config_json, &len,
                                 err))
          < 0
      || (r = brig_parse_image_config (ret->config_json, len, ret->manifest.config.digest,
                                       &ret->config, err))
             < 0)
    {
      brig_stored_image_release (ret);
      return brig_err_wrap (err, "image config");
    }
  if (ret->config.ndiff_ids != ret->manifest.nlayers)
    {
      r = brig_error (err, 0, "image %s: the manifest has %zu layers, its config %zu diff_ids",
                      digest, ret->manifest.nlayers, ret->config.ndiff_ids);
      brig_stored_image_release (ret);
      return r;
    }
  return 0;
}

void
brig_stored_image_release (struct brig_stored_image *img)
{
  brig_manifest_release (&img->manifest);
  brig_image_config_release (&img->config);
  free (img->config_json);
  img->config_json = NULL;
}

static bool
name_char (char c)
{
  return islower ((unsigned char)c) || isdigit ((unsigned char)c) || strchr ("._-/:", c);
}

char *
brig_ref_normalize (const char *ref, struct brig_err *err)
{
  const char *slash, *colon, *name = ref;
  size_t n = strlen (ref);

  if (n == 0 || n > 255 || ref[0] == '/' || ref[0] == '.' || ref[0] == '-' || ref[n - 1] == '/'
      || strstr (ref, "//") || strstr (ref, ".."))
    goto bad;
  /* Upper case in the tag only: after a colon that follows the last
     slash (host:port/Name has its colon before it). */
  {
    const char *ls = strrchr (ref, '/'), *tag = strrchr (ref, ':');
    if (tag && ls && tag < ls)
      tag = NULL;
    for (size_t i = 0; i < n; i++)
      if (!name_char (ref[i]) && !(isupper ((unsigned char)ref[i]) && tag && ref + i > tag))
        goto bad;
  }
  if (str_has_prefix (name, "docker.io/library/"))
    name += 18;
  else if (str_has_prefix (name, "docker.io/"))
    name += 10;
  slash = strrchr (name, '/');
  colon = strrchr (name, ':');
  if (colon && (!slash || colon > slash))
    {
      if (colon[1] == '\0' || colon == name || strlen (colon + 1) > 128)
        goto bad;
      /* host:port/name has its colon before the last slash */
      return xstrdup (name);
    }
  return xasprintf ("%s:latest", name);
bad:
  brig_error (err, 0,
              "`%.100s` is not an image name: expected NAME[:TAG] (lower-case letters, digits, "
              "`.`, `_`, `-` and `/`; the tag also upper-case)",
              ref);
  return NULL;
}

char *
brig_ref_repository (const char *ref, struct brig_err *err)
{
  struct brig_err e = { 0 };
  char *n = brig_ref_normalize (ref, err ? err : &e), *slash, *colon;

  brig_err_release (&e);
  if (n == NULL)
    return NULL;
  slash = strrchr (n, '/');
  colon = strrchr (n, ':');
  if (colon && (!slash || colon > slash))
    *colon = '\0';
  return n;
}

static bool
is_hex (const char *s)
{
  for (; *s; s++)
    if (!isdigit ((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
      return false;
  return true;
}

/* The image whose config digest starts with PREFIX (hex). */
static int
by_image_id (struct brig_store *s, const struct brig_refs *refs, const char *ref,
             const char *prefix, char ret[BRIG_DIGEST_LEN], struct brig_err *err)
{
  int found = 0;

  for (size_t i = 0; refs->images && refs->images[i]; i++)
    {
      struct brig_stored_image img;
      struct brig_err e = { 0 };
      if (brig_store_load_image (s, refs->images[i], &img, &e) < 0)
        {
          brig_err_release (&e);
          continue;
        }
      if (str_has_prefix (img.manifest.config.digest + 7, prefix)
          || str_has_prefix (refs->images[i] + 7, prefix))
        {
          if (found && strcmp (ret, refs->images[i]) != 0)
            {
              brig_stored_image_release (&img);
              return brig_error (err, 0, "`%s` names more than one image: give more digits", ref);
            }
          snprintf (ret, BRIG_DIGEST_LEN, "%s", refs->images[i]);
          found = 1;
        }
      brig_stored_image_release (&img);
    }
  return found ? 0 : -ENOENT;
}

/* The image repository digest REPO@INDEX was recorded for (REPO NULL:
 * any repository) into *RET.  -ENOENT: none; -EEXIST: images that differ
 * (repositories with the same index, pulled for other platforms). */
static int
by_repo_digest (const struct brig_refs *refs, const char *repo, const char *index, const char **ret)
{
  *ret = NULL;
  for (size_t i = 0; i < refs->ndigests; i++)
    {
      const char *name = refs->digests[i].name, *at = strrchr (name, '@');
      if (at == NULL || strcmp (at + 1, index) != 0
          || (repo && ((size_t)(at - name) != strlen (repo) || strncmp (name, repo, at - name))))
        continue;
      if (*ret && strcmp (*ret, refs->digests[i].digest) != 0)
        return -EEXIST;
      *ret = refs->digests[i].digest;
    }
  return *ret ? 0 : -ENOENT;
}

int
brig_store_resolve (struct brig_store *s, const struct brig_refs *refs, const char *ref,
                    char ret_digest[BRIG_DIGEST_LEN], char **ret_name, struct brig_err *err)
{
  _cleanup_free_ char *name = NULL, *copy = xstrdup (ref), *local = NULL;
  char *at = strchr (copy, '@');
  const char *pin = NULL;
  bool tagged;
  int r;

  if (ret_name)
    *ret_name = NULL;
  if (brig_digest_valid (ref) || (strlen (ref) >= 4 && strlen (ref) <= 64 && is_hex (ref)))
    {
      const char *m;
      r = by_image_id (s, refs, ref, brig_digest_valid (ref) ? ref + 7 : ref, ret_digest, err);
      if (r == -ENOENT && brig_digest_valid (ref))
        {
          int k = by_repo_digest (refs, NULL, ref, &m);
          if (k == -EEXIST)
            return brig_error (err, 0,
                               "`%s` is an index pulled into more than one repository, for "
                               "different images: give REPOSITORY@%s",
                               ref, ref);
          if (k == 0 && holds (refs, m))
            {
              snprintf (ret_digest, BRIG_DIGEST_LEN, "%s", m);
              return 0;
            }
        }
      if (r != -ENOENT || brig_digest_valid (ref))
        {
          if (r == -ENOENT)
            brig_error (err, 0, "no image `%s` in the store", ref);
          return r;
        }
    }
  if (at)
    {
      *at = '\0';
      pin = at + 1;
      if (!brig_digest_valid (pin))
        return brig_error (err, 0, "`%s`: after @ expected sha256: and 64 hex digits", ref);
      if (*copy == '\0')
        return brig_store_resolve (s, refs, pin, ret_digest, ret_name, err);
    }
  if ((name = brig_ref_normalize (copy, err)) == NULL)
    return -EINVAL;
  if (pin)
    {
      /* An index's digest, as pulled: its image for this machine. */
      _cleanup_free_ char *repo = brig_ref_repository (copy, NULL);
      _cleanup_free_ char *lrepo = repo ? xasprintf ("localhost/%s", repo) : NULL;
      const char *m = NULL;
      if (repo && by_repo_digest (refs, repo, pin, &m) < 0 && lrepo)
        by_repo_digest (refs, lrepo, pin, &m);
      if (m)
        pin = m;
    }
  {
    /* NAME@DIGEST without a tag is the image of that digest, wherever
     * NAME:latest points now; NAME:TAG@DIGEST needs the tag there. */
    const char *ls = strrchr (copy, '/'), *colon = strrchr (copy, ':');
    tagged = colon && (!ls || colon > ls);
  }
  local = xasprintf ("localhost/%s", name);
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < refs->ntags; i++)
      if (strcmp (refs->tags[i].name, pass ? local : name) == 0)
        {
          if (pin && !tagged && strcmp (refs->tags[i].digest, pin) != 0)
            continue;
          if (pin && strcmp (refs->tags[i].digest, pin) != 0)
            return brig_error (err, 0, "`%s`: the store's %s is %s, not the digest asked for", ref,
                               refs->tags[i].name, refs->tags[i].digest);
          snprintf (ret_digest, BRIG_DIGEST_LEN, "%s", refs->tags[i].digest);
          if (ret_name)
            *ret_name = xstrdup (refs->tags[i].name);
          return 0;
        }
  if (pin && holds (refs, pin))
    {
      snprintf (ret_digest, BRIG_DIGEST_LEN, "%s", pin);
      return 0;
    }
  brig_error (err, 0, "no image `%s` in the store (see brig images; brig load -i)", ref);
  return -ENOENT;
}

/* The hex of every blob, layer and manifest the images (and the running
 * containers' images) reach. */
static void
mark (struct brig_store *s, const char *digest, char ***live)
{
  struct brig_stored_image img;
  struct brig_err e = { 0 };

  if (strv_contains (*live, digest + 7))
    return;
  strv_push (live, xstrdup (digest + 7));
  if (brig_store_load_image (s, digest, &img, &e) < 0)
    {
      brig_err_release (&e);
      return;
    }
  strv_push (live, xstrdup (img.manifest.config.digest + 7));
  for (size_t i = 0; i < img.manifest.nlayers; i++)
    {
      strv_push (live, xstrdup (img.manifest.layers[i].digest + 7));
      strv_push (live, xstrdup (img.config.diff_ids[i] + 7));
    }
  brig_stored_image_release (&img);
}

/* The directory SUB of the store, to read; NULL if it cannot be. */
static DIR *
open_sub (struct brig_store *s, const char *sub)
{
  int fd = openat (s->dir, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir (fd);

  if (d == NULL && fd >= 0)
    close (fd);
  return d;
}

/* A container's directory NAME in DIR: a running container holds its
 * hold file locked and names its image in it (marked live); the others
 * are what a killed brig left, or the spare a read-only one left for the
 * next (removed). */
static void
sweep_container (struct brig_store *s, int dir, const char *name, char ***live,
                 struct brig_gc_stats *st, size_t *count)
{
  _cleanup_free_ char *hold = xasprintf ("%s/hold", name), *buf = NULL;
  _cleanup_close_ int fd = openat (dir, hold, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct brig_err err = { 0 };
  size_t len;

  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      if (live && brig_read_fd (fd, hold, 4096, &buf, &len, &err) == 0 && brig_digest_valid (buf))
        mark (s, buf, live);
      brig_err_release (&err);
      return;
    }
  if (brig_remove_tree_at (dir, name, &st->bytes) == 0)
    *count += 1;
}

/* The spare is no running container's: its image is not kept for it.  A
 * lock on its hold is the last container's cleaner on its way out: a
 * second at most for it, then the spare is left as it is.  Not counted
 * among the stale containers. */
static void
sweep_spare (struct brig_store *s, struct brig_gc_stats *st)
{
  _cleanup_close_ int fd
      = openat (s->dir, BRIG_STORE_SPARE "/hold", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  int i = 0;

  if (faccessat (s->dir, BRIG_STORE_SPARE, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    return;
  while (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) < 0 && i++ < 100)
    usleep (10000);
  if (i <= 100)
    brig_remove_tree_at (s->dir, BRIG_STORE_SPARE, &st->bytes);
}

static void
sweep_containers (struct brig_store *s, char ***live, struct brig_gc_stats *st)
{
  DIR *d = open_sub (s, "containers");
  struct dirent *e;

  sweep_spare (s, st);
  if (d == NULL)
    return;
  while ((e = readdir (d)))
    if (e->d_name[0] != '.')
      sweep_container (s, dirfd (d), e->d_name, live, st, &st->containers);
  closedir (d);
}

/* Entries of SUB whose name (up to the first `-`) is not live. */
static void
sweep_dir (struct brig_store *s, const char *sub, char *const *live, size_t *count, uint64_t *bytes)
{
  DIR *d = open_sub (s, sub);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)))
    {
      _cleanup_free_ char *hex = NULL;
      if (e->d_name[0] == '.')
        continue;
      hex = xstrndup (e->d_name, strcspn (e->d_name, "-"));
      if (strv_contains (live, hex))
        continue;
      if (brig_remove_tree_at (dirfd (d), e->d_name, bytes) == 0)
        (*count)++;
    }
  closedir (d);
}

int
brig_store_gc (struct brig_store *s, struct brig_gc_stats *ret, struct brig_err *err)
{
  struct brig_refs refs;
  _cleanup_strv_ char **live = xcalloc (1, sizeof (char *));
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = brig_store_read_refs (s, &refs, err)) < 0)
    return r;
  for (size_t i = 0; refs.images[i]; i++)
    mark (s, refs.images[i], &live);
  brig_refs_release (&refs);
  sweep_containers (s, &live, ret);
  sweep_dir (s, "blobs/sha256", live, &ret->blobs, &ret->bytes);
  sweep_dir (s, "layers", live, &ret->layers, &ret->bytes);
  sweep_dir (s, "flat", live, &ret->flats, &ret->bytes);
  /* Nothing else writes while the writer's lock is held. */
  {
    _cleanup_strv_ char **none = xcalloc (1, sizeof (char *));
    size_t n = 0;
    sweep_dir (s, "tmp", none, &n, &ret->bytes);
  }
  return 0;
}
