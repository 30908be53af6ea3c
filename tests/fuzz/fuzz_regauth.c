/* Fuzz what brig pull reads besides images (src/image/regauth.h): the
 * first byte picks the parser, the rest is its input: an image
 * reference, a WWW-Authenticate header, a token server's answer, a
 * Docker config.json with "auths". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/regauth.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  char *text, *a = NULL, *b = NULL;

  if (size == 0)
    return 0;
  text = xstrndup ((const char *)data + 1, size - 1);
  switch (data[0] % 4)
    {
    case 0:
      {
        struct brig_registry_ref r;
        if (brig_registry_ref_parse (text, &r, &err) == 0)
          {
            /* What a parsed reference promises. */
            if (!r.domain || !r.api_host || !r.repo || (!r.tag && !r.digest)
                || strstr (r.repo, "..") || strchr (r.domain, '/'))
              abort ();
            brig_registry_ref_release (&r);
          }
        break;
      }
    case 1:
      {
        struct brig_challenge c;
        if (brig_challenge_parse (text, strlen (text), &c, &err) == 0)
          {
            if (!c.scheme)
              abort ();
            brig_challenge_release (&c);
          }
        break;
      }
    case 2:
      if (brig_token_parse (text, strlen (text), "fuzz", &a, &err) == 0)
        for (const char *p = a; *p; p++)
          if (*p <= ' ' || *p >= 0x7f)
            abort ();
      break;
    default:
      if (brig_auth_file_find (text, strlen (text), "fuzz", "docker.io", &a, &b, &err) == 1
          && (!a || !b || !*a))
        abort ();
      break;
    }
  free (a);
  free (b);
  free (text);
  brig_err_release (&err);
  return 0;
}
