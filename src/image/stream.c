/* Hashed, bounded, decompressing reads of blobs (stream.h). */
#include "image/stream.h"
#include "util/cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define INBUF (128 * 1024)

struct brig_stream
{
  int fd;
  uint64_t off, end;
  uint64_t out, max_out;
  char *name;
  enum brig_compression comp;
  bool ended; /* the compressed stream's end was seen */
  struct brig_sha256 in_hash, out_hash;
  z_stream z;
  bool z_init;
  ZSTD_DStream *zs;
  unsigned char in[INBUF];
  size_t in_pos, in_len;
};

enum brig_compression
brig_sniff_compression (const unsigned char *p, size_t n)
{
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
    return BRIG_COMP_GZIP;
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
    return BRIG_COMP_ZSTD;
  return BRIG_COMP_NONE;
}

/* Refill the input buffer; *EOF at the blob's end. */
static int
fill (struct brig_stream *s, bool *eof, struct brig_err *err)
{
  size_t want = s->end - s->off < INBUF ? (size_t)(s->end - s->off) : INBUF;
  ssize_t n;

  *eof = false;
  if (s->in_pos < s->in_len)
    return 0;
  if (want == 0)
    {
      *eof = true;
      return 0;
    }
  do
    n = pread (s->fd, s->in, want, (off_t)s->off);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return brig_error (err, errno, "read %s", s->name);
  if (n == 0)
    return brig_error (err, 0, "%s: truncated (the file ends %" PRIu64 " bytes early)", s->name,
                       s->end - s->off);
  brig_sha256_update (&s->in_hash, s->in, (size_t)n);
  s->off += (uint64_t)n;
  s->in_pos = 0;
  s->in_len = (size_t)n;
  return 0;
}

int
brig_stream_open (int fd, uint64_t off, uint64_t len, bool decompress, uint64_t max_out,
                  const char *name, struct brig_stream **ret, struct brig_err *err)
{
  struct brig_stream *s = xcalloc (1, sizeof *s);
  bool eof;
  int r;

  s->fd = fd;
  s->off = off;
  s->end = off + len;
  s->max_out = max_out;
  s->name = xstrdup (name);
  brig_sha256_init (&s->in_hash);
  brig_sha256_init (&s->out_hash);
  if ((r = fill (s, &eof, err)) < 0)
    {
      brig_stream_free (s);
      return r;
    }
  s->comp = decompress ? brig_sniff_compression (s->in, s->in_len) : BRIG_COMP_NONE;
  if (s->comp == BRIG_COMP_GZIP)
    {
      /* 16 + MAX_WBITS: a gzip header, not zlib's. */
      if (inflateInit2 (&s->z, 16 + MAX_WBITS) != Z_OK)
        {
          brig_stream_free (s);
          return brig_error (err, ENOMEM, "%s: start gzip", name);
        }
      s->z_init = true;
    }
  else if (s->comp == BRIG_COMP_ZSTD)
    {
      s->zs = ZSTD_createDStream ();
      if (s->zs == NULL)
        {
          brig_stream_free (s);
          return brig_error (err, ENOMEM, "%s: start zstd", name);
        }
      /* A window of at most 128 MiB: larger frames are refused rather
       * than allowed to claim the memory. */
      ZSTD_DCtx_setParameter (s->zs, ZSTD_d_windowLogMax, 27);
    }
  *ret = s;
  return 0;
}

static int
account (struct brig_stream *s, const void *buf, size_t n, struct brig_err *err)
{
  if (n > s->max_out - s->out)
    return brig_error (err, EFBIG,
                       "%s: more than %" PRIu64 " bytes once decompressed (a decompression "
                       "bomb, or raise the limit)",
                       s->name, s->max_out);
  s->out += n;
  brig_sha256_update (&s->out_hash, buf, n);
  return 0;
}

int
brig_stream_read (void *stream, void *buf, size_t n, size_t *got, struct brig_err *err)
{
  struct brig_stream *s = stream;
  bool eof;
  int r;

  *got = 0;
  while (*got == 0 && n > 0)
    {
      if ((r = fill (s, &eof, err)) < 0)
        return r;
      if (s->comp == BRIG_COMP_NONE)
        {
          size_t k;
          if (eof)
            return 0;
          k = s->in_len - s->in_pos < n ? s->in_len - s->in_pos : n;
          memcpy (buf, s->in + s->in_pos, k);
          s->in_pos += k;
          *got = k;
        }
      else if (s->ended)
        {
          /* Bytes after the end of the compressed stream: only another
           * gzip member would be legal, and images do not use them. */
          if (!eof)
            return brig_error (err, 0, "%s: data after the end of the compressed stream", s->name);
          return 0;
        }
      else if (eof)
        return brig_error (err, 0, "%s: truncated (the compressed stream does not end)", s->name);
      else if (s->comp == BRIG_COMP_GZIP)
        {
          int zr;
          s->z.next_in = s->in + s->in_pos;
          s->z.avail_in = (uInt)(s->in_len - s->in_pos);
          s->z.next_out = buf;
          s->z.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
          zr = inflate (&s->z, Z_NO_FLUSH);
          s->in_pos = s->in_len - s->z.avail_in;
          *got = (size_t)((unsigned char *)s->z.next_out - (unsigned char *)buf);
          if (zr == Z_STREAM_END)
            s->ended = true;
          else if (zr != Z_OK && zr != Z_BUF_ERROR)
            return brig_error (err, 0, "%s: corrupted gzip data (%s)", s->name,
                               s->z.msg ? s->z.msg : "inflate failed");
        }
      else
        {
          ZSTD_inBuffer in = { s->in, s->in_len, s->in_pos };
          ZSTD_outBuffer out = { buf, n, 0 };
          size_t zr = ZSTD_decompressStream (s->zs, &out, &in);
          if (ZSTD_isError (zr))
            return brig_error (err, 0, "%s: corrupted zstd data (%s)", s->name,
                               ZSTD_getErrorName (zr));
          s->in_pos = in.pos;
          *got = out.pos;
          if (zr == 0)
            s->ended = true;
        }
      if (*got && (r = account (s, buf, *got, err)) < 0)
        return r;
    }
  return 0;
}

int
brig_stream_finish (struct brig_stream *s, const char *want, char ret_out_digest[BRIG_DIGEST_LEN],
                    struct brig_err *err)
{
  char buf[16384], have[BRIG_DIGEST_LEN];
  size_t got;
  int r;

  do
    if ((r = brig_stream_read (s, buf, sizeof buf, &got, err)) < 0)
      return r;
  while (got > 0);
  brig_sha256_digest (&s->in_hash, have);
  if (want && strcmp (have, want) != 0)
    return brig_error (err, 0, "%s: its content has digest %s, not %s (corrupted or altered)",
                       s->name, have, want);
  if (ret_out_digest)
    brig_sha256_digest (&s->out_hash, ret_out_digest);
  return 0;
}

enum brig_compression
brig_stream_compression (const struct brig_stream *s)
{
  return s->comp;
}

uint64_t
brig_stream_out_bytes (const struct brig_stream *s)
{
  return s->out;
}

void
brig_stream_free (struct brig_stream *s)
{
  if (s == NULL)
    return;
  if (s->z_init)
    inflateEnd (&s->z);
  ZSTD_freeDStream (s->zs);
  free (s->name);
  free (s);
}
