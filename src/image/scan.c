/* Reading an image's files for the audit (scan.h). */
#include "image/scan.h"
#include "util/cleanup.h"
#include "util/strmap.h"

#include <errno.h>
#include <string.h>

#define WH ".wh."
#define WH_OPQ ".wh..wh..opq"

struct scan
{
  const struct brig_scan_opts *o;
  size_t layer;
  struct brig_scan_file *v; /* records; a dead one has no path */
  size_t n, cap;
  struct brig_strmap by_path;   /* path -> index in V + 1 (0: none) */
  struct brig_strmap whiteouts; /* path -> 1 + the highest layer that deleted it */
  struct brig_strmap opaque;    /* directory -> 1 + the highest layer that made it opaque */
  const char *label;            /* the layer, for errors */
};

/* PATH as "/a/b": empty and `.` components dropped; `..` refused, as the
 * unpacker refuses it (the image cannot run). */
static int
clean_path (const char *label, const char *path, char **ret, struct brig_err *err)
{
  _cleanup_free_ char *clean = brig_tar_clean_path (path);

  if (clean == NULL)
    return brig_error (err, 0, "%s: path `%.200s` leaves the root (`..`)", label, path);
  *ret = xasprintf ("/%s", clean);
  return 0;
}

static enum brig_scan_type
scan_type (enum brig_tar_type t)
{
  switch (t)
    {
    case BRIG_TAR_FILE:
    case BRIG_TAR_HARDLINK:
      return BRIG_SCAN_FILE;
    case BRIG_TAR_DIR:
      return BRIG_SCAN_DIR;
    case BRIG_TAR_SYMLINK:
      return BRIG_SCAN_SYMLINK;
    case BRIG_TAR_CHAR:
    case BRIG_TAR_BLOCK:
    case BRIG_TAR_FIFO:
    default:
      return BRIG_SCAN_OTHER;
    }
}

/* Is an entry of type T and MODE one the rules ask about? */
static bool
notable (enum brig_scan_type t, uint32_t mode)
{
  if (t == BRIG_SCAN_FILE && (mode & 06000))
    return true;
  if (t == BRIG_SCAN_FILE && (mode & 0002))
    return true;
  return t == BRIG_SCAN_DIR && (mode & 0002) && !(mode & 01000);
}

/* 1 + LAYER into *V unless it holds a higher layer already. */
static void
mark (struct brig_strmap *m, const char *path, size_t layer)
{
  size_t *v = brig_strmap_put (m, path, NULL);
  if (*v < layer + 1)
    *v = layer + 1;
}

static int
on_entry (void *ctx, const struct brig_tar_entry *e, struct brig_err *err)
{
  struct scan *x = ctx;
  _cleanup_free_ char *path = NULL;
  const char *base;
  enum brig_scan_type t = scan_type (e->type);
  bool watched;
  size_t *at;
  int r;

  if ((r = clean_path (x->label, e->path, &path, err)) < 0)
    return r;
  base = strrchr (path, '/') + 1;
  if (strncmp (base, WH, strlen (WH)) == 0)
    {
      _cleanup_free_ char *dir = xstrndup (path, (size_t)(base - path - 1));
      const char *name = base + strlen (WH);
      if (strcmp (base, WH_OPQ) == 0)
        mark (&x->opaque, dir[0] ? dir : "/", x->layer);
      else if (name[0] == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        return brig_error (err, 0, "%s: whiteout `%.200s` names no file", x->label, e->path);
      else
        {
          _cleanup_free_ char *gone = xasprintf ("%s/%s", dir, name);
          mark (&x->whiteouts, gone, x->layer);
        }
      return 0;
    }
  watched = x->o->watch && t != BRIG_SCAN_DIR && x->o->watch (path);
  at = brig_strmap_get (&x->by_path, path);
  if (!watched && !notable (t, e->mode))
    {
      /* What a lower layer had here is replaced. */
      if (at && *at)
        {
          free (x->v[*at - 1].path);
          x->v[*at - 1].path = NULL;
          *at = 0;
        }
      return 0;
    }
  if (at == NULL || *at == 0)
    {
      if (x->n >= BRIG_SCAN_MAX_FILES)
        return brig_error (err, E2BIG,
                           "%s: more than %d setuid, world-writable or watched files: refused",
                           x->label, BRIG_SCAN_MAX_FILES);
      if (x->n == x->cap)
        {
          x->cap = x->cap ? 2 * x->cap : 64;
          x->v = xreallocarray (x->v, x->cap, sizeof *x->v);
        }
      x->v[x->n] = (struct brig_scan_file){ .path = xstrdup (path) };
      *brig_strmap_put (&x->by_path, path, NULL) = ++x->n;
      at = brig_strmap_get (&x->by_path, path);
    }
  {
    struct brig_scan_file *f = &x->v[*at - 1];
    f->type = t;
    f->mode = e->mode & 07777;
    f->uid = e->uid;
    f->gid = e->gid;
    f->layer = x->layer;
    f->watched = watched;
  }
  return 0;
}

/* Did a layer above F delete it: a whiteout of its path or of a directory
 * above it, or an opaque marker in a directory above it? */
static bool
deleted (const struct scan *x, const struct brig_scan_file *f)
{
  _cleanup_free_ char *p = xstrdup (f->path);
  const size_t *v;

  if ((v = brig_strmap_get (&x->whiteouts, p)) && *v > f->layer + 1)
    return true;
  for (char *slash; (slash = strrchr (p, '/'));)
    {
      *slash = '\0';
      if ((v = brig_strmap_get (&x->whiteouts, p)) && *v > f->layer + 1)
        return true;
      if ((v = brig_strmap_get (&x->opaque, p[0] ? p : "/")) && *v > f->layer + 1)
        return true;
    }
  return false;
}

static int
by_path (const void *a, const void *b)
{
  return strcmp (((const struct brig_scan_file *)a)->path,
                 ((const struct brig_scan_file *)b)->path);
}

static char **
strv_or_null (char *const *v)
{
  return v ? strv_copy (v) : NULL;
}

/* The files of X that no layer above deleted, sorted, into RET. */
static void
scan_finish (struct scan *x, struct brig_image_scan *ret)
{
  size_t k = 0;

  for (size_t i = 0; i < x->n; i++)
    if (x->v[i].path && !deleted (x, &x->v[i]))
      x->v[k++] = x->v[i];
    else
      free (x->v[i].path);
  if (k > 1)
    qsort (x->v, k, sizeof *x->v, by_path);
  ret->files = x->v;
  ret->nfiles = k;
  x->v = NULL;
  x->n = 0;
}

static void
scan_release (struct scan *x)
{
  for (size_t i = 0; i < x->n; i++)
    free (x->v[i].path);
  free (x->v);
  brig_strmap_release (&x->by_path);
  brig_strmap_release (&x->whiteouts);
  brig_strmap_release (&x->opaque);
}

int
brig_scan_tars (struct brig_tar *layers, size_t n, const struct brig_scan_opts *o,
                struct brig_image_scan *ret, struct brig_err *err)
{
  struct scan x = { .o = o };
  struct brig_tar_entry e;
  uint64_t entries = 0;
  int r = 0;

  for (size_t i = 0; i < n && r == 0; i++)
    {
      x.layer = i;
      x.label = layers[i].name;
      while (r == 0 && (r = brig_tar_next (&layers[i], &e, err)) == 1)
        {
          r = on_entry (&x, &e, err);
          brig_tar_entry_release (&e);
          if (r == 0 && ++entries > o->bounds->max_entries)
            r = brig_error (err, 0, "%s: more than %llu entries: refused", x.label,
                            (unsigned long long)o->bounds->max_entries);
        }
    }
  if (r == 0)
    scan_finish (&x, ret);
  scan_release (&x);
  return r;
}

int
brig_image_scan (struct brig_store *s, const struct brig_stored_image *img,
                 const struct brig_scan_opts *o, struct brig_image_scan *ret, struct brig_err *err)
{
  struct scan x = { .o = o };
  const struct brig_image_config *c = &img->config;
  int r = 0;

  if (c->ndiff_ids != img->manifest.nlayers)
    return brig_error (err, 0, "image %s: its manifest has %zu layers, its config %zu diff_ids",
                       img->digest, img->manifest.nlayers, c->ndiff_ids);
  for (size_t i = 0; i < img->manifest.nlayers && r == 0; i++)
    {
      _cleanup_free_ char *label = xasprintf ("layer %s", img->manifest.layers[i].digest);
      x.layer = i;
      x.label = label;
      r = brig_layer_walk (s, img->manifest.layers[i].digest, c->diff_ids[i], o->bounds, on_entry,
                           &x, err);
    }
  if (r == 0)
    {
      ret->digest = xstrdup (img->digest);
      ret->user = c->user ? xstrdup (c->user) : NULL;
      ret->env = strv_or_null (c->env);
      ret->exposed_ports = strv_or_null (c->exposed_ports);
      ret->healthcheck = strv_or_null (c->healthcheck);
      ret->labels = strv_or_null (c->labels);
      ret->layers = xcalloc (img->manifest.nlayers + 1, sizeof *ret->layers);
      for (size_t i = 0; i < img->manifest.nlayers; i++)
        ret->layers[i] = xstrdup (img->manifest.layers[i].digest);
      ret->nlayers = img->manifest.nlayers;
      scan_finish (&x, ret);
    }
  scan_release (&x);
  return r;
}
