/* Image import (load.h). */
#include "image/load.h"
#include "image/stream.h"
#include "image/tar.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_DOC (4u << 20)
#define MAX_MEMBERS 100000
#define MAX_DEPTH 4

struct member
{
  char *name;
  uint64_t off, size;
  char *link; /* a symbolic or hard link: the member it names */
};

/* Where the blobs come from: an archive's members, or a directory. */
struct source
{
  const char *label;
  int fd;  /* the (uncompressed) archive, or -1 */
  int dir; /* the OCI layout directory, or -1 */
  struct member *m;
  size_t n;
  char *tmp; /* a decompressed copy in the store's tmp/, removed at the end */
  struct brig_store *s;
  char **new_blobs; /* digests this import wrote */
};

/* NAME relative to the archive's top: "./a//b" -> "a/b"; `..` resolved
 * against DIR (the directory of a link); NULL if it leaves the top. */
static char *
member_name (const char *dir, const char *name)
{
  _cleanup_free_ char *all
      = dir && name[0] != '/' ? xasprintf ("%s/%s", dir, name) : xstrdup (name);
  char *rest = all, *c, **parts = NULL, *out = NULL;
  size_t n = 0;

  while ((c = strsep (&rest, "/")))
    {
      if (*c == '\0' || strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          if (n == 0)
            {
              free (parts);
              return NULL;
            }
          n--;
          continue;
        }
      parts = xreallocarray (parts, n + 1, sizeof *parts);
      parts[n++] = c;
    }
  for (size_t i = 0; i < n; i++)
    str_append (&out, "/", parts[i]);
  free (parts);
  return out ? out : xstrdup ("");
}

static void
source_release (struct source *src)
{
  for (size_t i = 0; i < src->n; i++)
    {
      free (src->m[i].name);
      free (src->m[i].link);
    }
  free (src->m);
  if (src->fd >= 0)
    close (src->fd);
  if (src->dir >= 0)
    close (src->dir);
  if (src->tmp)
    unlink (src->tmp);
  free (src->tmp);
  strv_free (src->new_blobs);
}

/* A compressed archive (docker save | gzip): decompressed into tmp/. */
static int
decompress_archive (struct source *src, const char *path, struct brig_err *err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s/tmp/archive.XXXXXX", src->s->root);
  _cleanup_close_ int out = mkostemp (tmp, O_CLOEXEC);
  struct brig_stream *st = NULL;
  struct stat sb;
  char buf[65536];
  size_t got;
  int r;

  if (out < 0)
    return brig_error (err, errno, "create `%s`", tmp);
  if (src->tmp)
    {
      /* The spooled standard input: replaced by what it decompresses to,
       * once read (SRC->FD still holds it open). */
      unlink (src->tmp);
      free (src->tmp);
    }
  src->tmp = xstrdup (tmp);
  if (fstat (src->fd, &sb) < 0)
    return brig_error (err, errno, "%s", path);
  if ((r = brig_stream_open (src->fd, 0, (uint64_t)sb.st_size, true, UINT64_C (1) << 40, path, &st,
                             err))
      < 0)
    return r;
  while ((r = brig_stream_read (st, buf, sizeof buf, &got, err)) == 0 && got > 0)
    if ((r = brig_write_all (out, buf, got)) < 0)
      {
        r = brig_error (err, -r, "write `%s`", tmp);
        break;
      }
  if (r == 0)
    r = brig_stream_finish (st, NULL, NULL, err);
  brig_stream_free (st);
  if (r < 0)
    return r;
  close (src->fd);
  src->fd = steal_fd (&out);
  return 0;
}

/* Standard input (a pipe: `docker save x | brig load -i -`) copied to
 * tmp/ first, since members are read by offset. */
static int
spool_stdin (struct source *src, struct brig_err *err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s/tmp/stdin.XXXXXX", src->s->root);
  int out = mkostemp (tmp, O_CLOEXEC);
  char buf[65536];
  ssize_t n;

  if (out < 0)
    return brig_error (err, errno, "create `%s`", tmp);
  src->tmp = xstrdup (tmp);
  src->fd = out;
  while ((n = read (STDIN_FILENO, buf, sizeof buf)) != 0)
    {
      int r;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return brig_error (err, errno, "read standard input");
      if ((r = brig_write_all (out, buf, (size_t)n)) < 0)
        return brig_error (err, -r, "write `%s`", tmp);
    }
  return 0;
}

static int
index_archive (struct source *src, const char *path, struct brig_err *err)
{
  struct brig_stream *st = NULL;
  struct brig_tar t;
  struct brig_tar_entry e;
  struct stat sb;
  unsigned char head[4];
  int r;

  if (pread (src->fd, head, sizeof head, 0) == (ssize_t)sizeof head
      && brig_sniff_compression (head, sizeof head) != BRIG_COMP_NONE
      && (r = decompress_archive (src, path, err)) < 0)
    return r;
  if (fstat (src->fd, &sb) < 0)
    return brig_error (err, errno, "%s", path);
  if ((r = brig_stream_open (src->fd, 0, (uint64_t)sb.st_size, false, UINT64_MAX, path, &st, err))
      < 0)
    return r;
  brig_tar_init (&t, brig_stream_read, st, path);
  while ((r = brig_tar_next (&t, &e, err)) == 1)
    {
      char *name = member_name (NULL, e.path);
      struct member *m;
      if (name == NULL || src->n >= MAX_MEMBERS)
        {
          r = brig_error (err, 0, "%s: member `%.200s` %s", path, e.path,
                          name ? "is one too many" : "leaves the archive (`..`)");
          free (name);
          brig_tar_entry_release (&e);
          break;
        }
      if (e.type != BRIG_TAR_FILE && e.type != BRIG_TAR_SYMLINK && e.type != BRIG_TAR_HARDLINK)
        {
          free (name);
          brig_tar_entry_release (&e);
          continue;
        }
      src->m = xreallocarray (src->m, src->n + 1, sizeof *src->m);
      m = &src->m[src->n++];
      *m = (struct member){ name, t.offset, e.size, NULL };
      if (e.linkname)
        {
          _cleanup_free_ char *dir
              = xstrndup (name, strrchr (name, '/') ? (size_t)(strrchr (name, '/') - name) : 0);
          m->link = member_name (e.type == BRIG_TAR_SYMLINK ? dir : NULL, e.linkname);
          if (m->link == NULL)
            m->link = xstrdup ("");
        }
      brig_tar_entry_release (&e);
    }
  if (r == 0)
    r = brig_stream_finish (st, NULL, NULL, err);
  brig_stream_free (st);
  return r;
}

/* Member NAME: an fd to read (*RET_OWNED: the caller closes it), and its
 * byte range. */
static int
find_member (struct source *src, const char *name, int *ret_fd, bool *ret_owned, uint64_t *ret_off,
             uint64_t *ret_len, struct brig_err *err)
{
  _cleanup_free_ char *want = member_name (NULL, name);

  if (want == NULL)
    return brig_error (err, 0, "%s: `%.200s` leaves the archive", src->label, name);
  if (src->dir >= 0)
    {
      struct stat st;
      int fd = brig_openat2 (src->dir, want, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                             RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
      if (fd < 0)
        return brig_error (err, errno, "%s: `%s`", src->label, want);
      if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
        {
          close (fd);
          return brig_error (err, 0, "%s: `%s` is not a regular file", src->label, want);
        }
      *ret_fd = fd;
      *ret_owned = true;
      *ret_off = 0;
      *ret_len = (uint64_t)st.st_size;
      return 0;
    }
  for (int hops = 0; hops < 8; hops++)
    {
      const struct member *m = NULL;
      /* The last member of a name wins, as tar extracts. */
      for (size_t i = src->n; i-- > 0;)
        if (strcmp (src->m[i].name, want) == 0)
          {
            m = &src->m[i];
            break;
          }
      if (m == NULL)
        return brig_error (err, ENOENT, "%s: no member `%s` (the archive is incomplete)",
                           src->label, want);
      if (m->link == NULL)
        {
          *ret_fd = src->fd;
          *ret_owned = false;
          *ret_off = m->off;
          *ret_len = m->size;
          return 0;
        }
      free (want);
      want = xstrdup (m->link);
    }
  return brig_error (err, ELOOP, "%s: `%s`: too many links", src->label, name);
}

static int
read_member (struct source *src, const char *name, char **ret_buf, size_t *ret_len,
             struct brig_err *err)
{
  int fd, r;
  bool owned;
  uint64_t off, len;
  ssize_t n;

  if ((r = find_member (src, name, &fd, &owned, &off, &len, err)) < 0)
    return r;
  if (len > MAX_DOC)
    r = brig_error (err, EFBIG, "%s: `%s` is larger than %u bytes", src->label, name, MAX_DOC);
  else
    {
      *ret_buf = xmalloc ((size_t)len + 1);
      n = pread (fd, *ret_buf, (size_t)len, (off_t)off);
      if (n != (ssize_t)len)
        {
          r = brig_error (err, n < 0 ? errno : 0, "%s: read `%s`%s", src->label, name,
                          n >= 0 ? ": truncated" : "");
          free (*ret_buf);
          *ret_buf = NULL;
        }
      else
        {
          (*ret_buf)[len] = '\0';
          *ret_len = (size_t)len;
        }
    }
  if (owned)
    close (fd);
  return r;
}

static void
note_new (struct source *src, const char *digest, bool is_new)
{
  if (is_new)
    strv_push (&src->new_blobs, xstrdup (digest));
}

/* Copy member NAME into the store; WANT: the digest it must have. */
static int
put_member (struct source *src, const char *name, const char *want, int64_t want_size,
            char ret_digest[BRIG_DIGEST_LEN], struct brig_err *err)
{
  int fd, r;
  bool owned, is_new = false;
  uint64_t off, len;
  _cleanup_free_ char *label = NULL;

  if ((r = find_member (src, name, &fd, &owned, &off, &len, err)) < 0)
    return r;
  label = xasprintf ("%s: `%s`", src->label, name);
  if (want_size >= 0 && len != (uint64_t)want_size)
    r = brig_error (err, 0, "%s is %" PRIu64 " bytes, its descriptor says %" PRId64, label, len,
                    want_size);
  else if ((r = brig_store_put_fd (src->s, fd, off, len, want, label, ret_digest, &is_new, err))
           == 0)
    note_new (src, ret_digest, is_new);
  if (owned)
    close (fd);
  return r;
}

int
brig_layer_verify (struct brig_store *s, const char *layer, const char *diff_id,
                   const struct brig_load_opts *o, struct brig_err *err)
{
  return brig_layer_walk (s, layer, diff_id, o, NULL, NULL, err);
}

int
brig_layer_walk (struct brig_store *s, const char *layer, const char *diff_id,
                 const struct brig_load_opts *o, brig_layer_entry_fn fn, void *ctx,
                 struct brig_err *err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *label = xasprintf ("layer %s", layer);
  struct brig_stream *st = NULL;
  struct brig_tar t;
  struct brig_tar_entry e;
  char out[BRIG_DIGEST_LEN], buf[65536];
  uint64_t size, entries = 0;
  size_t got;
  int r;

  if ((r = brig_store_open_blob (s, layer, &fd, &size, err)) < 0)
    return r;
  if ((r = brig_stream_open (fd, 0, size, true, o->max_layer, label, &st, err)) < 0)
    return r;
  brig_tar_init (&t, brig_stream_read, st, label);
  while ((r = brig_tar_next (&t, &e, err)) == 1)
    {
      if (fn)
        r = fn (ctx, &e, err);
      brig_tar_entry_release (&e);
      if (r < 0)
        break;
      if (++entries > o->max_entries)
        {
          r = brig_error (err, 0, "%s: more than %" PRIu64 " entries: refused", label,
                          o->max_entries);
          break;
        }
      while ((r = brig_tar_read (&t, buf, sizeof buf, &got, err)) == 0 && got > 0)
        ;
      if (r < 0)
        break;
    }
  if (r == 0 && (r = brig_stream_finish (st, layer, out, err)) == 0 && strcmp (out, diff_id) != 0)
    r = brig_error (err, 0,
                    "%s: its uncompressed content has digest %s, but the image config says %s",
                    label, out, diff_id);
  brig_stream_free (st);
  return r;
}

static void
add_name (struct brig_loaded *l, const char *name)
{
  struct brig_err e = { 0 };
  char *n = brig_ref_normalize (name, &e);

  brig_err_release (&e);
  if (n && !strv_contains (l->names, n))
    strv_push (&l->names, n);
  else
    free (n);
}

/* The config at NAME (Docker) or DIGEST (OCI) and its layers, given as
 * member names (Docker) or descriptors (OCI); the manifest stored. */
static int
load_config (struct source *src, const char *config_member, const char *config_digest,
             int64_t config_size, struct brig_image_config *cfg, char ret[BRIG_DIGEST_LEN],
             struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  int r;

  if ((r = put_member (src, config_member, config_digest, config_size, ret, err)) < 0)
    return r;
  if ((r = brig_store_read_blob (src->s, ret, MAX_DOC, &buf, &len, err)) < 0)
    return r;
  return brig_parse_image_config (buf, len, config_member, cfg, err);
}

static int
load_docker (struct source *src, const struct brig_load_opts *o, struct brig_loaded **ret,
             size_t *ret_n, struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_docker_entry *v = NULL;
  size_t len, n = 0;
  int r;

  if ((r = read_member (src, "manifest.json", &buf, &len, err)) < 0
      || (r = brig_parse_docker_manifest (buf, len, "manifest.json", &v, &n, err)) < 0)
    return r;
  for (size_t i = 0; i < n && r == 0; i++)
    {
      struct brig_image_config cfg = { 0 };
      struct brig_manifest m = { 0 };
      struct brig_loaded *l;
      char cdigest[BRIG_DIGEST_LEN];
      const char *want = NULL;
      _cleanup_free_ char *named = NULL, *json = NULL;
      const char *base = strrchr (v[i].config, '/') ? strrchr (v[i].config, '/') + 1 : v[i].config;

      /* <hex>.json, or blobs/sha256/<hex>: the name is the digest. */
      named = xasprintf ("sha256:%.*s", (int)strcspn (base, "."), base);
      if (brig_digest_valid (named))
        want = named;
      if ((r = load_config (src, v[i].config, want, -1, &cfg, cdigest, err)) < 0)
        break;
      if (cfg.ndiff_ids != v[i].nlayers)
        {
          r = brig_error (err, 0, "%s: image %s lists %zu layers, its config %zu diff_ids",
                          src->label, cdigest, v[i].nlayers, cfg.ndiff_ids);
          brig_image_config_release (&cfg);
          break;
        }
      m.config = (struct brig_descriptor){ .media_type
                                           = xstrdup ("application/vnd.oci.image.config.v1+json"),
                                           .digest = xstrdup (cdigest) };
      {
        _cleanup_close_ int cfd = -1;
        uint64_t csize = 0;
        if (brig_store_open_blob (src->s, cdigest, &cfd, &csize, err) == 0)
          m.config.size = (int64_t)csize;
      }
      m.layers = xcalloc (v[i].nlayers + 1, sizeof *m.layers);
      for (size_t k = 0; k < v[i].nlayers && r == 0; k++)
        {
          char ld[BRIG_DIGEST_LEN];
          unsigned char head[4] = { 0 };
          _cleanup_close_ int lfd = -1;
          uint64_t lsize = 0;
          static const char *const types[] = { "application/vnd.oci.image.layer.v1.tar",
                                               "application/vnd.oci.image.layer.v1.tar+gzip",
                                               "application/vnd.oci.image.layer.v1.tar+zstd" };
          if ((r = put_member (src, v[i].layers[k], NULL, -1, ld, err)) < 0
              || (r = brig_store_open_blob (src->s, ld, &lfd, &lsize, err)) < 0)
            break;
          if (pread (lfd, head, sizeof head, 0) < 0)
            head[0] = 0;
          m.layers[k] = (struct brig_descriptor){
            .media_type = xstrdup (types[brig_sniff_compression (head, sizeof head)]),
            .digest = xstrdup (ld),
            .size = (int64_t)lsize
          };
          m.nlayers++;
          r = brig_layer_verify (src->s, ld, cfg.diff_ids[k], o, err);
        }
      if (r == 0)
        {
          bool is_new;
          json = brig_manifest_json (&m);
          *ret = xreallocarray (*ret, *ret_n + 1, sizeof **ret);
          l = &(*ret)[(*ret_n)++];
          memset (l, 0, sizeof *l);
          l->names = xcalloc (1, sizeof (char *));
          if ((r = brig_store_put_buf (src->s, json, strlen (json), l->digest, &is_new, err)) == 0)
            note_new (src, l->digest, is_new);
          for (size_t k = 0; v[i].repo_tags && v[i].repo_tags[k]; k++)
            add_name (l, v[i].repo_tags[k]);
        }
      brig_manifest_release (&m);
      brig_image_config_release (&cfg);
    }
  brig_docker_entries_free (v, n);
  return r;
}

/* The manifest D names, through indexes (the host's platform). */
static int
load_oci_manifest (struct source *src, const struct brig_descriptor *d, int depth,
                   const struct brig_load_opts *o, char ret[BRIG_DIGEST_LEN], struct brig_err *err)
{
  _cleanup_free_ char *member = xasprintf ("blobs/sha256/%s", d->digest + 7), *buf = NULL;
  char got[BRIG_DIGEST_LEN];
  enum brig_doc_kind kind;
  size_t len;
  int r;

  if (depth > MAX_DEPTH)
    return brig_error (err, 0, "%s: indexes nested more than %d deep", src->label, MAX_DEPTH);
  if ((r = put_member (src, member, d->digest, d->size, got, err)) < 0
      || (r = brig_store_read_blob (src->s, got, MAX_DOC, &buf, &len, err)) < 0
      || (r = brig_doc_kind (buf, len, d->digest, &kind, err)) < 0)
    return r;
  if (kind == BRIG_DOC_INDEX)
    {
      struct brig_index idx;
      const char *arch, *variant;
      char *seen = NULL;
      int pick;
      if ((r = brig_parse_index (buf, len, d->digest, &idx, err)) < 0)
        return r;
      brig_host_platform (&arch, &variant);
      pick = brig_index_pick (&idx, "linux", arch, variant, &seen);
      if (pick < 0)
        r = brig_error (err, 0, "%s: index %s has no image for linux/%s%s%s (it has: %s)",
                        src->label, d->digest, arch, variant ? "/" : "", variant ? variant : "",
                        seen ? seen : "none");
      else
        r = load_oci_manifest (src, &idx.v[pick], depth + 1, o, ret, err);
      free (seen);
      brig_index_release (&idx);
      return r;
    }
  {
    struct brig_manifest m;
    struct brig_image_config cfg = { 0 };
    char cdigest[BRIG_DIGEST_LEN];
    _cleanup_free_ char *cmember = NULL;
    if ((r = brig_parse_manifest (buf, len, d->digest, &m, err)) < 0)
      return r;
    cmember = xasprintf ("blobs/sha256/%s", m.config.digest + 7);
    r = load_config (src, cmember, m.config.digest, m.config.size, &cfg, cdigest, err);
    if (r == 0 && cfg.ndiff_ids != m.nlayers)
      r = brig_error (err, 0, "%s: manifest %s has %zu layers, its config %zu diff_ids", src->label,
                      d->digest, m.nlayers, cfg.ndiff_ids);
    for (size_t k = 0; k < m.nlayers && r == 0; k++)
      {
        _cleanup_free_ char *lm = xasprintf ("blobs/sha256/%s", m.layers[k].digest + 7);
        char ld[BRIG_DIGEST_LEN];
        if ((r = put_member (src, lm, m.layers[k].digest, m.layers[k].size, ld, err)) == 0)
          r = brig_layer_verify (src->s, ld, cfg.diff_ids[k], o, err);
      }
    brig_image_config_release (&cfg);
    brig_manifest_release (&m);
    if (r == 0)
      snprintf (ret, BRIG_DIGEST_LEN, "%s", got);
    return r;
  }
}

static int
load_oci (struct source *src, const struct brig_load_opts *o, struct brig_loaded **ret,
          size_t *ret_n, struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL, *layout = NULL;
  struct brig_index idx;
  size_t len;
  int r;

  if ((r = read_member (src, "oci-layout", &layout, &len, err)) < 0)
    return r;
  if (strstr (layout, "imageLayoutVersion") == NULL)
    return brig_error (err, 0, "%s: `oci-layout` has no imageLayoutVersion", src->label);
  if ((r = read_member (src, "index.json", &buf, &len, err)) < 0
      || (r = brig_parse_index (buf, len, "index.json", &idx, err)) < 0)
    return r;
  if (idx.n == 0)
    r = brig_error (err, 0, "%s: index.json lists no image", src->label);
  for (size_t i = 0; i < idx.n && r == 0; i++)
    {
      struct brig_loaded *l;
      const struct brig_descriptor *d = &idx.v[i];
      /* Top-level entries for other platforms: the image of another
       * machine, skipped when one for this machine is there. */
      if (d->os && d->arch && idx.n > 1)
        {
          const char *arch, *variant;
          char *seen = NULL;
          int pick;
          brig_host_platform (&arch, &variant);
          pick = brig_index_pick (&idx, "linux", arch, variant, &seen);
          free (seen);
          if (pick >= 0 && (size_t)pick != i)
            continue;
        }
      *ret = xreallocarray (*ret, *ret_n + 1, sizeof **ret);
      l = &(*ret)[(*ret_n)++];
      memset (l, 0, sizeof *l);
      l->names = xcalloc (1, sizeof (char *));
      if ((r = load_oci_manifest (src, d, 0, o, l->digest, err)) < 0)
        break;
      if (d->image_name)
        add_name (l, d->image_name);
      else if (d->ref_name)
        add_name (l, d->ref_name);
    }
  brig_index_release (&idx);
  return r;
}

static bool
has_member (struct source *src, const char *name)
{
  if (src->dir >= 0)
    return faccessat (src->dir, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  for (size_t i = 0; i < src->n; i++)
    if (strcmp (src->m[i].name, name) == 0)
      return true;
  return false;
}

int
brig_image_load (struct brig_store *s, const char *path, bool is_dir,
                 const struct brig_load_opts *o, struct brig_loaded **ret, size_t *ret_n,
                 struct brig_err *err)
{
  struct source src = { .label = path, .fd = -1, .dir = -1, .s = s };
  int r;

  *ret = NULL;
  *ret_n = 0;
  if (is_dir)
    {
      src.dir = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (src.dir < 0)
        r = brig_error (err, errno, "OCI layout `%s`", path);
      else
        r = load_oci (&src, o, ret, ret_n, err);
    }
  else
    {
      if (strcmp (path, "-") == 0)
        {
          src.label = "standard input";
          r = spool_stdin (&src, err);
        }
      else
        {
          src.fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
          r = src.fd < 0 ? brig_error (err, errno, "archive `%s`", path) : 0;
        }
      if (r == 0 && (r = index_archive (&src, src.label, err)) == 0)
        {
          if (has_member (&src, "oci-layout") && has_member (&src, "index.json"))
            r = load_oci (&src, o, ret, ret_n, err);
          else if (has_member (&src, "manifest.json"))
            r = load_docker (&src, o, ret, ret_n, err);
          else
            r = brig_error (err, 0,
                            "%s: neither a docker save archive (manifest.json) nor an OCI "
                            "layout (oci-layout, index.json)",
                            src.label);
        }
    }
  if (r == 0 && o->tag)
    for (size_t i = 0; i < *ret_n; i++)
      add_name (&(*ret)[i], o->tag);
  if (r < 0)
    {
      for (size_t i = 0; src.new_blobs && src.new_blobs[i]; i++)
        brig_store_remove_blob (s, src.new_blobs[i]);
      brig_loaded_free (*ret, *ret_n);
      *ret = NULL;
      *ret_n = 0;
    }
  source_release (&src);
  return r;
}

void
brig_loaded_free (struct brig_loaded *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    strv_free (v[i].names);
  free (v);
}
