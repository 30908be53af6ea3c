#include "parse/envfile.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <string.h>

int
brig_env_name_valid (const char *name, size_t len)
{
  if (len == 0)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (name[i] == '=' || name[i] == '\0' || isspace ((unsigned char)name[i]))
      return 0;
  return 1;
}

int
brig_parse_envfile (const char *buf, size_t len, const char *filename, char ***env,
                    struct brig_err *err)
{
  const char *p = buf, *end = buf + len;
  size_t lineno = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
      size_t lead = 0, name_len;
      const char *line, *eq;

      lineno++;
      if (l && p[l - 1] == '\r')
        l--;
      while (lead < l && (p[lead] == ' ' || p[lead] == '\t'))
        lead++;
      line = p + lead;
      l -= lead;
      if (l == 0 || line[0] == '#')
        goto next;
      if (memchr (line, '\0', l))
        return brig_error (err, 0, "%s:%zu: NUL byte in line", filename, lineno);
      eq = memchr (line, '=', l);
      name_len = eq ? (size_t)(eq - line) : l;
      if (!eq)
        while (name_len && (line[name_len - 1] == ' ' || line[name_len - 1] == '\t'))
          name_len--;
      if (!brig_env_name_valid (line, name_len))
        return brig_error (err, 0,
                           "%s:%zu:%zu: invalid variable name `%.*s`: expected "
                           "NAME=VALUE with no spaces or `=` in NAME",
                           filename, lineno, lead + 1, (int)name_len, line);
      strv_push (env, xstrndup (line, eq ? l : name_len));
    next:
      p += (nl ? (size_t)(nl - p) + 1 : (size_t)(end - p));
    }
  return 0;
}

/* --- Compose's .env and interpolation ------------------------------------------ */

#define INTERPOLATE_MAX (1u << 20)
#define INTERPOLATE_DEPTH 8

static int
by_name (const void *a, const void *b)
{
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  size_t nx = strcspn (x, "="), ny = strcspn (y, "=");
  int c = memcmp (x, y, nx < ny ? nx : ny);

  return c ? c : (nx > ny) - (nx < ny);
}

struct entry
{
  char *s;
  size_t pos;
};

static int
by_name_pos (const void *a, const void *b)
{
  const struct entry *x = a, *y = b;
  int c = by_name (&x->s, &y->s);

  return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

void
brig_env_sort (char **env)
{
  size_t n = strv_len (env), k = 0;
  _cleanup_free_ struct entry *v = NULL;

  if (n < 2)
    return;
  v = xreallocarray (NULL, n, sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = (struct entry){ env[i], i };
  qsort (v, n, sizeof *v, by_name_pos);
  /* Of the entries of one name, the last one written. */
  for (size_t i = 0; i < n; i++)
    if (i + 1 < n && by_name (&v[i].s, &v[i + 1].s) == 0)
      free (v[i].s);
    else
      env[k++] = v[i].s;
  env[k] = NULL;
}

/* In the N entries of ENV. */
static const char *
env_get (char *const *env, size_t n, const char *name, size_t len)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2, nl = strcspn (env[mid], "=");
      int c = memcmp (env[mid], name, nl < len ? nl : len);
      if (c == 0)
        c = (nl > len) - (nl < len);
      if (c == 0)
        return env[mid][nl] ? env[mid] + nl + 1 : "";
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

const char *
brig_env_get (char *const *env, const char *name, size_t len)
{
  return env_get (env, strv_len (env), name, len);
}

/* ENV (sorted) with "NAME=VALUE" (taken) in its place, replacing NAME's
 * entry if it has one. */
static void
env_put (char ***env, char *entry)
{
  size_t n = strv_len (*env), lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      int c = by_name (&(*env)[mid], &entry);
      if (c == 0)
        {
          free ((*env)[mid]);
          (*env)[mid] = entry;
          return;
        }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  strv_push (env, entry);
  memmove (*env + lo + 1, *env + lo, (n - lo) * sizeof **env);
  (*env)[lo] = entry;
}

struct out
{
  char *s;
  size_t n, cap;
  bool toolong;
  bool left; /* a variable without a value kept its text */
};

static void
out_put (struct out *o, const char *s, size_t n)
{
  if (o->toolong || o->n + n > INTERPOLATE_MAX)
    {
      o->toolong = true;
      return;
    }
  if (o->n + n + 1 > o->cap)
    {
      o->cap = (o->n + n + 1) * 2;
      o->s = xrealloc (o->s, o->cap);
    }
  memcpy (o->s + o->n, s, n);
  o->n += n;
  o->s[o->n] = '\0';
}

/* A variable's text, kept for want of a value. */
static void
out_left (struct out *o, const char *s, size_t n)
{
  out_put (o, s, n);
  o->left = true;
}

static bool
name_start (char c)
{
  return isalpha ((unsigned char)c) || c == '_';
}

static bool
name_char (char c)
{
  return isalnum ((unsigned char)c) || c == '_';
}

/* The sorted entries interpolation reads. */
struct env
{
  char *const *v;
  size_t n;
};

static void interpolate (const char *s, size_t len, const struct env *env, int depth,
                         struct out *o);

/* ${...} at S (S[0] == '$', S[1] == '{', S[LEN - 1] == '}'). */
static void
braced (const char *s, size_t len, const struct env *env, int depth, struct out *o)
{
  const char *name = s + 2, *p = name, *end = s + len - 1, *word, *v;
  bool colon = false;
  char op;

  while (p < end && name_char (*p))
    p++;
  v = p > name && name_start (*name) ? env_get (env->v, env->n, name, (size_t)(p - name)) : NULL;
  if (p == name || !name_start (*name) || (p < end && !strchr (":-+?", *p)))
    {
      out_left (o, s, len); /* not a variable Compose knows: as written */
      return;
    }
  if (p == end)
    {
      if (v)
        out_put (o, v, strlen (v));
      else
        out_left (o, s, len);
      return;
    }
  if (*p == ':')
    {
      colon = true;
      p++;
    }
  op = p < end ? *p : '\0';
  word = p + 1;
  if (op != '-' && op != '+' && op != '?')
    {
      out_left (o, s, len);
      return;
    }
  {
    bool set = v != NULL && (!colon || v[0] != '\0');
    if (op == '-' && set)
      out_put (o, v, strlen (v));
    else if (op == '-')
      interpolate (word, (size_t)(end - word), env, depth + 1, o);
    else if (op == '+' && set)
      interpolate (word, (size_t)(end - word), env, depth + 1, o);
    else if (op == '?' && set)
      out_put (o, v, strlen (v));
    else if (op == '?')
      out_left (o, s, len); /* Compose would stop here: the text is kept */
  }
}

static void
interpolate (const char *s, size_t len, const struct env *env, int depth, struct out *o)
{
  size_t i = 0;

  if (depth > INTERPOLATE_DEPTH)
    {
      out_left (o, s, len);
      return;
    }
  while (i < len && !o->toolong)
    {
      const char *d = memchr (s + i, '$', len - i);
      size_t k = d ? (size_t)(d - s) : len;

      out_put (o, s + i, k - i);
      i = k;
      if (i >= len)
        break;
      if (i + 1 < len && s[i + 1] == '$')
        {
          out_put (o, "$", 1);
          i += 2;
        }
      else if (i + 1 < len && s[i + 1] == '{')
        {
          int braces = 0;
          size_t j = i + 1;
          for (; j < len; j++)
            {
              braces += s[j] == '{' ? 1 : s[j] == '}' ? -1 : 0;
              if (braces == 0)
                break;
            }
          if (j >= len)
            {
              out_left (o, s + i, len - i); /* unterminated: as written */
              return;
            }
          braced (s + i, j + 1 - i, env, depth, o);
          i = j + 1;
        }
      else if (i + 1 < len && name_start (s[i + 1]))
        {
          size_t j = i + 1;
          const char *v;
          while (j < len && name_char (s[j]))
            j++;
          v = env_get (env->v, env->n, s + i + 1, j - i - 1);
          if (v)
            out_put (o, v, strlen (v));
          else
            out_left (o, s + i, j - i);
          i = j;
        }
      else
        {
          out_put (o, "$", 1);
          i++;
        }
    }
}

/* S interpolated from ENV; NULL as brig_env_interpolate says, or with
 * WHOLE when a variable is left without a value. */
static char *
interpolate_all (const char *s, char *const *env, bool whole)
{
  struct out o = { 0 };
  struct env e = { env, strv_len (env) };

  if (strchr (s, '$') == NULL)
    return NULL;
  out_put (&o, "", 0);
  interpolate (s, strlen (s), &e, 0, &o);
  if (o.toolong || (whole && o.left))
    {
      free (o.s);
      return NULL;
    }
  return o.s;
}

char *
brig_env_interpolate (const char *s, char *const *env)
{
  return interpolate_all (s, env, false);
}

char *
brig_env_defaults (const char *s)
{
  return interpolate_all (s, NULL, true);
}

/* A double-quoted value's escapes. */
static void
unescape (const char *s, size_t n, struct out *o)
{
  for (size_t i = 0; i < n; i++)
    {
      char c = s[i];
      if (c == '\\' && i + 1 < n)
        {
          c = s[++i];
          c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
          if (c == '$')
            {
              out_put (o, "$$", 2); /* stays a $ once interpolated */
              continue;
            }
        }
      out_put (o, &c, 1);
    }
}

void
brig_parse_dotenv (const char *buf, size_t len, char ***env)
{
  const char *p = buf, *end = buf + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      const char *e = nl ? nl : end, *name, *v, *ve;
      size_t nlen;
      struct out val = { 0 };
      bool literal = false;

      while (p < e && (*p == ' ' || *p == '\t'))
        p++;
      if (e - p > 7 && strncmp (p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
        for (p += 7; p < e && (*p == ' ' || *p == '\t');)
          p++;
      name = p;
      while (p < e && name_char (*p))
        p++;
      nlen = (size_t)(p - name);
      while (p < e && (*p == ' ' || *p == '\t'))
        p++;
      if (nlen == 0 || !name_start (*name) || p >= e || *p != '=')
        goto next;
      for (v = p + 1; v < e && (*v == ' ' || *v == '\t'); v++)
        ;
      ve = e;
      if (ve > v && ve[-1] == '\r')
        ve--;
      out_put (&val, "", 0);
      if (v < ve && (*v == '\'' || *v == '"'))
        {
          const char *q = v + 1;
          while (q < ve && *q != *v)
            q += (*v == '"' && *q == '\\' && q + 1 < ve) ? 2 : 1;
          if (q >= ve)
            goto next; /* not closed on its line */
          if (*v == '\'')
            {
              out_put (&val, v + 1, (size_t)(q - v - 1));
              literal = true;
            }
          else
            unescape (v + 1, (size_t)(q - v - 1), &val);
        }
      else
        {
          const char *c = v;
          while (c < ve && !(*c == '#' && c > v && (c[-1] == ' ' || c[-1] == '\t')))
            c++;
          while (c > v && (c[-1] == ' ' || c[-1] == '\t'))
            c--;
          out_put (&val, v, (size_t)(c - v));
        }
      if (!val.toolong && memchr (val.s, '\0', val.n) == NULL)
        {
          /* With the entries above it. */
          _cleanup_free_ char *x = literal ? NULL : brig_env_interpolate (val.s, *env);
          env_put (env, xasprintf ("%.*s=%s", (int)nlen, name, x ? x : val.s));
        }
    next:
      free (val.s);
      p = nl ? nl + 1 : end;
    }
}
