/* Registry references and authentication documents (regauth.h). */
#include "image/regauth.h"
#include "image/digest.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <jansson.h>
#include <nettle/base64.h>
#include <string.h>

#define MAX_TOKEN 16384
#define MAX_PARAM 4096

void
brig_registry_ref_release (struct brig_registry_ref *r)
{
  free (r->domain);
  free (r->api_host);
  free (r->repo);
  free (r->tag);
  free (r->digest);
  memset (r, 0, sizeof *r);
}

static bool
repo_valid (const char *s)
{
  /* Components of [a-z0-9] joined by `.`, `_`, `__`, `-`, split by `/`. */
  size_t n = strlen (s);

  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = s[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      bool sep = c == '.' || c == '_' || c == '-' || c == '/';
      if (!alnum && !sep)
        return false;
      if (sep
          && (i == 0 || i == n - 1 || (c == '/' && !isalnum ((unsigned char)s[i - 1]))
              || (c != '_' && !isalnum ((unsigned char)s[i - 1]))))
        return false;
    }
  return strstr (s, "/.") == NULL && strstr (s, "./") == NULL;
}

static bool
tag_valid (const char *s)
{
  size_t n = strlen (s);

  if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
      return false;
  return true;
}

static bool
domain_valid (const char *s)
{
  size_t n = strlen (s);

  if (n == 0 || n > 255 || s[0] == '-' || s[0] == '.')
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char)s[i]) && !strchr (".-:[]", s[i]))
      return false;
  return true;
}

int
brig_registry_ref_parse (const char *ref, struct brig_registry_ref *ret, struct brig_err *err)
{
  _cleanup_free_ char *name = NULL;
  char *at, *slash, *colon, *rest;

  memset (ret, 0, sizeof *ret);
  if (strlen (ref) > 512)
    return brig_error (err, 0, "image reference `%.60s...` is too long", ref);
  name = xstrdup (ref);
  if ((at = strchr (name, '@')))
    {
      *at++ = '\0';
      if (!brig_digest_valid (at))
        {
          brig_error (err, 0, "`%.200s`: after @ expected sha256: and 64 lower-case hex digits",
                      ref);
          goto fail;
        }
      ret->digest = xstrdup (at);
    }
  rest = name;
  slash = strchr (name, '/');
  if (slash
      && (memchr (name, '.', (size_t)(slash - name)) || memchr (name, ':', (size_t)(slash - name))
          || strncmp (name, "localhost/", 10) == 0))
    {
      ret->domain = xstrndup (name, (size_t)(slash - name));
      rest = slash + 1;
      if (!domain_valid (ret->domain))
        {
          brig_error (err, 0, "`%.200s`: `%s` is not a registry host[:port]", ref, ret->domain);
          goto fail;
        }
    }
  else
    ret->domain = xstrdup ("docker.io");
  colon = strrchr (rest, ':');
  if (colon)
    {
      *colon++ = '\0';
      if (!tag_valid (colon))
        {
          brig_error (err, 0,
                      "`%.200s`: `%.130s` is not a tag (letters, digits, `_`, `.`, `-`; at "
                      "most 128)",
                      ref, colon);
          goto fail;
        }
      ret->tag = xstrdup (colon);
    }
  else if (!ret->digest)
    ret->tag = xstrdup ("latest");
  if (!repo_valid (rest))
    {
      brig_error (err, 0,
                  "`%.200s` is not an image reference: expected [HOST[:PORT]/]NAME[:TAG][@sha256:"
                  "DIGEST], NAME in lower-case letters, digits, `.`, `_`, `-` and `/`",
                  ref);
      goto fail;
    }
  if (strcmp (ret->domain, "docker.io") == 0 || strcmp (ret->domain, "index.docker.io") == 0)
    {
      free (ret->domain);
      ret->domain = xstrdup ("docker.io");
      ret->api_host = xstrdup ("registry-1.docker.io");
      ret->repo = strchr (rest, '/') ? xstrdup (rest) : xasprintf ("library/%s", rest);
    }
  else
    {
      ret->api_host = xstrdup (ret->domain);
      ret->repo = xstrdup (rest);
    }
  return 0;
fail:
  brig_registry_ref_release (ret);
  return -EINVAL;
}

void
brig_challenge_release (struct brig_challenge *c)
{
  free (c->scheme);
  free (c->realm);
  free (c->service);
  free (c->scope);
  memset (c, 0, sizeof *c);
}

static bool
token_char (char c)
{
  return isalnum ((unsigned char)c) || strchr ("!#$%&'*+-.^_`|~/", c);
}

int
brig_challenge_parse (const char *hdr, size_t len, struct brig_challenge *ret, struct brig_err *err)
{
  const char *p = hdr, *end = hdr + len;
  static const char *const keys[] = { "realm", "service", "scope" };

  memset (ret, 0, sizeof *ret);
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  {
    const char *s = p;
    while (p < end && token_char (*p))
      p++;
    if (p == s)
      return brig_error (err, 0, "WWW-Authenticate: no scheme");
    ret->scheme = xstrndup (s, (size_t)(p - s));
  }
  while (p < end)
    {
      const char *k, *v;
      size_t kn;
      char *val = NULL;
      while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
        p++;
      if (p == end)
        break;
      for (k = p; p < end && token_char (*p) && *p != '='; p++)
        ;
      kn = (size_t)(p - k);
      if (kn == 0 || p == end || *p != '=')
        goto bad;
      p++;
      if (p < end && *p == '"')
        {
          size_t n = 0;
          val = xmalloc ((size_t)(end - p));
          for (p++; p < end && *p != '"'; p++)
            {
              if (*p == '\\' && p + 1 < end)
                p++;
              if ((unsigned char)*p < 0x20 || *p == 0x7f)
                {
                  free (val);
                  goto bad;
                }
              val[n++] = *p;
            }
          if (p == end)
            {
              free (val);
              goto bad;
            }
          p++;
          val[n] = '\0';
        }
      else
        {
          for (v = p; p < end && token_char (*p); p++)
            ;
          val = xstrndup (v, (size_t)(p - v));
        }
      if (strlen (val) > MAX_PARAM)
        {
          free (val);
          brig_challenge_release (ret);
          return brig_error (err, 0, "WWW-Authenticate: a parameter longer than %d bytes",
                             MAX_PARAM);
        }
      for (size_t i = 0; i < ARRAY_SIZE (keys); i++)
        if (strlen (keys[i]) == kn && strncasecmp (k, keys[i], kn) == 0)
          {
            char **slot = i == 0 ? &ret->realm : i == 1 ? &ret->service : &ret->scope;
            free (*slot);
            *slot = steal_pointer (&val);
            break;
          }
      free (val);
    }
  return 0;
bad:
  brig_challenge_release (ret);
  return brig_error (err, 0, "WWW-Authenticate: malformed parameters (expected k=\"v\", ...)");
}

int
brig_token_parse (const char *buf, size_t len, const char *name, char **ret_token,
                  struct brig_err *err)
{
  json_error_t je;
  json_t *j = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &je);
  const char *t;
  int r = 0;

  if (!json_is_object (j))
    {
      json_decref (j);
      return brig_error (err, 0, "%s: not a JSON object (%s)", name, je.text);
    }
  t = json_string_value (json_object_get (j, "token"));
  if (t == NULL || *t == '\0')
    t = json_string_value (json_object_get (j, "access_token"));
  if (t == NULL || *t == '\0')
    r = brig_error (err, 0, "%s: no `token` or `access_token` in the answer", name);
  else if (strlen (t) > MAX_TOKEN)
    r = brig_error (err, 0, "%s: the token is longer than %d bytes", name, MAX_TOKEN);
  else
    {
      for (const char *c = t; *c; c++)
        if (*c <= 0x20 || *c >= 0x7f)
          {
            r = brig_error (err, 0, "%s: the token holds a space or control character", name);
            break;
          }
      if (r == 0)
        *ret_token = xstrdup (t);
    }
  json_decref (j);
  return r;
}

/* KEY of an "auths" object as a host: "https://h/v1/" -> "h". */
static char *
auth_key_host (const char *key)
{
  if (str_has_prefix (key, "https://"))
    key += 8;
  else if (str_has_prefix (key, "http://"))
    key += 7;
  return xstrndup (key, strcspn (key, "/"));
}

static bool
auth_key_matches (const char *key, const char *domain)
{
  _cleanup_free_ char *h = auth_key_host (key);

  if (strcmp (h, domain) == 0)
    return true;
  return strcmp (domain, "docker.io") == 0
         && (strcmp (h, "index.docker.io") == 0 || strcmp (h, "registry-1.docker.io") == 0);
}

int
brig_creds_split (const char *creds, char **ret_user, char **ret_pass, struct brig_err *err)
{
  const char *c = strchr (creds, ':');

  if (c == NULL || c == creds)
    return brig_error (err, 0, "credentials must be USER:PASSWORD (a user, a colon, a password)");
  *ret_user = xstrndup (creds, (size_t)(c - creds));
  *ret_pass = xstrdup (c + 1);
  return 0;
}

int
brig_auth_file_find (const char *buf, size_t len, const char *name, const char *domain,
                     char **ret_user, char **ret_pass, struct brig_err *err)
{
  json_error_t je;
  json_t *j = json_loadb (buf, len, 0, &je), *v;
  const char *key;
  int r = 0;

  if (!json_is_object (j))
    {
      json_decref (j);
      return brig_error (err, 0, "%s: not a JSON object (%s)", name, je.text);
    }
  json_object_foreach (json_object_get (j, "auths"), key, v)
  {
    const char *a = json_string_value (json_object_get (v, "auth"));
    struct base64_decode_ctx ctx;
    _cleanup_free_ char *raw = NULL;
    size_t n, alen;
    if (!auth_key_matches (key, domain) || a == NULL)
      continue;
    alen = strlen (a);
    if (alen > MAX_TOKEN)
      {
        r = brig_error (err, 0, "%s: the auth of `%.100s` is too long", name, key);
        break;
      }
    raw = xmalloc (BASE64_DECODE_LENGTH (alen) + 1);
    base64_decode_init (&ctx);
    n = BASE64_DECODE_LENGTH (alen);
    if (!base64_decode_update (&ctx, &n, (uint8_t *)raw, alen, a) || !base64_decode_final (&ctx))
      {
        r = brig_error (err, 0, "%s: the auth of `%.100s` is not base64", name, key);
        break;
      }
    raw[n] = '\0';
    if (strlen (raw) != n || brig_creds_split (raw, ret_user, ret_pass, err) < 0)
      {
        brig_err_release (err);
        r = brig_error (err, 0, "%s: the auth of `%.100s` is not base64 of USER:PASSWORD", name,
                        key);
        break;
      }
    r = 1;
    break;
  }
  json_decref (j);
  return r;
}
