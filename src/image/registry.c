/* Pulling from a distribution v2 registry with libcurl (registry.h). */
#include "image/registry.h"
#include "image/regauth.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <nettle/base64.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_DOC (4u << 20)     /* a manifest or config */
#define MAX_ANSWER (64u << 10) /* a token server's answer, an error body kept */
#define MAX_REDIRS 5L
#define MAX_BUSY_TRIES 3
#define MAX_BUSY_WAIT 10L
#define MAX_DEPTH 2

static const char accept_manifests[] = "Accept: application/vnd.oci.image.index.v1+json, "
                                       "application/vnd.docker.distribution.manifest.list.v2+json, "
                                       "application/vnd.oci.image.manifest.v1+json, "
                                       "application/vnd.docker.distribution.manifest.v2+json";

struct session
{
  CURL *c;
  struct brig_store *s;
  const struct brig_pull_opts *o;
  struct brig_registry_ref ref;
  const char *ref_text;
  char *scheme;  /* "https" or "http" */
  bool insecure; /* named in --insecure-registry */
  char *user, *pass;
  char *auth; /* "Authorization: ..." for the registry, or NULL */
  char **new_blobs;
};

/* One answer: its status and headers, its body into a buffer or a blob. */
struct answer
{
  long status;
  char *challenge, *content_digest;
  char *buf;
  size_t len, max;
  struct brig_blob_writer *w;
  uint64_t want_size; /* a blob's size from its descriptor */
  struct brig_err *err;
  int werr;         /* the sink's error */
  int hops;         /* redirects followed */
  long retry_after; /* seconds, from a 429 or 503's Retry-After; -1: none */
  char *final_url;  /* where the answer came from, after them */
};

static void
answer_release (struct answer *a)
{
  free (a->challenge);
  free (a->content_digest);
  free (a->buf);
  free (a->final_url);
  memset (a, 0, sizeof *a);
}

static char *
header_value (const char *line, size_t n, const char *name)
{
  size_t k = strlen (name);
  if (n <= k || strncasecmp (line, name, k) != 0 || line[k] != ':')
    return NULL;
  line += k + 1, n -= k + 1;
  while (n > 0 && (*line == ' ' || *line == '\t'))
    line++, n--;
  while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' '))
    n--;
  return xstrndup (line, n);
}

static size_t
on_header (char *p, size_t size, size_t n, void *ctx)
{
  struct answer *a = ctx;
  size_t len = size * n;
  char *v;

  if (len > 5 && strncmp (p, "HTTP/", 5) == 0)
    {
      /* A new answer (after a redirect): forget the last one's headers. */
      const char *sp = memchr (p, ' ', len);
      a->status = sp ? strtol (sp + 1, NULL, 10) : 0;
      free (a->challenge);
      free (a->content_digest);
      a->challenge = a->content_digest = NULL;
      a->retry_after = -1;
    }
  else if ((v = header_value (p, len, "Retry-After")))
    {
      /* Seconds only; an HTTP date is taken as no advice. */
      char *end;
      long s = strtol (v, &end, 10);
      a->retry_after = end != v && *end == '\0' && s >= 0 ? s : -1;
      free (v);
    }
  else if ((v = header_value (p, len, "WWW-Authenticate")))
    {
      free (a->challenge);
      a->challenge = v;
    }
  else if ((v = header_value (p, len, "Docker-Content-Digest")))
    {
      free (a->content_digest);
      a->content_digest = v;
    }
  return len;
}

static size_t
on_body (char *p, size_t size, size_t n, void *ctx)
{
  struct answer *a = ctx;
  size_t len = size * n;

  if (a->status == 200 && a->w)
    {
      if (a->w->size + len > a->want_size)
        {
          a->werr = brig_error (a->err, 0, "more than the %" PRIu64 " bytes its descriptor gives",
                                a->want_size);
          return 0;
        }
      if ((a->werr = brig_blob_writer_write (a->w, p, len, a->err)) < 0)
        return 0;
      return len;
    }
  /* A document, or an error's body (kept only in part). */
  if (a->len + len > a->max)
    {
      if (a->status != 200)
        len = a->max > a->len ? a->max - a->len : 0;
      else
        {
          a->werr = brig_error (a->err, 0, "the answer is larger than %zu bytes: refused", a->max);
          return 0;
        }
    }
  a->buf = xrealloc (a->buf, a->len + len + 1);
  memcpy (a->buf + a->len, p, len);
  a->len += len;
  a->buf[a->len] = '\0';
  return size * n;
}

/* certs.d/HOSTPORT/ca.crt when there is one. */
static char *
ca_file (const struct session *ss, const char *hostport)
{
  char *p;

  if (ss->o->certs_dir == NULL || strchr (hostport, '/') || hostport[0] == '.')
    return NULL;
  p = xasprintf ("%s/%s/ca.crt", ss->o->certs_dir, hostport);
  if (access (p, R_OK) == 0)
    return p;
  free (p);
  return NULL;
}

static bool
is_insecure (const struct brig_pull_opts *o, const char *hostport)
{
  return o->insecure && strv_contains (o->insecure, hostport);
}

/* What went wrong with a transfer to URL, in words that say what to do. */
static int
transfer_error (struct session *ss, CURLcode rc, const char *url, const char *hostport,
                struct answer *a, const char *errbuf, struct brig_err *err)
{
  const char *why = errbuf[0] ? errbuf : curl_easy_strerror (rc);

  if (a->werr < 0)
    return brig_err_wrap (err, "registry %s: %s", ss->ref.domain, url);
  switch (rc)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return brig_error (err, 0,
                         "registry %s: TLS failed with %s (%s): give its CA as %s/%s/ca.crt, or, "
                         "to use it without verification or over plain HTTP, "
                         "--insecure-registry %s",
                         ss->ref.domain, hostport, why,
                         ss->o->certs_dir ? ss->o->certs_dir : "CERTS_DIR", hostport, hostport);
    case CURLE_OPERATION_TIMEDOUT:
      return brig_error (err, ETIMEDOUT, "registry %s: %s: no answer within %ld s (%s)",
                         ss->ref.domain, url, ss->o->timeout, why);
    default:
      return brig_error (err, 0, "registry %s: %s: %s", ss->ref.domain, url, why);
    }
}

/* The scheme and HOST[:PORT] of URL (allocated), or -1. */
static int
url_parts (const char *url, char **ret_scheme, char **ret_hostport)
{
  CURLU *u = curl_url ();
  char *scheme = NULL, *host = NULL, *port = NULL;
  int r = -1;

  if (u && curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
    {
      if (curl_url_get (u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
        port = NULL;
      *ret_scheme = xstrdup (scheme);
      *ret_hostport = port ? xasprintf ("%s:%s", host, port) : xstrdup (host);
      r = 0;
    }
  curl_free (scheme);
  curl_free (host);
  curl_free (port);
  curl_url_cleanup (u);
  return r;
}

/* One GET of URL (at HOSTPORT) into A, following no redirect. */
static int
get_once (struct session *ss, const char *url, const char *accept, const char *auth,
          const char *hostport, struct answer *a, struct brig_err *err)
{
  struct curl_slist *h = NULL;
  _cleanup_free_ char *ca = ca_file (ss, hostport);
  char errbuf[CURL_ERROR_SIZE] = "";
  bool insecure = is_insecure (ss->o, hostport);
  CURLcode rc;

  a->err = err;
  if (accept)
    h = curl_slist_append (h, accept);
  if (auth)
    h = curl_slist_append (h, auth);
  curl_easy_reset (ss->c);
  curl_easy_setopt (ss->c, CURLOPT_URL, url);
  curl_easy_setopt (ss->c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt (ss->c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (ss->c, CURLOPT_USERAGENT, "brig/" BRIG_VERSION);
  curl_easy_setopt (ss->c, CURLOPT_PROTOCOLS_STR, insecure ? "http,https" : "https");
  curl_easy_setopt (ss->c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (ss->c, CURLOPT_CONNECTTIMEOUT, ss->o->timeout);
  curl_easy_setopt (ss->c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (ss->c, CURLOPT_LOW_SPEED_TIME, ss->o->timeout);
  curl_easy_setopt (ss->c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (ss->c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (ss->c, CURLOPT_HEADERDATA, a);
  curl_easy_setopt (ss->c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (ss->c, CURLOPT_WRITEDATA, a);
  if (ca)
    curl_easy_setopt (ss->c, CURLOPT_CAINFO, ca);
  if (insecure)
    {
      curl_easy_setopt (ss->c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (ss->c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  rc = curl_easy_perform (ss->c);
  curl_slist_free_all (h);
  if (rc != CURLE_OK)
    return transfer_error (ss, rc, url, hostport, a, errbuf, err);
  curl_easy_getinfo (ss->c, CURLINFO_RESPONSE_CODE, &a->status);
  return 0;
}

/* GET URL (at HOSTPORT) into A.  AUTH: the Authorization header, or NULL.
 * FOLLOW: follow redirects (blobs are often served from elsewhere), each
 * hop judged as its own host: plain HTTP and unverified TLS only for a
 * host named with --insecure-registry, its own certs.d CA, and AUTH only
 * to the host it was meant for. */
static int
get (struct session *ss, const char *url_, const char *accept, const char *auth_, bool follow,
     const char *hostport_, struct answer *a, struct brig_err *err)
{
  _cleanup_free_ char *url = xstrdup (url_), *hostport = xstrdup (hostport_);
  const char *auth = auth_;
  int r;

  for (;;)
    {
      _cleanup_free_ char *scheme = NULL, *next_hp = NULL;
      char *next = NULL;

      if ((r = get_once (ss, url, accept, auth, hostport, a, err)) < 0)
        return r;
      if (!follow
          || (a->status != 301 && a->status != 302 && a->status != 303 && a->status != 307
              && a->status != 308))
        break;
      if (a->hops == MAX_REDIRS)
        return brig_error (err, 0, "registry %s: %s: more than %ld redirects", ss->ref.domain, url_,
                           MAX_REDIRS);
      if (curl_easy_getinfo (ss->c, CURLINFO_REDIRECT_URL, &next) != CURLE_OK || next == NULL
          || url_parts (next, &scheme, &next_hp) < 0)
        return brig_error (err, 0, "registry %s: %s: HTTP %ld without a usable Location",
                           ss->ref.domain, url, a->status);
      if (strcmp (scheme, "https") != 0
          && !(strcmp (scheme, "http") == 0 && is_insecure (ss->o, next_hp)))
        return brig_error (err, 0,
                           "registry %s: %s redirected to `%.200s`: plain HTTP only for a host "
                           "named with --insecure-registry",
                           ss->ref.domain, url_, next);
      if (strcmp (next_hp, hostport) != 0)
        auth = NULL; /* never the registry's credentials to another host */
      free (url);
      url = xstrdup (next);
      free (hostport);
      hostport = steal_pointer (&next_hp);
      a->hops++;
      a->len = 0; /* the redirect's own body is not the answer */
    }
  free (a->final_url);
  a->final_url = steal_pointer (&url);
  return 0;
}

static char *
basic_header (const char *user, const char *pass)
{
  _cleanup_free_ char *plain = xasprintf ("%s:%s", user, pass);
  size_t n = strlen (plain);
  char *enc = xmalloc (BASE64_ENCODE_RAW_LENGTH (n) + 1), *h;

  base64_encode_raw (enc, n, (const uint8_t *)plain);
  enc[BASE64_ENCODE_RAW_LENGTH (n)] = '\0';
  h = xasprintf ("Authorization: Basic %s", enc);
  free (enc);
  return h;
}

static char *
registry_url (const struct session *ss, const char *path)
{
  return xasprintf ("%s://%s%s", ss->scheme, ss->ref.api_host, path);
}

static const char *
creds_hint (const struct session *ss)
{
  return ss->user ? "the credentials given were refused"
                  : "give credentials with --creds USER:PASSWORD, or `docker login` "
                    "(the auths of $BRIG_AUTH_FILE or ~/.docker/config.json)";
}

/* The bearer token the challenge C asks for. */
static int
fetch_token (struct session *ss, const struct brig_challenge *c, struct brig_err *err)
{
  _cleanup_free_ char *url = NULL, *scope = NULL, *service = NULL, *auth = NULL, *token = NULL;
  _cleanup_free_ char *rscheme = NULL, *rhostport = NULL;
  struct answer a = { .max = MAX_ANSWER };
  CURLU *u;
  char *x;
  int r;

  if (c->realm == NULL || url_parts (c->realm, &rscheme, &rhostport) < 0)
    return brig_error (err, 0, "registry %s: its Bearer challenge has no usable realm (`%.200s`)",
                       ss->ref.domain, c->realm ? c->realm : "");
  if (strcmp (rscheme, "https") != 0
      && !(strcmp (rscheme, "http") == 0 && is_insecure (ss->o, rhostport)))
    return brig_error (err, 0,
                       "registry %s: its token server `%.200s` is not https (plain HTTP only "
                       "for a host named with --insecure-registry)",
                       ss->ref.domain, c->realm);
  u = curl_url ();
  if (u == NULL || curl_url_set (u, CURLUPART_URL, c->realm, 0) != CURLUE_OK)
    {
      curl_url_cleanup (u);
      return brig_error (err, ENOMEM, "registry %s: token server `%.200s`", ss->ref.domain,
                         c->realm);
    }
  scope = c->scope ? xstrdup (c->scope) : xasprintf ("repository:%s:pull", ss->ref.repo);
  if (c->service)
    {
      x = curl_easy_escape (ss->c, c->service, 0);
      service = xasprintf ("service=%s", x);
      curl_free (x);
      curl_url_set (u, CURLUPART_QUERY, service, CURLU_APPENDQUERY);
    }
  x = curl_easy_escape (ss->c, scope, 0);
  free (scope);
  scope = xasprintf ("scope=%s", x);
  curl_free (x);
  if (curl_url_set (u, CURLUPART_QUERY, scope, CURLU_APPENDQUERY) != CURLUE_OK
      || curl_url_get (u, CURLUPART_URL, &x, 0) != CURLUE_OK)
    {
      curl_url_cleanup (u);
      return brig_error (err, 0, "registry %s: token server `%.200s`: cannot add the scope",
                         ss->ref.domain, c->realm);
    }
  url = xstrdup (x);
  curl_free (x);
  curl_url_cleanup (u);
  /* Credentials go to the token server over HTTPS, or to the registry's
   * own host; never in clear text to another host. */
  if (ss->user && (strcmp (rscheme, "https") == 0 || strcmp (rhostport, ss->ref.api_host) == 0))
    auth = basic_header (ss->user, ss->pass);
  if ((r = get (ss, url, NULL, auth, true, rhostport, &a, err)) < 0)
    goto out;
  if (a.status == 401 || a.status == 403)
    r = brig_error (err, 0,
                    "registry %s: its token server %s refused a token for %s (HTTP %ld): %s",
                    ss->ref.domain, rhostport, ss->ref.repo, a.status, creds_hint (ss));
  else if (a.status != 200)
    r = brig_error (err, 0, "registry %s: its token server %s answered HTTP %ld", ss->ref.domain,
                    rhostport, a.status);
  else if ((r = brig_token_parse (a.buf ? a.buf : "", a.len, "the token server's answer", &token,
                                  err))
           == 0)
    {
      free (ss->auth);
      ss->auth = xasprintf ("Authorization: Bearer %s", token);
    }
out:
  answer_release (&a);
  return r;
}

/* What a 401 asks for, and the retry it allows: 1 to retry, or an error. */
static int
authenticate (struct session *ss, const struct answer *a, bool retried, struct brig_err *err)
{
  struct brig_challenge c;
  int r;

  if (retried || a->challenge == NULL)
    return brig_error (err, 0, "registry %s refused access to %s (HTTP 401): %s", ss->ref.domain,
                       ss->ref.repo, creds_hint (ss));
  if ((r = brig_challenge_parse (a->challenge, strlen (a->challenge), &c, err)) < 0)
    return brig_err_wrap (err, "registry %s", ss->ref.domain);
  if (strcasecmp (c.scheme, "Bearer") == 0)
    r = fetch_token (ss, &c, err);
  else if (strcasecmp (c.scheme, "Basic") == 0 && ss->user)
    {
      if (strcmp (ss->scheme, "https") != 0 && !ss->insecure)
        r = brig_error (err, 0, "registry %s: no credentials over plain HTTP", ss->ref.domain);
      else
        {
          free (ss->auth);
          ss->auth = basic_header (ss->user, ss->pass);
        }
    }
  else if (strcasecmp (c.scheme, "Basic") == 0)
    r = brig_error (err, 0, "registry %s needs credentials for %s (HTTP 401): %s", ss->ref.domain,
                    ss->ref.repo, creds_hint (ss));
  else
    r = brig_error (err, 0,
                    "registry %s asks for `%.40s` authentication; brig speaks Basic and "
                    "Bearer",
                    ss->ref.domain, c.scheme);
  brig_challenge_release (&c);
  return r < 0 ? r : 1;
}

/* GET PATH of the registry, answering one 401 with credentials. */
static int
registry_get (struct session *ss, const char *path, const char *accept, bool follow,
              struct answer *a, struct brig_err *err)
{
  _cleanup_free_ char *url = registry_url (ss, path);
  struct answer keep = *a;
  int r, auth_tries = 0, busy_tries = 0;

  for (;;)
    {
      if (a->w && a->w->size > 0)
        return brig_error (err, 0, "internal: retry after a partial blob");
      if ((r = get (ss, url, accept, ss->auth, follow, ss->ref.api_host, a, err)) < 0)
        return r;
      /* Busy (429) or briefly down (502, 503, 504): asked again, at most
       * MAX_BUSY_TRIES times, after what Retry-After says (at most
       * MAX_BUSY_WAIT s) or 1, 2, 4 s; as docker pull does. */
      if ((a->status == 429 || a->status == 502 || a->status == 503 || a->status == 504)
          && busy_tries < MAX_BUSY_TRIES)
        {
          long wait = a->retry_after >= 0 ? a->retry_after : 1L << busy_tries;
          busy_tries++;
          sleep ((unsigned)(wait < MAX_BUSY_WAIT ? wait : MAX_BUSY_WAIT));
          answer_release (a);
          *a = keep;
          continue;
        }
      if (a->status != 401)
        return 0;
      /* A host the registry sent us to has no say over its credentials. */
      if (a->hops > 0)
        return brig_error (err, 0,
                           "registry %s: %s redirected to `%.200s`, which answered HTTP 401: "
                           "brig gives the registry's credentials to no other host",
                           ss->ref.domain, url, a->final_url ? a->final_url : "?");
      if ((r = authenticate (ss, a, auth_tries++ > 0, err)) < 0)
        return r;
      answer_release (a);
      *a = keep;
    }
}

static const char *
status_words (long status)
{
  switch (status)
    {
    case 403:
      return "access denied";
    case 429:
      return "too many requests; try later";
    default:
      return status >= 500 ? "the registry failed" : "unexpected answer";
    }
}

/* "HTTP 503 (the registry failed; it says: UNAVAILABLE: ...)" for A. */
static char *
status_text (const struct answer *a)
{
  _cleanup_free_ char *says = brig_registry_error_says (a->buf, a->len);

  return xasprintf ("HTTP %ld (%s%s%s)", a->status, status_words (a->status),
                    says ? "; it says: " : "", says ? says : "");
}

/* Which scheme: https; for an insecure registry, http when https fails. */
static int
ping (struct session *ss, struct brig_err *err)
{
  struct answer a = { .max = MAX_ANSWER };
  _cleanup_free_ char *url = NULL;
  int r;

  ss->scheme = xstrdup ("https");
  url = registry_url (ss, "/v2/");
  r = get (ss, url, NULL, NULL, false, ss->ref.api_host, &a, err);
  if (r < 0 && ss->insecure)
    {
      brig_err_release (err);
      answer_release (&a);
      a.max = MAX_ANSWER;
      free (ss->scheme);
      free (url);
      ss->scheme = xstrdup ("http");
      url = registry_url (ss, "/v2/");
      r = get (ss, url, NULL, NULL, false, ss->ref.api_host, &a, err);
    }
  if (r == 0 && (a.status == 429 || a.status >= 500))
    {
      _cleanup_free_ char *st = status_text (&a);
      r = brig_error (err, 0, "registry %s: GET %s: %s", ss->ref.domain, url, st);
    }
  else if (r == 0 && a.status != 200 && a.status != 401)
    r = brig_error (err, 0,
                    "%s does not answer as a registry (GET %s: HTTP %ld; expected the "
                    "distribution API v2)",
                    ss->ref.domain, url, a.status);
  answer_release (&a);
  return r;
}

/* The document REFERENCE (a tag or digest) of the repository, checked
 * against WANT (a digest, or NULL). */
static int
get_manifest (struct session *ss, const char *reference, const char *want, char **ret_buf,
              size_t *ret_len, char ret_digest[BRIG_DIGEST_LEN], struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("/v2/%s/manifests/%s", ss->ref.repo, reference);
  struct answer a = { .max = MAX_DOC };
  int r;

  if ((r = registry_get (ss, path, accept_manifests, false, &a, err)) < 0)
    goto out;
  if (a.status == 404)
    {
      r = brig_error (err, 0, "image %s not found in registry %s (no manifest `%s` in %s)",
                      ss->ref_text, ss->ref.domain, reference, ss->ref.repo);
      goto out;
    }
  if (a.status != 200)
    {
      _cleanup_free_ char *st = status_text (&a);
      r = brig_error (err, 0, "registry %s: manifest %s of %s: %s", ss->ref.domain, reference,
                      ss->ref.repo, st);
      goto out;
    }
  brig_sha256_of (a.buf ? a.buf : "", a.len, ret_digest);
  if (want && strcmp (want, ret_digest) != 0)
    {
      r = brig_error (err, 0, "registry %s: manifest %s of %s has digest %s: refused",
                      ss->ref.domain, want, ss->ref.repo, ret_digest);
      goto out;
    }
  if (!want && a.content_digest && brig_digest_valid (a.content_digest)
      && strcmp (a.content_digest, ret_digest) != 0)
    {
      r = brig_error (err, 0,
                      "registry %s: manifest %s of %s has digest %s, the registry says %s: "
                      "refused",
                      ss->ref.domain, reference, ss->ref.repo, ret_digest, a.content_digest);
      goto out;
    }
  *ret_buf = a.buf ? steal_pointer (&a.buf) : xstrdup ("");
  *ret_len = a.len;
out:
  answer_release (&a);
  return r;
}

static void
note_new (struct session *ss, const char *digest, bool is_new)
{
  if (is_new)
    strv_push (&ss->new_blobs, xstrdup (digest));
}

/* Blob D of the repository into the store, unless the store has it. */
static int
get_blob (struct session *ss, const struct brig_descriptor *d, uint64_t max, const char *limit,
          struct brig_pulled *p, bool *ret_fetched, struct brig_err *err)
{
  _cleanup_free_ char *path = NULL, *label = NULL;
  struct brig_blob_writer w;
  struct answer a = { .max = MAX_ANSWER, .w = &w };
  char got[BRIG_DIGEST_LEN];
  bool is_new = false;
  int r;

  *ret_fetched = false;
  if (brig_store_has (ss->s, d->digest))
    {
      p->reused++;
      return 0;
    }
  if (d->size < 0)
    return brig_error (err, 0, "registry %s: blob %s has no size", ss->ref.domain, d->digest);
  if ((uint64_t)d->size > max)
    return brig_error (err, 0, "registry %s: blob %s of %s is %" PRId64 " bytes, more than %s",
                       ss->ref.domain, d->digest, ss->ref.repo, d->size, limit);
  path = xasprintf ("/v2/%s/blobs/%s", ss->ref.repo, d->digest);
  label = xasprintf ("blob %s of %s (registry %s)", d->digest, ss->ref.repo, ss->ref.domain);
  a.want_size = (uint64_t)d->size;
  if ((r = brig_blob_writer_open (ss->s, &w, err)) < 0)
    return r;
  if ((r = registry_get (ss, path, NULL, true, &a, err)) < 0)
    {
      brig_err_wrap (err, "blob %s of %s", d->digest, ss->ref.repo);
      goto fail;
    }
  if (a.status == 404)
    r = brig_error (err, 0, "%s: not found in the registry (HTTP 404)", label);
  else if (a.status != 200)
    {
      _cleanup_free_ char *st = status_text (&a);
      r = brig_error (err, 0, "%s: %s", label, st);
    }
  else if (w.size != (uint64_t)d->size)
    r = brig_error (err, 0, "%s: %" PRIu64 " bytes, its descriptor says %" PRId64, label, w.size,
                    d->size);
  if (r < 0)
    goto fail;
  answer_release (&a);
  if ((r = brig_blob_writer_commit (&w, d->digest, label, got, &is_new, err)) < 0)
    return r;
  note_new (ss, got, is_new);
  p->fetched++;
  *ret_fetched = true;
  return 0;
fail:
  answer_release (&a);
  brig_blob_writer_abort (&w);
  return r;
}

/* The image manifest in BUF: its config and layers, then itself. */
static int
pull_manifest (struct session *ss, const char *buf, size_t len, const char *mdigest,
               struct brig_pulled *p, struct brig_err *err)
{
  struct brig_manifest m;
  struct brig_image_config cfg = { 0 };
  _cleanup_free_ char *cbuf = NULL;
  char stored[BRIG_DIGEST_LEN];
  size_t clen;
  bool fetched, is_new;
  int r;

  if ((r = brig_parse_manifest (buf, len, mdigest, &m, err)) < 0)
    return brig_err_wrap (err, "registry %s", ss->ref.domain);
  if ((r = get_blob (ss, &m.config, MAX_DOC, "4 MiB (an image config)", p, &fetched, err)) < 0
      || (r = brig_store_read_blob (ss->s, m.config.digest, MAX_DOC, &cbuf, &clen, err)) < 0
      || (r = brig_parse_image_config (cbuf, clen, m.config.digest, &cfg, err)) < 0)
    goto out;
  if (cfg.ndiff_ids != m.nlayers)
    {
      r = brig_error (err, 0, "registry %s: manifest %s has %zu layers, its config %zu diff_ids",
                      ss->ref.domain, mdigest, m.nlayers, cfg.ndiff_ids);
      goto out;
    }
  for (size_t i = 0; i < m.nlayers && r == 0; i++)
    if ((r
         = get_blob (ss, &m.layers[i], ss->o->load.max_layer, "--max-layer-size", p, &fetched, err))
            == 0
        && fetched)
      r = brig_layer_verify (ss->s, m.layers[i].digest, cfg.diff_ids[i], &ss->o->load, err);
  if (r == 0 && (r = brig_store_put_buf (ss->s, buf, len, stored, &is_new, err)) == 0)
    {
      note_new (ss, stored, is_new);
      snprintf (p->digest, sizeof p->digest, "%s", stored);
    }
out:
  brig_image_config_release (&cfg);
  brig_manifest_release (&m);
  return r;
}

/* REFERENCE: an index (this machine's platform is taken) or a manifest. */
static int
pull_reference (struct session *ss, const char *reference, const char *want, int depth,
                struct brig_pulled *p, struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  char digest[BRIG_DIGEST_LEN];
  enum brig_doc_kind kind;
  size_t len = 0;
  int r;

  if ((r = get_manifest (ss, reference, want, &buf, &len, digest, err)) < 0)
    return r;
  if (depth == 0)
    snprintf (p->resolved, sizeof p->resolved, "%s", digest);
  if ((r = brig_doc_kind (buf, len, digest, &kind, err)) < 0)
    return brig_err_wrap (err, "registry %s", ss->ref.domain);
  if (kind == BRIG_DOC_INDEX)
    {
      struct brig_index idx;
      const char *arch, *variant;
      char *seen = NULL;
      int pick;
      if (depth >= MAX_DEPTH)
        return brig_error (err, 0, "registry %s: indexes nested more than %d deep", ss->ref.domain,
                           MAX_DEPTH);
      if ((r = brig_parse_index (buf, len, digest, &idx, err)) < 0)
        return brig_err_wrap (err, "registry %s", ss->ref.domain);
      brig_host_platform (&arch, &variant);
      pick = brig_index_pick (&idx, "linux", arch, variant, &seen);
      if (pick < 0)
        r = brig_error (err, 0,
                        "image %s in registry %s has no image for linux/%s%s%s (it has: %s)",
                        ss->ref_text, ss->ref.domain, arch, variant ? "/" : "",
                        variant ? variant : "", seen ? seen : "none");
      else
        r = pull_reference (ss, idx.v[pick].digest, idx.v[pick].digest, depth + 1, p, err);
      free (seen);
      brig_index_release (&idx);
      return r;
    }
  return pull_manifest (ss, buf, len, digest, p, err);
}

static int
load_creds (struct session *ss, struct brig_err *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  int r;

  if (ss->o->creds)
    return brig_creds_split (ss->o->creds, &ss->user, &ss->pass, err);
  if (ss->o->auth_file == NULL)
    return 0;
  r = brig_read_file (ss->o->auth_file, 1u << 20, &buf, &len, err);
  if (r == -ENOENT)
    {
      brig_err_release (err);
      return 0;
    }
  if (r < 0)
    return r;
  r = brig_auth_file_find (buf, len, ss->o->auth_file, ss->ref.domain, &ss->user, &ss->pass, err);
  return r < 0 ? r : 0;
}

int
brig_image_pull (struct brig_store *s, const char *ref, const struct brig_pull_opts *o,
                 struct brig_pulled *ret, struct brig_err *err)
{
  struct session ss = { .s = s, .o = o, .ref_text = ref };
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = brig_registry_ref_parse (ref, &ss.ref, err)) < 0)
    return r;
  ss.insecure = is_insecure (o, ss.ref.api_host);
  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK || (ss.c = curl_easy_init ()) == NULL)
    {
      brig_registry_ref_release (&ss.ref);
      return brig_error (err, ENOMEM, "libcurl could not start");
    }
  if ((r = load_creds (&ss, err)) == 0 && (r = ping (&ss, err)) == 0)
    r = pull_reference (&ss, ss.ref.digest ? ss.ref.digest : ss.ref.tag, ss.ref.digest, 0, ret,
                        err);
  if (r == 0)
    {
      _cleanup_free_ char *full = xasprintf ("%s/%s", ss.ref.domain, ss.ref.repo);
      if ((ret->repo = brig_ref_repository (full, err)) == NULL)
        r = -EINVAL;
    }
  if (r == 0 && ss.ref.tag)
    {
      _cleanup_free_ char *full = xasprintf ("%s/%s:%s", ss.ref.domain, ss.ref.repo, ss.ref.tag);
      ret->name = brig_ref_normalize (full, err);
      if (ret->name == NULL)
        r = -EINVAL;
    }
  if (r < 0)
    for (size_t i = 0; ss.new_blobs && ss.new_blobs[i]; i++)
      brig_store_remove_blob (s, ss.new_blobs[i]);
  curl_easy_cleanup (ss.c);
  curl_global_cleanup ();
  strv_free (ss.new_blobs);
  free (ss.scheme);
  free (ss.user);
  if (ss.pass)
    explicit_bzero (ss.pass, strlen (ss.pass));
  free (ss.pass);
  free (ss.auth);
  brig_registry_ref_release (&ss.ref);
  return r;
}

void
brig_pulled_release (struct brig_pulled *p)
{
  free (p->name);
  free (p->repo);
  p->name = p->repo = NULL;
}
