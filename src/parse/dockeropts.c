/* Docker's small syntaxes (see dockeropts.h).  Separators inside ${...}
 * (a variable's default may hold a colon) and inside [...] (an IPv6
 * address) do not separate. */
#include "parse/dockeropts.h"
#include "parse/envfile.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <string.h>

const char *
brig_docker_own (struct brig_workload *w, const char *s)
{
  char *p = xstrdup (s);
  strv_push (&w->strs, p);
  return p;
}

static const char *
own_n (struct brig_workload *w, const char *s, size_t n)
{
  char *p = xstrndup (s, n);
  strv_push (&w->strs, p);
  return p;
}

const char *
brig_docker_resolve (struct brig_workload *w, const char *s)
{
  char *out;

  if (strchr (s, '$') == NULL)
    return s;
  if ((out = brig_env_defaults (s)) == NULL)
    return NULL;
  strv_push (&w->strs, out);
  return out;
}

/* The offsets of the separators SEP in S that are outside ${...} and
 * [...], at most MAX of them, from the left. */
static size_t
split_at (const char *s, char sep, size_t *ret, size_t max)
{
  size_t n = 0;
  int brace = 0, bracket = 0;

  for (size_t i = 0; s[i]; i++)
    {
      if (s[i] == '$' && s[i + 1] == '{')
        {
          brace++;
          i++;
        }
      else if (s[i] == '}' && brace)
        brace--;
      else if (s[i] == '[' && !brace)
        bracket++;
      else if (s[i] == ']' && bracket)
        bracket--;
      else if (s[i] == sep && !brace && !bracket)
        {
          if (n == max)
            break;
          ret[n++] = i;
        }
    }
  return n;
}

static struct brig_wval
part (struct brig_workload *w, const char *s, size_t from, size_t to, struct brig_loc loc)
{
  if (to <= from)
    return (struct brig_wval){ 0 };
  return (struct brig_wval){ own_n (w, s + from, to - from), loc, true };
}

void
brig_docker_port (struct brig_workload *w, const char *s, struct brig_loc loc,
                  struct brig_wport *ret)
{
  size_t len = strlen (s), proto = len;

  *ret = (struct brig_wport){ .loc = loc };
  /* /tcp, /udp, /sctp at the end. */
  {
    const char *slash = strrchr (s, '/');
    if (slash && slash[1] && strspn (slash + 1, "abcdefghijklmnopqrstuvwxyz") == strlen (slash + 1))
      {
        proto = (size_t)(slash - s);
        ret->protocol = part (w, s, proto + 1, len, loc);
      }
  }
  {
    _cleanup_free_ char *body = xstrndup (s, proto);
    size_t seps[64];
    size_t n = split_at (body, ':', seps, ARRAY_SIZE (seps));
    if (n == 0)
      ret->target = part (w, body, 0, proto, loc);
    else if (n == 1)
      {
        ret->published = part (w, body, 0, seps[0], loc);
        ret->target = part (w, body, seps[0] + 1, proto, loc);
      }
    else
      {
        /* Only the last two separate: "::1:8080:80" is ::1, 8080, 80. */
        size_t a = seps[n - 2], b = seps[n - 1], from = 0, to = a;
        if (body[0] == '[' && to > 1 && body[to - 1] == ']')
          {
            from = 1;
            to--;
          }
        ret->host_ip = part (w, body, from, to, loc);
        ret->published = part (w, body, a + 1, b, loc);
        ret->target = part (w, body, b + 1, proto, loc);
      }
  }
  brig_docker_host_ip (w, ret);
}

void
brig_docker_host_ip (struct brig_workload *w, struct brig_wport *p)
{
  const char *r = p->host_ip.set ? brig_docker_resolve (w, p->host_ip.s) : NULL;

  if (r)
    p->host_ip.s = r;
  /* ${IP:-} resolves to "": every interface, as Docker reads it. */
  if (r && r[0] == '\0')
    p->host_ip.set = false;
}

/* Is SOURCE (as resolved) a host path rather than a volume's name? */
static bool
host_path (const char *s)
{
  return s[0] == '/' || s[0] == '.' || s[0] == '~' || strchr (s, '/') || strchr (s, '\\');
}

static void
set_source (struct brig_workload *w, struct brig_wmount *m, struct brig_wval src)
{
  const char *r = src.set ? brig_docker_resolve (w, src.s) : NULL;

  if (r)
    src.s = r;
  m->source = src;
  if (m->type == NULL && src.set)
    m->type = host_path (src.s) ? "bind" : "volume";
}

/* A bind's propagation mode, as -v's mode and --mount's bind-propagation
 * spell it. */
static bool
propagation (const char *s)
{
  static const char *const modes[]
      = { "shared", "rshared", "slave", "rslave", "private", "rprivate" };
  for (size_t i = 0; i < ARRAY_SIZE (modes); i++)
    if (strcmp (s, modes[i]) == 0)
      return true;
  return false;
}

void
brig_docker_volume (struct brig_workload *w, const char *s, struct brig_loc loc,
                    struct brig_wmount *ret)
{
  size_t seps[64], len = strlen (s), n;
  size_t skip = 0;

  *ret = (struct brig_wmount){ .loc = loc };
  n = split_at (s, ':', seps, ARRAY_SIZE (seps));
  /* A Windows drive: C:\data:/data. */
  if (n >= 2 && seps[0] == 1 && isalpha ((unsigned char)s[0]) && (s[2] == '\\' || s[2] == '/'))
    skip = 1;
  if (n - skip == 0)
    {
      ret->type = "volume";
      ret->target = part (w, s, 0, len, loc);
      return;
    }
  ret->target = part (w, s, seps[skip] + 1, n - skip >= 2 ? seps[skip + 1] : len, loc);
  set_source (w, ret, part (w, s, 0, seps[skip], loc));
  if (n - skip >= 2)
    {
      _cleanup_free_ char *mode = xstrdup (s + seps[skip + 1] + 1);
      char *p = mode, *opt;
      while ((opt = strsep (&p, ",")))
        if (strcmp (opt, "ro") == 0 || strcmp (opt, "readonly") == 0)
          ret->read_only = true;
        else if (propagation (opt))
          ret->propagation = (struct brig_wval){ brig_docker_own (w, opt), loc, true };
    }
}

static bool
truthy (const char *v)
{
  return v == NULL || strcmp (v, "true") == 0 || strcmp (v, "1") == 0;
}

void
brig_docker_mount (struct brig_workload *w, const char *csv, struct brig_loc loc,
                   struct brig_wmount *ret)
{
  _cleanup_free_ char *copy = xstrdup (csv);
  char *p = copy, *field;
  struct brig_wval src = { 0 };
  const char *type = NULL;

  *ret = (struct brig_wmount){ .loc = loc };
  while ((field = strsep (&p, ",")))
    {
      char *eq = strchr (field, '=');
      const char *value = NULL;
      if (eq)
        {
          *eq = '\0';
          value = eq + 1;
        }
      if (strcmp (field, "type") == 0 && value)
        type = brig_docker_own (w, value);
      else if ((strcmp (field, "source") == 0 || strcmp (field, "src") == 0) && value)
        src = (struct brig_wval){ brig_docker_own (w, value), loc, true };
      else if ((strcmp (field, "target") == 0 || strcmp (field, "destination") == 0
                || strcmp (field, "dst") == 0)
               && value)
        ret->target = (struct brig_wval){ brig_docker_own (w, value), loc, true };
      else if (strcmp (field, "readonly") == 0 || strcmp (field, "ro") == 0)
        ret->read_only = truthy (value);
      else if (strcmp (field, "bind-propagation") == 0 && value)
        ret->propagation = (struct brig_wval){ brig_docker_own (w, value), loc, true };
    }
  ret->type = type ? type : "volume";
  set_source (w, ret, src);
}

void
brig_docker_security_opt (struct brig_workload *w, const char *s, struct brig_loc loc)
{
  struct brig_wdocker *d = &w->docker;
  size_t n = strcspn (s, "=");
  const char *value;
  _cleanup_free_ char *name = NULL;

  if (s[n] == '\0')
    n = strcspn (s, ":");
  name = xstrndup (s, n);
  value = s[n] ? s + n + 1 : NULL;
  if (strcmp (name, "no-new-privileges") == 0)
    {
      const char *v
          = value == NULL || strcmp (value, "true") == 0 || strcmp (value, "1") == 0 ? "true"
            : strcmp (value, "false") == 0 || strcmp (value, "0") == 0               ? "false"
                                                                       : brig_docker_own (w, value);
      d->no_new_privs = (struct brig_wval){ v, loc, true };
    }
  else if (value == NULL)
    return;
  else if (strcmp (name, "seccomp") == 0)
    d->seccomp = (struct brig_wval){ brig_docker_own (w, value), loc, true };
  else if (strcmp (name, "apparmor") == 0)
    d->apparmor = (struct brig_wval){ brig_docker_own (w, value), loc, true };
  else if (strcmp (name, "label") == 0)
    {
      /* Several label options may be given; "disable" is the one that
       * matters and must not be hidden by a later type:... */
      if (!(d->label.set && strcmp (d->label.s, "disable") == 0))
        d->label = (struct brig_wval){ brig_docker_own (w, value), loc, true };
    }
  else if (strcmp (name, "systempaths") == 0)
    d->systempaths = (struct brig_wval){ brig_docker_own (w, value), loc, true };
  else if (strcmp (name, "unmask") == 0 && strcmp (value, "ALL") == 0)
    d->systempaths = (struct brig_wval){ "unconfined", loc, true };
}
