/* SHA-256 digests of blobs (digest.h). */
#include "image/digest.h"

#include <string.h>

void
brig_sha256_init (struct brig_sha256 *h)
{
  sha256_init (&h->ctx);
}

void
brig_sha256_update (struct brig_sha256 *h, const void *data, size_t len)
{
  sha256_update (&h->ctx, len, data);
}

void
brig_sha256_digest (struct brig_sha256 *h, char out[BRIG_DIGEST_LEN])
{
  static const char hex[] = "0123456789abcdef";
  uint8_t raw[SHA256_DIGEST_SIZE];

  sha256_digest (&h->ctx, sizeof raw, raw);
  memcpy (out, "sha256:", 7);
  for (size_t i = 0; i < sizeof raw; i++)
    {
      out[7 + 2 * i] = hex[raw[i] >> 4];
      out[7 + 2 * i + 1] = hex[raw[i] & 15];
    }
  out[BRIG_DIGEST_LEN - 1] = '\0';
}

void
brig_sha256_of (const void *data, size_t len, char out[BRIG_DIGEST_LEN])
{
  struct brig_sha256 h;

  brig_sha256_init (&h);
  brig_sha256_update (&h, data, len);
  brig_sha256_digest (&h, out);
}

bool
brig_digest_valid (const char *s)
{
  if (s == NULL || strncmp (s, "sha256:", 7) != 0 || strlen (s + 7) != BRIG_DIGEST_HEX)
    return false;
  for (const char *p = s + 7; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return false;
  return true;
}

int
brig_digest_hex (const char *s, const char *what, const char **ret_hex, struct brig_err *err)
{
  const char *colon = s ? strchr (s, ':') : NULL;

  if (brig_digest_valid (s))
    {
      *ret_hex = s + 7;
      return 0;
    }
  if (colon && strncmp (s, "sha256:", 7) != 0)
    return brig_error (err, 0, "%s `%.80s`: the algorithm `%.*s` is not supported (only sha256)",
                       what, s, (int)(colon - s), s);
  return brig_error (err, 0, "%s `%.80s`: expected sha256: and 64 lower-case hex digits", what,
                     s ? s : "");
}
