/* The tar reader (tar.h). */
#include "image/tar.h"
#include "util/cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define BLOCK 512

struct pending
{
  char *path, *linkpath;
  bool has_size, has_uid, has_gid, has_mtime;
  uint64_t size, uid, gid;
  int64_t mtime;
  struct brig_tar_xattr *xattrs;
  size_t nxattrs;
};

static void
pending_release (struct pending *p)
{
  free (p->path);
  free (p->linkpath);
  for (size_t i = 0; i < p->nxattrs; i++)
    {
      free (p->xattrs[i].name);
      free (p->xattrs[i].value);
    }
  free (p->xattrs);
  memset (p, 0, sizeof *p);
}

void
brig_tar_init (struct brig_tar *t, brig_tar_read_fn fn, void *ctx, const char *name)
{
  *t = (struct brig_tar){ .read = fn, .ctx = ctx, .name = name };
}

void
brig_tar_entry_release (struct brig_tar_entry *e)
{
  free (e->path);
  free (e->linkname);
  for (size_t i = 0; i < e->nxattrs; i++)
    {
      free (e->xattrs[i].name);
      free (e->xattrs[i].value);
    }
  free (e->xattrs);
  memset (e, 0, sizeof *e);
}

/* Read exactly N bytes, or fewer at the end of the input (*GOT says). */
static int
read_full (struct brig_tar *t, void *buf, size_t n, size_t *got, struct brig_err *err)
{
  size_t done = 0;

  while (done < n)
    {
      size_t g = 0;
      int r = t->read (t->ctx, (char *)buf + done, n - done, &g, err);
      if (r < 0)
        return r;
      if (g == 0)
        break;
      done += g;
    }
  t->offset += done;
  *got = done;
  return 0;
}

static int
truncated (struct brig_tar *t, struct brig_err *err)
{
  return brig_error (err, 0, "%s: truncated at byte %" PRIu64 " (the archive ends inside an entry)",
                     t->name, t->offset);
}

static int
skip (struct brig_tar *t, uint64_t n, struct brig_err *err)
{
  char buf[4096];

  while (n > 0)
    {
      size_t want = n < sizeof buf ? (size_t)n : sizeof buf, got;
      int r = read_full (t, buf, want, &got, err);
      if (r < 0)
        return r;
      if (got < want)
        return truncated (t, err);
      n -= got;
    }
  return 0;
}

/* An octal field (leading spaces, digits, then NUL or space), or GNU's
 * base-256 (the high bit of the first byte set; positive values only). */
static bool
parse_num (const unsigned char *f, size_t len, uint64_t *ret)
{
  uint64_t v = 0;
  size_t i = 0;

  if (f[0] & 0x80)
    {
      if (f[0] != 0x80)
        return false;
      for (i = 1; i < len; i++)
        {
          if (v >> 56)
            return false;
          v = (v << 8) | f[i];
        }
      *ret = v;
      return true;
    }
  while (i < len && f[i] == ' ')
    i++;
  for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
    {
      if (v >> 61)
        return false;
      v = (v << 3) | (uint64_t)(f[i] - '0');
    }
  for (; i < len; i++)
    if (f[i] != ' ' && f[i] != '\0')
      return false;
  *ret = v;
  return true;
}

static bool
checksum_ok (const unsigned char *h)
{
  uint64_t want;
  unsigned long usum = 0;
  long ssum = 0;

  if (!parse_num (h + 148, 8, &want))
    return false;
  for (size_t i = 0; i < BLOCK; i++)
    {
      unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
      usum += c;
      ssum += (signed char)c;
    }
  return want == usum || (ssum >= 0 && want == (uint64_t)ssum);
}

static bool
all_zero_n (const unsigned char *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (h[i])
      return false;
  return true;
}

static bool
all_zero (const unsigned char *h)
{
  return all_zero_n (h, BLOCK);
}

/* The body of an extension header (pax, GNU long name): at most
 * BRIG_TAR_MAX_EXT bytes, NUL-terminated. */
static int
read_ext (struct brig_tar *t, uint64_t size, char **ret, struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t got;
  int r;

  if (size > BRIG_TAR_MAX_EXT)
    return brig_error (
        err, 0, "%s: an extension header of %" PRIu64 " bytes at byte %" PRIu64 " (at most %u)",
        t->name, size, t->offset, BRIG_TAR_MAX_EXT);
  buf = xmalloc ((size_t)size + 1);
  if ((r = read_full (t, buf, (size_t)size, &got, err)) < 0)
    return r;
  if (got < size)
    return truncated (t, err);
  buf[size] = '\0';
  if ((r = skip (t, (BLOCK - size % BLOCK) % BLOCK, err)) < 0)
    return r;
  *ret = steal_pointer (&buf);
  return 0;
}

static bool
parse_dec (const char *s, size_t len, bool frac, uint64_t *ret)
{
  uint64_t v = 0;
  size_t i = 0;

  if (len == 0)
    return false;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    {
      if (v > (UINT64_MAX - 9) / 10)
        return false;
      v = v * 10 + (uint64_t)(s[i] - '0');
    }
  if (i == 0)
    return false;
  if (frac && i < len && s[i] == '.')
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
      ;
  if (i != len)
    return false;
  *ret = v;
  return true;
}

/* Records "LEN KEY=VALUE\n"; LEN counts the whole record. */
static int
parse_pax (struct brig_tar *t, const char *buf, size_t len, struct pending *p, bool global,
           struct brig_err *err)
{
  size_t pos = 0;

  while (pos < len)
    {
      uint64_t rlen = 0;
      const char *rec = buf + pos, *sp, *eq, *val;
      size_t klen, vlen;

      sp = memchr (rec, ' ', len - pos);
      if (sp == NULL || !parse_dec (rec, (size_t)(sp - rec), false, &rlen) || rlen > len - pos
          || rlen < (uint64_t)(sp - rec) + 3 || rec[rlen - 1] != '\n')
        return brig_error (err, 0, "%s: a malformed pax record before byte %" PRIu64, t->name,
                           t->offset);
      eq = memchr (sp + 1, '=', (size_t)(rec + rlen - 1 - (sp + 1)));
      if (eq == NULL || eq == sp + 1)
        return brig_error (err, 0, "%s: a pax record without KEY= before byte %" PRIu64, t->name,
                           t->offset);
      klen = (size_t)(eq - (sp + 1));
      val = eq + 1;
      vlen = (size_t)(rec + rlen - 1 - val);
      pos += rlen;
      if (global)
        continue; /* validated; global defaults are not applied */
#define KEY(k) (klen == strlen (k) && memcmp (sp + 1, k, klen) == 0)
      if (KEY ("path") || KEY ("linkpath"))
        {
          char **dst = KEY ("path") ? &p->path : &p->linkpath;
          if (memchr (val, '\0', vlen) || vlen == 0)
            return brig_error (err, 0, "%s: a pax %.*s that is empty or holds a NUL byte", t->name,
                               (int)klen, sp + 1);
          free (*dst);
          *dst = xstrndup (val, vlen);
        }
      else if (KEY ("size") || KEY ("uid") || KEY ("gid") || KEY ("mtime"))
        {
          uint64_t v;
          if (!parse_dec (val, vlen, KEY ("mtime"), &v))
            return brig_error (err, 0, "%s: pax %.*s `%.*s` is not a number", t->name, (int)klen,
                               sp + 1, (int)(vlen > 40 ? 40 : vlen), val);
          if (KEY ("size"))
            p->size = v, p->has_size = true;
          else if (KEY ("uid"))
            p->uid = v, p->has_uid = true;
          else if (KEY ("gid"))
            p->gid = v, p->has_gid = true;
          else
            p->mtime = v > INT64_MAX ? INT64_MAX : (int64_t)v, p->has_mtime = true;
        }
      else if (klen > 13 && memcmp (sp + 1, "SCHILY.xattr.", 13) == 0)
        {
          struct brig_tar_xattr *x;
          if (p->nxattrs >= 256)
            return brig_error (err, 0, "%s: more than 256 extended attributes on one entry",
                               t->name);
          p->xattrs = xreallocarray (p->xattrs, p->nxattrs + 1, sizeof *p->xattrs);
          x = &p->xattrs[p->nxattrs++];
          x->name = xstrndup (sp + 1 + 13, klen - 13);
          x->value = xmalloc (vlen + 1);
          memcpy (x->value, val, vlen);
          x->value[vlen] = '\0';
          x->len = vlen;
        }
#undef KEY
    }
  return 0;
}

static char *
field (const unsigned char *h, size_t off, size_t len)
{
  return xstrndup ((const char *)h + off, strnlen ((const char *)h + off, len));
}

static int
entry_type (struct brig_tar *t, char c, const char *path, enum brig_tar_type *ret,
            struct brig_err *err)
{
  static const struct
  {
    char c;
    enum brig_tar_type type;
  } types[] = {
    { '0', BRIG_TAR_FILE },     { '\0', BRIG_TAR_FILE },   { '7', BRIG_TAR_FILE },
    { '1', BRIG_TAR_HARDLINK }, { '2', BRIG_TAR_SYMLINK }, { '3', BRIG_TAR_CHAR },
    { '4', BRIG_TAR_BLOCK },    { '5', BRIG_TAR_DIR },     { '6', BRIG_TAR_FIFO },
  };

  for (size_t i = 0; i < ARRAY_SIZE (types); i++)
    if (types[i].c == c)
      {
        *ret = types[i].type;
        return 0;
      }
  return brig_error (err, 0,
                     "%s: entry `%.200s` has type `%c` (0x%02x), which brig does not unpack "
                     "(expected a file, link, directory, device or fifo)",
                     t->name, path, c >= 32 && c < 127 ? c : '?', (unsigned char)c);
}

int
brig_tar_next (struct brig_tar *t, struct brig_tar_entry *e, struct brig_err *err)
{
  unsigned char h[BLOCK];
  struct pending p = { 0 };
  _cleanup_free_ char *longname = NULL, *longlink = NULL;
  int r;

  memset (e, 0, sizeof *e);
  if (t->done)
    return 0;
  if ((r = skip (t, t->remain + t->pad, err)) < 0)
    return r;
  t->remain = t->pad = 0;
  for (;;)
    {
      size_t got;
      uint64_t size;
      char type;
      bool gnu, posix;

      if ((r = read_full (t, h, BLOCK, &got, err)) < 0)
        goto fail;
      if (got == 0)
        {
          /* The end without the two zero blocks: what a stream cut at an
           * entry's end looks like.  Callers verify digests and sizes. */
          if (p.path || p.linkpath || p.has_size || longname || longlink)
            goto trunc;
          t->done = true;
          pending_release (&p);
          return 0;
        }
      if (got < BLOCK && t->offset == got)
        {
          r = brig_error (err, 0, "%s: not a tar archive (%zu bytes, less than one header)",
                          t->name, got);
          goto fail;
        }
      if (got < BLOCK)
        goto trunc;
      if (all_zero (h))
        {
          if (p.path || p.linkpath || p.has_size || longname || longlink)
            {
              r = brig_error (err, 0, "%s: an extension header with no entry after it", t->name);
              goto fail;
            }
          t->done = true;
          pending_release (&p);
          return 0;
        }
      if (!checksum_ok (h))
        {
          r = brig_error (err, 0,
                          "%s: bad header checksum at byte %" PRIu64 " (not a tar archive, or "
                          "a corrupted one)",
                          t->name, t->offset - BLOCK);
          goto fail;
        }
      posix = memcmp (h + 257, "ustar\0", 6) == 0;
      gnu = memcmp (h + 257, "ustar  \0", 8) == 0;
      if (!posix && !gnu && !all_zero_n (h + 257, 8))
        {
          r = brig_error (err, 0, "%s: unknown header format at byte %" PRIu64, t->name,
                          t->offset - BLOCK);
          goto fail;
        }
      if (!parse_num (h + 124, 12, &size))
        {
          r = brig_error (err, 0, "%s: a malformed size field at byte %" PRIu64, t->name,
                          t->offset - BLOCK);
          goto fail;
        }
      type = (char)h[156];
      if (type == 'x' || type == 'g')
        {
          _cleanup_free_ char *body = NULL;
          if ((r = read_ext (t, size, &body, err)) < 0
              || (r = parse_pax (t, body, (size_t)size, &p, type == 'g', err)) < 0)
            goto fail;
          continue;
        }
      if (type == 'L' || type == 'K')
        {
          char *body = NULL;
          if ((r = read_ext (t, size, &body, err)) < 0)
            goto fail;
          if (strlen (body) == 0 || strlen (body) > BRIG_TAR_MAX_PATH)
            {
              free (body);
              r = brig_error (err, 0, "%s: a GNU long name that is empty or longer than %d",
                              t->name, BRIG_TAR_MAX_PATH);
              goto fail;
            }
          free (type == 'L' ? longname : longlink);
          if (type == 'L')
            longname = body;
          else
            longlink = body;
          continue;
        }

      if (p.path)
        e->path = steal_pointer (&p.path);
      else if (longname)
        e->path = steal_pointer (&longname);
      else if (posix && h[345])
        {
          _cleanup_free_ char *pre = field (h, 345, 155), *nm = field (h, 0, 100);
          e->path = xasprintf ("%s/%s", pre, nm);
        }
      else
        e->path = field (h, 0, 100);
      if ((r = entry_type (t, type, e->path, &e->type, err)) < 0)
        goto fail;
      if (e->path[0] == '\0' || strlen (e->path) > BRIG_TAR_MAX_PATH)
        {
          r = brig_error (err, 0, "%s: an entry with an empty path or one longer than %d", t->name,
                          BRIG_TAR_MAX_PATH);
          goto fail;
        }
      if (e->type == BRIG_TAR_HARDLINK || e->type == BRIG_TAR_SYMLINK)
        {
          if (p.linkpath)
            e->linkname = steal_pointer (&p.linkpath);
          else if (longlink)
            e->linkname = steal_pointer (&longlink);
          else
            e->linkname = field (h, 157, 100);
          if (e->linkname[0] == '\0')
            {
              r = brig_error (err, 0, "%s: link `%.200s` has no target", t->name, e->path);
              goto fail;
            }
        }
      {
        uint64_t mode, uid, gid, mtime, maj = 0, min = 0;
        if (!parse_num (h + 100, 8, &mode) || !parse_num (h + 108, 8, &uid)
            || !parse_num (h + 116, 8, &gid) || !parse_num (h + 136, 12, &mtime)
            || ((posix || gnu) && (!parse_num (h + 329, 8, &maj) || !parse_num (h + 337, 8, &min))))
          {
            r = brig_error (err, 0, "%s: entry `%.200s` has a malformed numeric field", t->name,
                            e->path);
            goto fail;
          }
        e->mode = (uint32_t)(mode & 07777);
        e->uid = p.has_uid ? p.uid : uid;
        e->gid = p.has_gid ? p.gid : gid;
        e->mtime = p.has_mtime ? p.mtime : mtime > INT64_MAX ? INT64_MAX : (int64_t)mtime;
        e->devmajor = maj > UINT32_MAX ? UINT32_MAX : (uint32_t)maj;
        e->devminor = min > UINT32_MAX ? UINT32_MAX : (uint32_t)min;
      }
      if (p.has_size)
        size = p.size;
      e->size = e->type == BRIG_TAR_FILE ? size : 0;
      e->xattrs = steal_pointer (&p.xattrs);
      e->nxattrs = p.nxattrs;
      p.nxattrs = 0;
      t->remain = e->size;
      t->pad = (BLOCK - e->size % BLOCK) % BLOCK;
      pending_release (&p);
      return 1;
    }
trunc:
  r = truncated (t, err);
fail:
  pending_release (&p);
  brig_tar_entry_release (e);
  return r;
}

int
brig_tar_read (struct brig_tar *t, void *buf, size_t n, size_t *got, struct brig_err *err)
{
  size_t want = t->remain < n ? (size_t)t->remain : n;
  int r;

  *got = 0;
  if (want == 0)
    return 0;
  if ((r = read_full (t, buf, want, got, err)) < 0)
    return r;
  if (*got < want)
    return truncated (t, err);
  t->remain -= *got;
  return 0;
}

int
brig_tar_mem_read (void *ctx, void *buf, size_t n, size_t *got, struct brig_err *err)
{
  struct brig_tar_mem *m = ctx;
  size_t left = m->len - m->pos;

  (void)err;
  *got = n < left ? n : left;
  memcpy (buf, m->data + m->pos, *got);
  m->pos += *got;
  return 0;
}

char *
brig_tar_clean_path (const char *path)
{
  _cleanup_free_ char *copy = xstrdup (path);
  char *rest = copy, *c, *out = NULL;

  while ((c = strsep (&rest, "/")))
    {
      if (*c == '\0' || strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          free (out);
          return NULL;
        }
      str_append (&out, "/", c);
    }
  return out ? out : xstrdup ("");
}
