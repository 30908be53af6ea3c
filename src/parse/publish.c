/* -p/--publish, --add-host, --dns: docker run's syntax, brig's defaults. */
#include "parse/publish.h"
#include "util/cleanup.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

/* A port number or a range "LO-HI" in [1, 65535]; the whole of S. */
static bool
port_range (const char *s, size_t len, unsigned *lo, unsigned *hi)
{
  unsigned v[2] = { 0, 0 };
  int k = 0;
  size_t digits = 0;

  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '-' && k == 0 && digits > 0)
        {
          k = 1;
          digits = 0;
          continue;
        }
      if (!isdigit ((unsigned char)s[i]) || ++digits > 5)
        return false;
      v[k] = v[k] * 10 + (unsigned)(s[i] - '0');
    }
  if (digits == 0)
    return false;
  if (k == 0)
    v[1] = v[0];
  if (v[0] < 1 || v[1] > 65535 || v[0] > v[1])
    return false;
  *lo = v[0];
  *hi = v[1];
  return true;
}

/* Canonical text of a numeric address, or false. */
static bool
canonical_ip (const char *s, size_t len, char *out, size_t outlen)
{
  unsigned char a[16];
  char buf[64];

  if (len == 0 || len >= sizeof buf)
    return false;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (inet_pton (AF_INET, buf, a) == 1)
    return inet_ntop (AF_INET, a, out, (socklen_t)outlen) != NULL;
  if (inet_pton (AF_INET6, buf, a) == 1)
    return inet_ntop (AF_INET6, a, out, (socklen_t)outlen) != NULL;
  return false;
}

#define PUBLISH_FORMS                                                                              \
  "expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], e.g. 8080:80 (loopback only), "                \
  "127.0.0.1:8080:80, 0.0.0.0:8080:80 (every interface) or [::1]:5353:53/udp"

int
brig_parse_publish (const char *s, struct brig_port **ports, size_t *n, struct brig_err *err)
{
  char ip[48] = "";
  const char *p = s, *slash, *colon, *end;
  unsigned hlo, hhi, clo, chi;
  bool udp = false;

  end = s + strlen (s);
  if ((slash = strchr (s, '/')))
    {
      if (strcmp (slash, "/udp") == 0)
        udp = true;
      else if (strcmp (slash, "/tcp") != 0)
        return brig_error (err, 0, "-p `%s`: unknown protocol `%s`: expected /tcp or /udp", s,
                           slash + 1);
      end = slash;
    }
  /* The address: [v6] or everything before the second-to-last colon. */
  if (*p == '[')
    {
      const char *close = memchr (p, ']', (size_t)(end - p));
      if (close == NULL || close[1] != ':'
          || !canonical_ip (p + 1, (size_t)(close - p - 1), ip, sizeof ip)
          || strchr (ip, ':') == NULL)
        return brig_error (err, 0, "-p `%s`: bad IPv6 address in brackets; " PUBLISH_FORMS, s);
      p = close + 2;
    }
  else
    {
      const char *last = NULL, *prev = NULL;
      for (const char *q = p; q < end; q++)
        if (*q == ':')
          {
            prev = last;
            last = q;
          }
      if (last == NULL)
        return brig_error (err, 0,
                           "-p `%s`: brig needs a host port (it never picks one, nor "
                           "publishes on every interface unasked); " PUBLISH_FORMS,
                           s);
      if (prev)
        {
          if (!canonical_ip (p, (size_t)(prev - p), ip, sizeof ip) || strchr (ip, ':'))
            return brig_error (err, 0,
                               "-p `%s`: `%.*s` is not a numeric IPv4 address (IPv6 goes in "
                               "brackets: [::1]:8080:80); " PUBLISH_FORMS,
                               s, (int)(prev - p), p);
          p = prev + 1;
        }
    }
  colon = memchr (p, ':', (size_t)(end - p));
  if (colon == NULL || colon == p)
    return brig_error (err, 0,
                       "-p `%s`: brig needs a host port (it never picks one); " PUBLISH_FORMS, s);
  if (!port_range (p, (size_t)(colon - p), &hlo, &hhi))
    return brig_error (err, 0,
                       "-p `%s`: host port `%.*s` is not a port (1-65535) or range; " PUBLISH_FORMS,
                       s, (int)(colon - p), p);
  if (!port_range (colon + 1, (size_t)(end - colon - 1), &clo, &chi))
    return brig_error (
        err, 0, "-p `%s`: container port `%.*s` is not a port (1-65535) or range; " PUBLISH_FORMS,
        s, (int)(end - colon - 1), colon + 1);
  if (hhi - hlo != chi - clo)
    return brig_error (err, 0, "-p `%s`: the host range has %u ports and the container range %u", s,
                       hhi - hlo + 1, chi - clo + 1);
  if (*n + (hhi - hlo + 1) > BRIG_MAX_PORTS)
    return brig_error (err, 0, "-p `%s`: more than %d published ports", s, BRIG_MAX_PORTS);
  for (size_t i = 0; i < *n; i++)
    if ((*ports)[i].udp == udp && (*ports)[i].host_port >= hlo && (*ports)[i].host_port <= hhi
        && strcmp ((*ports)[i].host_ip, ip) == 0)
      return brig_error (err, 0, "-p `%s`: host port %u/%s is published twice", s,
                         (*ports)[i].host_port, udp ? "udp" : "tcp");
  *ports = xreallocarray (*ports, *n + (hhi - hlo + 1), sizeof **ports);
  for (unsigned k = 0; k <= hhi - hlo; k++)
    {
      struct brig_port *o = &(*ports)[(*n)++];
      memset (o, 0, sizeof *o);
      memcpy (o->host_ip, ip, sizeof ip);
      o->host_port = (uint16_t)(hlo + k);
      o->container_port = (uint16_t)(clo + k);
      o->udp = udp;
    }
  return 0;
}

bool
brig_valid_hostname (const char *s)
{
  size_t len = strlen (s), label = 0;

  if (len == 0 || len > 253)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '.')
        {
          if (label == 0 || s[i - 1] == '-')
            return false;
          label = 0;
          continue;
        }
      if (!isalnum ((unsigned char)s[i]) && (s[i] != '-' || label == 0))
        return false;
      if (++label > 63)
        return false;
    }
  return label > 0 && s[len - 1] != '-';
}

int
brig_parse_ip (const char *s, char **ret, struct brig_err *err)
{
  char ip[48];

  if (!canonical_ip (s, strlen (s), ip, sizeof ip))
    return brig_error (err, 0, "`%s` is not a numeric IPv4 or IPv6 address", s);
  *ret = xstrdup (ip);
  return 0;
}

int
brig_parse_add_host (const char *s, char **ret_line, struct brig_err *err)
{
  const char *colon = strchr (s, ':');
  const char *addr;
  char ip[48];
  size_t alen;
  _cleanup_free_ char *name = NULL;

  if (colon == NULL)
    goto bad;
  name = xstrndup (s, (size_t)(colon - s));
  if (!brig_valid_hostname (name))
    return brig_error (err, 0,
                       "--add-host `%s`: `%s` is not a host name (letters, digits, `-` and "
                       "`.`)",
                       s, name);
  addr = colon + 1;
  alen = strlen (addr);
  if (alen >= 2 && addr[0] == '[' && addr[alen - 1] == ']')
    {
      addr++;
      alen -= 2;
    }
  if (!canonical_ip (addr, alen, ip, sizeof ip))
    goto bad;
  *ret_line = xasprintf ("%s\t%s", ip, name);
  return 0;
bad:
  return brig_error (err, 0,
                     "--add-host `%s`: expected NAME:IP with a numeric address, e.g. "
                     "db:192.0.2.10 or db:[2001:db8::1]",
                     s);
}
