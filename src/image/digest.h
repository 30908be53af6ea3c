/* SHA-256 digests as image stores name blobs: "sha256:" and 64 lower-case
 * hex digits.  The hash is nettle's (Debian's libnettle), a small vetted
 * implementation that uses the CPU's SHA instructions where there are any.
 * Pure: no file is read here. */
#ifndef BRIG_IMAGE_DIGEST_H
#define BRIG_IMAGE_DIGEST_H

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define BRIG_DIGEST_HEX 64
/* "sha256:" + 64 hex + NUL */
#define BRIG_DIGEST_LEN (7 + BRIG_DIGEST_HEX + 1)

struct brig_sha256
{
  struct sha256_ctx ctx;
};

void brig_sha256_init (struct brig_sha256 *h);
void brig_sha256_update (struct brig_sha256 *h, const void *data, size_t len);
/* "sha256:<hex>" of what was hashed, into OUT; H is reset. */
void brig_sha256_digest (struct brig_sha256 *h, char out[BRIG_DIGEST_LEN]);
/* The digest of LEN bytes at DATA. */
void brig_sha256_of (const void *data, size_t len, char out[BRIG_DIGEST_LEN]);

/* S is "sha256:" and 64 lower-case hex digits. */
bool brig_digest_valid (const char *s);
/* Check S (WHAT names it in the error: "the config digest") and return its
 * hex part in RET_HEX.  Other algorithms are refused by name. */
int brig_digest_hex (const char *s, const char *what, const char **ret_hex, struct brig_err *err);

#endif
