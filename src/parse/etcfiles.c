/* /etc/hostname, /etc/hosts and /etc/resolv.conf for brig run (see
 * etcfiles.h). */
#include "parse/etcfiles.h"
#include "util/cleanup.h"

#include <arpa/inet.h>
#include <string.h>

static bool
is_address (const char *s)
{
  unsigned char buf[sizeof (struct in6_addr)];
  return inet_pton (AF_INET, s, buf) == 1 || inet_pton (AF_INET6, s, buf) == 1;
}

char *
brig_hosts_text (const char *hostname, char *const *extra)
{
  char *s = xasprintf ("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                       "127.0.1.1\t%s\n",
                       hostname);

  for (size_t i = 0; extra && extra[i]; i++)
    {
      char *t = xasprintf ("%s%s\n", s, extra[i]);
      free (s);
      s = t;
    }
  return s;
}

static bool
loopback (const char *ip)
{
  return strncmp (ip, "127.", 4) == 0 || strcmp (ip, "::1") == 0;
}

/* Append "KEY WORDS\n" to *S when WORDS has any. */
static void
add_line (char **s, const char *key, char *const *words)
{
  _cleanup_free_ char *joined = NULL;

  for (size_t i = 0; words && words[i]; i++)
    str_append (&joined, " ", words[i]);
  if (joined)
    {
      char *t = xasprintf ("%s%s %s\n", *s, key, joined);
      free (*s);
      *s = t;
    }
}

char *
brig_resolv_text (const char *host, size_t len, char *const *dns, char *const *search,
                  char *const *opts, bool host_net)
{
  _cleanup_strv_ char **ns = NULL, **hsearch = NULL, **hopts = NULL;
  char *s = xstrdup ("# brig run: --dns, --dns-search and --dns-option, else the host's\n");
  size_t off = 0;

  /* The host's lines: "nameserver IP", "search D...", "domain D",
     "options O..."; the last search or domain wins, as in resolv.conf(5). */
  while (host && off < len)
    {
      const char *nl = memchr (host + off, '\n', len - off);
      size_t end = nl ? (size_t)(nl - host) : len;
      _cleanup_free_ char *line = xstrndup (host + off, end - off);
      char *save = NULL, *key = strtok_r (line, " \t\r", &save), *w;

      off = end + 1;
      if (key == NULL || key[0] == '#' || key[0] == ';')
        continue;
      if (strcmp (key, "nameserver") == 0 && (w = strtok_r (NULL, " \t\r", &save)) && is_address (w)
          && (host_net || !loopback (w)))
        strv_push (&ns, xstrdup (w));
      else if (strcmp (key, "search") == 0 || strcmp (key, "domain") == 0)
        {
          strv_free (hsearch);
          hsearch = NULL;
          while ((w = strtok_r (NULL, " \t\r", &save)))
            strv_push (&hsearch, xstrdup (w));
        }
      else if (strcmp (key, "options") == 0)
        while ((w = strtok_r (NULL, " \t\r", &save)))
          strv_push (&hopts, xstrdup (w));
    }
  for (char *const *v = dns ? dns : ns; v && *v; v++)
    {
      char *t = xasprintf ("%snameserver %s\n", s, *v);
      free (s);
      s = t;
    }
  add_line (&s, "search", search ? search : hsearch);
  add_line (&s, "options", opts ? opts : hopts);
  return s;
}
