/* Reading a blob: LEN bytes of a file at an offset (a member of an
 * archive, or a whole file), hashed as they are read, and decompressed
 * when they are gzip or zstd (told by their first bytes).  The output is
 * bounded (MAX_OUT), so a decompression bomb ends in an error, not a full
 * disk.  After the last byte, brig_stream_finish checks the input's
 * digest and that the compressed stream ended where the blob does. */
#ifndef BRIG_IMAGE_STREAM_H
#define BRIG_IMAGE_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/digest.h"
#include "util/err.h"

enum brig_compression
{
  BRIG_COMP_NONE,
  BRIG_COMP_GZIP,
  BRIG_COMP_ZSTD,
};

struct brig_stream;

/* Read from FD (not owned) bytes OFF..OFF+LEN; NAME names the blob in
 * errors.  DECOMPRESS false: the bytes as they are. */
int brig_stream_open (int fd, uint64_t off, uint64_t len, bool decompress, uint64_t max_out,
                      const char *name, struct brig_stream **ret, struct brig_err *err);
/* A brig_tar_read_fn over the stream. */
int brig_stream_read (void *stream, void *buf, size_t n, size_t *got, struct brig_err *err);
/* Read what is left (a tar archive's trailing padding), then: the
 * compressed stream must have ended, and the input must match WANT (a
 * digest, or NULL).  RET_OUT_DIGEST (or NULL): the digest of the
 * decompressed bytes. */
int brig_stream_finish (struct brig_stream *s, const char *want,
                        char ret_out_digest[BRIG_DIGEST_LEN], struct brig_err *err);
enum brig_compression brig_stream_compression (const struct brig_stream *s);
uint64_t brig_stream_out_bytes (const struct brig_stream *s);
void brig_stream_free (struct brig_stream *s);

/* The compression of a blob from its first bytes. */
enum brig_compression brig_sniff_compression (const unsigned char *p, size_t n);

#endif
