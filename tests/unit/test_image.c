/* The image layer's pure parts and its unpacker: the tar reader (ustar,
 * pax, GNU long names, base-256 numbers; truncated and corrupted archives
 * fail by name), SHA-256, decompressing streams and their bounds, image
 * names, the platform pick, and unpacking hostile entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/mman.h>
#include <zlib.h>
#include <zstd.h>

#include "image/digest.h"
#include "image/manifest.h"
#include "image/scan.h"
#include "image/store.h"
#include "image/stream.h"
#include "image/tar.h"
#include "image/unpack.h"
#include "policy/stored_image.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/strmap.h"

struct buf
{
  unsigned char *p;
  size_t len;
};

static void
put (struct buf *b, const void *data, size_t n)
{
  b->p = xrealloc (b->p, b->len + n);
  memcpy (b->p + b->len, data, n);
  b->len += n;
}

static void
pad (struct buf *b)
{
  static const unsigned char zero[512];
  if (b->len % 512)
    put (b, zero, 512 - b->len % 512);
}

/* A header: TYPE, NAME, SIZE, MODE; GNU magic when GNU, else POSIX ustar. */
static void
header_mode (struct buf *b, char type, const char *name, const char *link, uint64_t size, bool gnu,
             unsigned mode)
{
  unsigned char h[512] = { 0 };
  unsigned sum = 0;

  memcpy (h, name, strnlen (name, 100));
  snprintf ((char *)h + 100, 8, "%07o", mode);
  snprintf ((char *)h + 108, 8, "%07o", 1000);
  snprintf ((char *)h + 116, 8, "%07o", 1000);
  snprintf ((char *)h + 124, 12, "%011llo", (unsigned long long)size);
  snprintf ((char *)h + 136, 12, "%011o", 0);
  h[156] = (unsigned char)type;
  if (link)
    memcpy (h + 157, link, strnlen (link, 100));
  memcpy (h + 257,
          gnu ? "ustar  \0"
              : "ustar\0"
                "00",
          8);
  memset (h + 148, ' ', 8);
  for (size_t i = 0; i < 512; i++)
    sum += h[i];
  snprintf ((char *)h + 148, 8, "%06o", sum);
  put (b, h, 512);
}

static void
header (struct buf *b, char type, const char *name, const char *link, uint64_t size, bool gnu)
{
  header_mode (b, type, name, link, size, gnu, 0755);
}

static void
file (struct buf *b, const char *name, const char *data)
{
  header (b, '0', name, NULL, strlen (data), false);
  put (b, data, strlen (data));
  pad (b);
}

static void
pax (struct buf *b, const char *records)
{
  header (b, 'x', "PaxHeaders/x", NULL, strlen (records), false);
  put (b, records, strlen (records));
  pad (b);
}

static void
end (struct buf *b)
{
  static const unsigned char zero[1024];
  put (b, zero, sizeof zero);
}

static int
next (struct brig_tar *t, struct brig_tar_entry *e, struct brig_err *err)
{
  return brig_tar_next (t, e, err);
}

static void
test_ustar_and_data (void **state)
{
  struct buf b = { 0 };
  struct brig_tar_mem m;
  struct brig_tar t;
  struct brig_tar_entry e;
  struct brig_err err = { 0 };
  char data[16];
  size_t got;
  (void)state;

  file (&b, "etc/hostname", "box\n");
  header (&b, '5', "etc/", NULL, 0, false);
  header (&b, '2', "bin/sh", "busybox", 0, false);
  header (&b, '1', "bin/ash", "bin/busybox", 0, true);
  end (&b);
  m = (struct brig_tar_mem){ b.p, b.len, 0 };
  brig_tar_init (&t, brig_tar_mem_read, &m, "test.tar");
  assert_int_equal (next (&t, &e, &err), 1);
  assert_string_equal (e.path, "etc/hostname");
  assert_int_equal (e.type, BRIG_TAR_FILE);
  assert_int_equal (e.size, 4);
  assert_int_equal (e.mode, 0755);
  assert_int_equal (e.uid, 1000);
  assert_int_equal (brig_tar_read (&t, data, sizeof data, &got, &err), 0);
  assert_int_equal (got, 4);
  assert_memory_equal (data, "box\n", 4);
  assert_int_equal (brig_tar_read (&t, data, sizeof data, &got, &err), 0);
  assert_int_equal (got, 0);
  brig_tar_entry_release (&e);
  assert_int_equal (next (&t, &e, &err), 1);
  assert_int_equal (e.type, BRIG_TAR_DIR);
  brig_tar_entry_release (&e);
  assert_int_equal (next (&t, &e, &err), 1);
  assert_int_equal (e.type, BRIG_TAR_SYMLINK);
  assert_string_equal (e.linkname, "busybox");
  brig_tar_entry_release (&e);
  assert_int_equal (next (&t, &e, &err), 1);
  assert_int_equal (e.type, BRIG_TAR_HARDLINK);
  assert_string_equal (e.linkname, "bin/busybox");
  brig_tar_entry_release (&e);
  assert_int_equal (next (&t, &e, &err), 0);
  free (b.p);
}

static void
test_pax_and_gnu_longnames (void **state)
{
  struct buf b = { 0 };
  struct brig_tar_mem m;
  struct brig_tar t;
  struct brig_tar_entry e;
  struct brig_err err = { 0 };
  char longname[300];
  (void)state;

  memset (longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  /* GNU ././@LongLink */
  header (&b, 'L', "././@LongLink", NULL, strlen (longname) + 1, true);
  put (&b, longname, strlen (longname) + 1);
  pad (&b);
  file (&b, "truncated-name", "x");
  /* pax: path, uid beyond octal's 8 digits, an xattr */
  pax (&b, "28 path=dir/from-pax-header\n"
           "16 uid=99999999\n"
           "32 SCHILY.xattr.user.key=value1\n");
  file (&b, "ignored", "y");
  end (&b);
  m = (struct brig_tar_mem){ b.p, b.len, 0 };
  brig_tar_init (&t, brig_tar_mem_read, &m, "test.tar");
  assert_int_equal (next (&t, &e, &err), 1);
  assert_string_equal (e.path, longname);
  brig_tar_entry_release (&e);
  assert_int_equal (next (&t, &e, &err), 1);
  assert_string_equal (e.path, "dir/from-pax-header");
  assert_int_equal (e.uid, 99999999);
  assert_int_equal (e.nxattrs, 1);
  assert_string_equal (e.xattrs[0].name, "user.key");
  assert_string_equal (e.xattrs[0].value, "value1");
  brig_tar_entry_release (&e);
  assert_int_equal (next (&t, &e, &err), 0);
  free (b.p);
}

static void
expect_error (struct buf *b, const char *msg)
{
  struct brig_tar_mem m = { b->p, b->len, 0 };
  struct brig_tar t;
  struct brig_tar_entry e;
  struct brig_err err = { 0 };
  char data[4096];
  size_t got;
  int r;

  brig_tar_init (&t, brig_tar_mem_read, &m, "bad.tar");
  while ((r = next (&t, &e, &err)) == 1)
    {
      while ((r = brig_tar_read (&t, data, sizeof data, &got, &err)) == 0 && got > 0)
        ;
      brig_tar_entry_release (&e);
      if (r < 0)
        break;
    }
  assert_true (r < 0);
  if (strstr (err.msg, msg) == NULL)
    fail_msg ("`%s` lacks `%s`", err.msg, msg);
  assert_non_null (strstr (err.msg, "bad.tar"));
  brig_err_release (&err);
}

static void
test_bad_archives (void **state)
{
  struct buf b = { 0 };
  (void)state;

  /* Cut inside a file's data. */
  file (&b, "f", "0123456789");
  b.len -= 512 - 4;
  expect_error (&b, "truncated");
  b.len = 0;
  /* Cut inside a header. */
  file (&b, "f", "0123456789");
  header (&b, '0', "g", NULL, 0, false);
  b.len -= 100;
  expect_error (&b, "truncated");
  b.len = 0;
  /* A flipped bit in a header. */
  file (&b, "f", "x");
  b.p[10] ^= 1;
  expect_error (&b, "checksum");
  b.len = 0;
  /* Sparse files are refused by type. */
  header (&b, 'S', "sparse", NULL, 0, true);
  end (&b);
  expect_error (&b, "type `S`");
  b.len = 0;
  /* A pax header too large to be honest. */
  header (&b, 'x', "PaxHeaders/x", NULL, (uint64_t)BRIG_TAR_MAX_EXT + 1, false);
  expect_error (&b, "extension header");
  b.len = 0;
  /* A pax record whose length lies. */
  pax (&b, "99 path=x\n");
  file (&b, "f", "x");
  expect_error (&b, "malformed pax record");
  b.len = 0;
  /* A pax header with nothing after it. */
  pax (&b, "10 path=x\n");
  end (&b);
  expect_error (&b, "no entry after it");
  free (b.p);
}

static void
test_sha256 (void **state)
{
  char d[BRIG_DIGEST_LEN];
  struct brig_sha256 h;
  struct brig_err err = { 0 };
  const char *hex;
  (void)state;

  /* FIPS 180-4 examples (NIST CSRC): "abc" and the empty string. */
  brig_sha256_of ("abc", 3, d);
  assert_string_equal (d,
                       "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  brig_sha256_of ("", 0, d);
  assert_string_equal (d,
                       "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  /* Streaming gives the same. */
  brig_sha256_init (&h);
  brig_sha256_update (&h, "a", 1);
  brig_sha256_update (&h, "bc", 2);
  brig_sha256_digest (&h, d);
  assert_string_equal (d + 7, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_true (brig_digest_valid (d));
  assert_int_equal (brig_digest_hex (d, "digest", &hex, &err), 0);
  assert_string_equal (hex, d + 7);
  assert_false (brig_digest_valid (
      "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  assert_false (brig_digest_valid ("sha256:ba78"));
  assert_true (brig_digest_hex ("sha512:abcd", "the config digest", &hex, &err) < 0);
  assert_non_null (strstr (err.msg, "`sha512` is not supported"));
  brig_err_release (&err);
  assert_true (brig_digest_hex ("sha256:../../etc", "digest", &hex, &err) < 0);
  brig_err_release (&err);
}

static void
symlink_entry (struct buf *b, const char *name, const char *target)
{
  header (b, '2', name, target, 0, false);
}

/* Unpack B into a new directory as the unprivileged user would (no
 * chown, whiteouts applied); returns the directory's fd, or -1 with ERR. */
static int
unpack (struct buf *b, char *dir, struct brig_err *err)
{
  struct brig_tar_mem m = { b->p, b->len, 0 };
  struct brig_tar t;
  struct brig_unpack_opts o = { .squash = true,
                                .uid_base = (uint32_t)getuid (),
                                .gid_base = (uint32_t)getgid (),
                                .id_count = 1,
                                .max_bytes = 1 << 20,
                                .max_entries = 100 };
  struct brig_unpack_stats st;
  int fd;

  assert_non_null (mkdtemp (dir));
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (fd >= 0);
  brig_tar_init (&t, brig_tar_mem_read, &m, "layer");
  if (brig_unpack_layer (fd, &t, &o, &st, err) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static void
cleanup_dir (const char *dir, int fd)
{
  if (fd >= 0)
    close (fd);
  brig_remove_tree_at (AT_FDCWD, dir, NULL);
}

static void
test_unpack_confines_paths (void **state)
{
  struct buf b = { 0 };
  struct brig_err err = { 0 };
  char dir[] = "/tmp/brig-unpack.XXXXXX";
  struct stat st;
  int fd;
  (void)state;

  /* An absolute path, a link out of the root, a file written through it
   * and through a link to the root's parent: all inside. */
  file (&b, "/abs", "a");
  symlink_entry (&b, "up", "../../../..");
  file (&b, "up/through-up", "b");
  header (&b, '5', "etc", NULL, 0, false);
  symlink_entry (&b, "etc-link", "/etc");
  file (&b, "etc-link/passwd", "c");
  header (&b, '3', "dev/mem", NULL, 0, false);
  header (&b, '1', "etc/passwd-link", "etc-link/passwd", 0, false);
  end (&b);
  fd = unpack (&b, dir, &err);
  if (fd < 0)
    fail_msg ("%s", err.msg);
  assert_int_equal (fstatat (fd, "abs", &st, 0), 0);
  assert_int_equal (fstatat (fd, "through-up", &st, 0), 0);
  assert_int_equal (fstatat (fd, "etc/passwd", &st, 0), 0);
  assert_int_equal (fstatat (fd, "dev/mem", &st, AT_SYMLINK_NOFOLLOW), -1);
  /* A hard link, through a link inside the root, to a file of the layer. */
  assert_int_equal (fstatat (fd, "etc/passwd-link", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (st.st_nlink, 2);
  cleanup_dir (dir, fd);
  free (b.p);
}

static void
refused (const char *what, struct buf *b, const char *msg)
{
  struct brig_err err = { 0 };
  char dir[] = "/tmp/brig-unpack.XXXXXX";
  int fd = unpack (b, dir, &err);

  if (fd >= 0)
    fail_msg ("%s: unpacked", what);
  if (strstr (err.msg, msg) == NULL)
    fail_msg ("%s: `%s` lacks `%s`", what, err.msg, msg);
  brig_err_release (&err);
  cleanup_dir (dir, -1);
  free (b->p);
  *b = (struct buf){ 0 };
}

static void
test_unpack_refuses (void **state)
{
  struct buf b = { 0 };
  static char big[16384];
  (void)state;

  file (&b, "a/../../x", "x");
  end (&b);
  refused ("dotdot", &b, "leaves the root");
  header (&b, '1', "hl", "../etc/shadow", 0, false);
  end (&b);
  refused ("hard link out", &b, "hard link target `../etc/shadow` leaves the root");
  header (&b, '1', "hl", "missing", 0, false);
  end (&b);
  refused ("hard link to nothing", &b, "is not in this layer");
  file (&b, "d/.wh..", "");
  end (&b);
  refused ("whiteout of ..", &b, "names no file");
  memset (big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  for (int i = 0; i < 70; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "f%d", i);
      file (&b, name, big);
    }
  end (&b);
  refused ("too many bytes", &b, "refused as a decompression bomb");
  for (int i = 0; i < 101; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "e%d", i);
      file (&b, name, "");
    }
  end (&b);
  refused ("too many entries", &b, "more than 100 entries");
}

static void
test_unpack_whiteouts_applied (void **state)
{
  struct buf b = { 0 };
  struct brig_err err = { 0 };
  char dir[] = "/tmp/brig-unpack.XXXXXX";
  struct stat st;
  int fd;
  (void)state;

  /* A whiteout removes what the layer itself made before it; an opaque
   * marker hides only lower layers' files (OCI image spec), so var/old,
   * from this same layer, stays. */
  file (&b, "gone", "1");
  file (&b, "var/old", "1");
  file (&b, "var/.wh..wh..opq", "");
  file (&b, "var/new", "2");
  file (&b, ".wh.gone", "");
  end (&b);
  fd = unpack (&b, dir, &err);
  if (fd < 0)
    fail_msg ("%s", err.msg);
  assert_int_equal (fstatat (fd, "gone", &st, AT_SYMLINK_NOFOLLOW), -1);
  assert_int_equal (fstatat (fd, "var/new", &st, 0), 0);
  assert_int_equal (fstatat (fd, "var/old", &st, 0), 0);
  assert_int_equal (fstatat (fd, ".wh.gone", &st, AT_SYMLINK_NOFOLLOW), -1);
  cleanup_dir (dir, fd);
  free (b.p);
}

/* A memfd holding LEN bytes of DATA. */
static int
memfd_with (const void *data, size_t len)
{
  int fd = memfd_create ("blob", MFD_CLOEXEC);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, data, len), (ssize_t)len);
  return fd;
}

static int
read_all (int fd, size_t len, uint64_t max, char out_digest[BRIG_DIGEST_LEN], struct brig_err *err)
{
  struct brig_stream *st;
  char buf[1000];
  size_t got;
  int r = brig_stream_open (fd, 0, len, true, max, "blob", &st, err);

  if (r < 0)
    return r;
  while ((r = brig_stream_read (st, buf, sizeof buf, &got, err)) == 0 && got > 0)
    ;
  if (r == 0)
    r = brig_stream_finish (st, NULL, out_digest, err);
  brig_stream_free (st);
  return r;
}

static void
test_streams (void **state)
{
  static unsigned char plain[100000], gz[120000], zs[120000];
  char want[BRIG_DIGEST_LEN], got[BRIG_DIGEST_LEN];
  struct brig_err err = { 0 };
  z_stream z = { 0 };
  size_t gzlen, zslen;
  int fd;
  (void)state;

  for (size_t i = 0; i < sizeof plain; i++)
    plain[i] = (unsigned char)(i * 7 % 251);
  brig_sha256_of (plain, sizeof plain, want);
  assert_int_equal (deflateInit2 (&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = plain;
  z.avail_in = sizeof plain;
  z.next_out = gz;
  z.avail_out = sizeof gz;
  assert_int_equal (deflate (&z, Z_FINISH), Z_STREAM_END);
  gzlen = sizeof gz - z.avail_out;
  deflateEnd (&z);
  zslen = ZSTD_compress (zs, sizeof zs, plain, sizeof plain, 3);
  assert_false (ZSTD_isError (zslen));

  /* gzip and zstd give the bytes back, and the digest of what they hold. */
  fd = memfd_with (gz, gzlen);
  assert_int_equal (read_all (fd, gzlen, UINT64_MAX, got, &err), 0);
  assert_string_equal (got, want);
  /* Bounded: one byte short of the whole is refused. */
  assert_true (read_all (fd, gzlen, sizeof plain - 1, got, &err) < 0);
  assert_non_null (strstr (err.msg, "decompression bomb"));
  brig_err_release (&err);
  /* Cut short: the compressed stream does not end. */
  assert_true (read_all (fd, gzlen - 10, UINT64_MAX, got, &err) < 0);
  assert_non_null (strstr (err.msg, "truncated"));
  brig_err_release (&err);
  close (fd);
  /* Bytes after the end of the stream. */
  {
    unsigned char more[120100];
    memcpy (more, gz, gzlen);
    memcpy (more + gzlen, "trailing", 8);
    fd = memfd_with (more, gzlen + 8);
    assert_true (read_all (fd, gzlen + 8, UINT64_MAX, got, &err) < 0);
    assert_non_null (strstr (err.msg, "data after the end"));
    brig_err_release (&err);
    close (fd);
  }
  /* A flipped byte: gzip's CRC or the inflater says so. */
  gz[gzlen / 2] ^= 0x55;
  fd = memfd_with (gz, gzlen);
  assert_true (read_all (fd, gzlen, UINT64_MAX, got, &err) < 0);
  assert_non_null (strstr (err.msg, "corrupted gzip data"));
  brig_err_release (&err);
  close (fd);
  fd = memfd_with (zs, zslen);
  assert_int_equal (read_all (fd, zslen, UINT64_MAX, got, &err), 0);
  assert_string_equal (got, want);
  assert_true (read_all (fd, zslen - 5, UINT64_MAX, got, &err) < 0);
  brig_err_release (&err);
  close (fd);
  /* A blob larger than the file: truncated. */
  fd = memfd_with (plain, 10);
  assert_true (read_all (fd, 20, UINT64_MAX, got, &err) < 0);
  assert_non_null (strstr (err.msg, "truncated"));
  brig_err_release (&err);
  close (fd);
}

static void
test_names_and_platforms (void **state)
{
  static const struct
  {
    const char *in, *out;
  } ok[] = {
    { "busybox", "busybox:latest" },
    { "docker.io/library/busybox:1.36", "busybox:1.36" },
    { "docker.io/me/app", "me/app:latest" },
    { "localhost:5000/app", "localhost:5000/app:latest" },
    { "localhost/app:V1.2-rc_3", "localhost/app:V1.2-rc_3" },
    { "localhost:5000/app:TAG", "localhost:5000/app:TAG" },
  };
  static const char *const bad[] = {
    "", "UPPER", "a//b", "../x", "/abs", "a:", "a b", "localhost:5000/Foo", "localhost:5000/Foo:1"
  };
  static const char index[]
      = "{\"schemaVersion\":2,\"manifests\":["
        "{\"digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
        "\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
        "{\"digest\":\"sha256:2222222222222222222222222222222222222222222222222222222222222222\","
        "\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
        "{\"digest\":\"sha256:3333333333333333333333333333333333333333333333333333333333333333\","
        "\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
  struct brig_err err = { 0 };
  struct brig_index idx;
  char *seen = NULL;
  (void)state;

  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      char *n = brig_ref_normalize (ok[i].in, &err);
      if (n == NULL)
        fail_msg ("%s: %s", ok[i].in, err.msg);
      assert_string_equal (n, ok[i].out);
      free (n);
    }
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      assert_null (brig_ref_normalize (bad[i], &err));
      assert_non_null (strstr (err.msg, "is not an image name"));
      brig_err_release (&err);
    }
  assert_int_equal (brig_parse_index (index, strlen (index), "index", &idx, &err), 0);
  assert_int_equal (brig_index_pick (&idx, "linux", "arm", "v7", &seen), 1);
  assert_int_equal (brig_index_pick (&idx, "linux", "amd64", NULL, &seen), 2);
  assert_int_equal (brig_index_pick (&idx, "linux", "s390x", NULL, &seen), -1);
  assert_string_equal (seen, "linux/arm/v6, linux/arm/v7, linux/amd64");
  free (seen);
  brig_index_release (&idx);
  /* A digest that is not one is refused before it can be a file name. */
  {
    static const char evil[] = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":"
                               "\"sha256:../../../etc/passwd\",\"size\":1}]}";
    assert_true (brig_parse_index (evil, strlen (evil), "index", &idx, &err) < 0);
    assert_non_null (strstr (err.msg, "expected sha256: and 64 lower-case hex digits"));
    brig_err_release (&err);
  }
}

/* An entry of MODE without data (TYPE '0' a file, '5' a directory). */
static void
entry (struct buf *b, char type, const char *name, unsigned mode)
{
  header_mode (b, type, name, NULL, 0, false, mode);
}

/* The files brig audit --image keeps of LAYERS (N of them, bottom first),
 * "PATH MODE" each, space-separated. */
static char *
scanned (struct buf *layers, size_t n)
{
  static const struct brig_load_opts bounds = { .max_layer = 1 << 20, .max_entries = 100 };
  struct brig_scan_opts o = { .watch = brig_image_watch, .bounds = &bounds };
  struct brig_tar_mem m[4];
  struct brig_tar t[4];
  struct brig_image_scan scan = { 0 };
  struct brig_err err = { 0 };
  char *out = NULL;

  for (size_t i = 0; i < n; i++)
    {
      m[i] = (struct brig_tar_mem){ layers[i].p, layers[i].len, 0 };
      brig_tar_init (&t[i], brig_tar_mem_read, &m[i], "layer");
    }
  if (brig_scan_tars (t, n, &o, &scan, &err) < 0)
    {
      out = xasprintf ("error: %s", err.msg);
      brig_err_release (&err);
      return out;
    }
  for (size_t i = 0; i < scan.nfiles; i++)
    {
      _cleanup_free_ char *one = xasprintf ("%s %o", scan.files[i].path, scan.files[i].mode);
      str_append (&out, " ", one);
    }
  brig_image_scan_release (&scan);
  return out ? out : xstrdup ("");
}

/* What the audit reads of layers: a later entry replaces a lower one, a
 * whiteout deletes a file or a directory and what is in it, an opaque
 * directory hides the lower layers' content but not its own layer's. */
static void
test_scan_whiteouts_and_opaque (void **state)
{
  struct buf l[3] = { 0 };
  char *got;

  (void)state;
  entry (&l[0], '5', "bin/", 0755);
  entry (&l[0], '0', "bin/sh", 0755);
  entry (&l[0], '0', "bin/su", 04755);
  entry (&l[0], '0', "./usr/bin/passwd", 04755);
  entry (&l[0], '0', "usr/bin/newgrp", 02755);
  entry (&l[0], '5', "tmp/", 01777);
  entry (&l[0], '5', "srv/drop/", 0777);
  entry (&l[0], '0', "srv/drop/x", 04755);
  entry (&l[0], '0', "etc/app.conf", 0666);
  entry (&l[0], '0', "opt/bin/sh", 0755); /* not where programs are looked up */
  end (&l[0]);
  entry (&l[1], '0', "bin/.wh.su", 0644);       /* deleted */
  entry (&l[1], '0', "usr/bin/passwd", 0755);   /* replaced: no longer setuid */
  entry (&l[1], '0', "srv/.wh..wh..opq", 0644); /* hides srv/drop and its file */
  entry (&l[1], '0', "srv/mine", 04711);        /* but not its own layer's */
  entry (&l[1], '0', "usr/sbin/apk", 0755);
  end (&l[1]);
  entry (&l[2], '0', "usr/.wh.sbin", 0644); /* a directory, with apk */
  entry (&l[2], '0', "bin/su", 06755);      /* back, after its whiteout */
  end (&l[2]);
  got = scanned (l, 1);
  assert_string_equal (got, "/bin/sh 755 /bin/su 4755 /etc/app.conf 666 /srv/drop 777 "
                            "/srv/drop/x 4755 /usr/bin/newgrp 2755 /usr/bin/passwd 4755");
  free (got);
  got = scanned (l, 2);
  assert_string_equal (got, "/bin/sh 755 /etc/app.conf 666 /srv/mine 4711 /usr/bin/newgrp 2755 "
                            "/usr/sbin/apk 755");
  free (got);
  got = scanned (l, 3);
  assert_string_equal (got, "/bin/sh 755 /bin/su 6755 /etc/app.conf 666 /srv/mine 4711 "
                            "/usr/bin/newgrp 2755");
  free (got);
  for (size_t i = 0; i < 3; i++)
    free (l[i].p);
  /* `..` leaves the root: an error, as at unpack. */
  {
    struct buf b = { 0 };
    entry (&b, '0', "a/../../etc/shadow", 04755);
    end (&b);
    got = scanned (&b, 1);
    assert_non_null (strstr (got, "leaves the root"));
    free (got);
    free (b.p);
  }
}

/* The rules over a hand-made image: each finding at its place. */
static void
test_stored_image_rules (void **state)
{
  static char *env[]
      = { "PATH=/bin", "DB_PASSWORD=x", "API_TOKEN_FILE=/run/t", "SECRET_KEY=", NULL };
  static char *ports[] = { "8080/tcp", "20-25/tcp", "5900", NULL };
  static char *latest[] = { "app:latest", NULL };
  static char *none[] = { "NONE", NULL };
  struct brig_scan_file files[] = {
    { .path = "/bin/sh", .type = BRIG_SCAN_SYMLINK, .mode = 0777, .watched = true },
    { .path = "/srv", .type = BRIG_SCAN_DIR, .mode = 0777 },
    { .path = "/tmp", .type = BRIG_SCAN_DIR, .mode = 01777 },
    { .path = "/usr/bin/su", .type = BRIG_SCAN_FILE, .mode = 04755 },
  };
  struct brig_image_scan img = { .ref = "app",
                                 .user = "0:0",
                                 .env = env,
                                 .exposed_ports = ports,
                                 .healthcheck = none,
                                 .tags = latest,
                                 .files = files,
                                 .nfiles = 4 };
  struct brig_findings f = { 0 };
  _cleanup_free_ char *got = NULL;

  (void)state;
  img.name = "app:latest@sha256:1";
  for (size_t i = 0; i < img.nfiles; i++)
    files[i].where = xasprintf ("%s:%s", img.name, files[i].path);
  brig_audit_stored_image (&img, &f);
  for (size_t i = 0; i < f.n; i++)
    {
      _cleanup_free_ char *one = xasprintf ("%s@%s", f.v[i].rule->id, f.v[i].file);
      str_append (&got, " ", one);
    }
  assert_string_equal (got, "BRIG-C018@app:latest@sha256:1 BRIG-I001@app:latest@sha256:1 "
                            "BRIG-I002@app:latest@sha256:1 BRIG-I003@app:latest@sha256:1 "
                            "BRIG-I005@app:latest@sha256:1:/usr/bin/su "
                            "BRIG-I006@app:latest@sha256:1:/srv BRIG-I007@app:latest@sha256:1 "
                            "BRIG-I007@app:latest@sha256:1 BRIG-I008@app:latest@sha256:1");
  assert_string_equal (f.v[2].message, "Env DB_PASSWORD: a secret in the image's configuration, "
                                       "readable by anyone who can pull it (value not shown)");
  assert_string_equal (f.v[6].message, "ExposedPorts 20-25/tcp: the image offers SSH");
  assert_string_equal (f.v[7].message, "ExposedPorts 5900: the image offers VNC");
  brig_findings_release (&f);
  /* Pinned, a version tag, an unprivileged user, a health check: none of
   * those. */
  img.pinned = true;
  img.user = "10001";
  img.healthcheck = NULL;
  {
    static char *hc[] = { "CMD", "true", NULL };
    img.healthcheck = hc;
  }
  brig_audit_stored_image (&img, &f);
  for (size_t i = 0; i < f.n; i++)
    {
      const char *id = f.v[i].rule->id;
      assert_true (strcmp (id, "BRIG-C018") && strcmp (id, "BRIG-I001")
                   && strcmp (id, "BRIG-I008"));
    }
  brig_findings_release (&f);
  for (size_t i = 0; i < img.nfiles; i++)
    free (files[i].where);
  assert_int_equal (brig_image_tool ("/usr/local/bin/pip3"), BRIG_TOOL_PACKAGES);
  assert_int_equal (brig_image_tool ("/usr/bin/bash"), BRIG_TOOL_SHELL);
  assert_int_equal (brig_image_tool ("/opt/bin/bash"), BRIG_TOOL_NONE);
  assert_int_equal (brig_image_tool ("/usr/bin/bashful"), BRIG_TOOL_NONE);
}

/* The string map the scan indexes paths with: values kept across growth. */
static void
test_strmap (void **state)
{
  struct brig_strmap m = { 0 };
  int fresh;

  (void)state;
  assert_null (brig_strmap_get (&m, "a"));
  for (size_t i = 0; i < 1000; i++)
    {
      _cleanup_free_ char *k = xasprintf ("/path/%zu", i);
      *brig_strmap_put (&m, k, &fresh) = i + 1;
      assert_true (fresh);
    }
  assert_int_equal (m.n, 1000);
  for (size_t i = 0; i < 1000; i++)
    {
      _cleanup_free_ char *k = xasprintf ("/path/%zu", i);
      assert_int_equal (*brig_strmap_get (&m, k), i + 1);
    }
  *brig_strmap_put (&m, "/path/7", &fresh) = 42;
  assert_false (fresh);
  assert_int_equal (*brig_strmap_get (&m, "/path/7"), 42);
  assert_null (brig_strmap_get (&m, "/path/1000"));
  brig_strmap_release (&m);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ustar_and_data),
    cmocka_unit_test (test_pax_and_gnu_longnames),
    cmocka_unit_test (test_bad_archives),
    cmocka_unit_test (test_sha256),
    cmocka_unit_test (test_unpack_confines_paths),
    cmocka_unit_test (test_unpack_refuses),
    cmocka_unit_test (test_unpack_whiteouts_applied),
    cmocka_unit_test (test_streams),
    cmocka_unit_test (test_names_and_platforms),
    cmocka_unit_test (test_scan_whiteouts_and_opaque),
    cmocka_unit_test (test_stored_image_rules),
    cmocka_unit_test (test_strmap),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
