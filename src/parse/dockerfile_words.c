/* BuildKit's shell lexer (frontend/dockerfile/shell/lex.go), as far as the
 * instructions brig reads need it: words, quotes, the escape character and
 * variable expansion.  Expansion is done once, never recursively on a
 * value, and bounded in size. */
#include "parse/dockerfile_int.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

struct lex
{
  const char *s;
  size_t end;
  char esc;
  const struct dvar *env;
  size_t nenv;
  size_t total; /* bytes produced, bounded */
  size_t *budget;
  bool resolved, quoted, toolong, poor;
  int depth;
};

/* Inline: the lexer appends a few bytes at a time. */
static inline void
put (struct lex *x, struct sbuf *b, const char *s, size_t n)
{
  if (x->total + n > BRIG_DOCKERFILE_MAX_LINE)
    {
      x->toolong = true;
      return;
    }
  x->total += n;
  sbuf_add (b, s, n);
}

void
brig_sbuf_put (struct sbuf *b, const char *s, size_t n)
{
  if (b->n + n + 1 > b->cap)
    {
      b->cap = (b->n + n + 1) * 2;
      if (b->cap < 256)
        b->cap = 256; /* most words fit: one allocation, not a realloc per few bytes */
      b->s = xrealloc (b->s, b->cap);
    }
  if (n)
    memcpy (b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static inline void
putc1 (struct lex *x, struct sbuf *b, char c)
{
  put (x, b, &c, 1);
}

enum state
{
  V_UNSET,   /* not declared, or an ARG without a value: taken as not passed */
  V_KNOWN,   /* a value brig knows */
  V_UNKNOWN, /* set by the build to what brig cannot know ($TARGETARCH...) */
};

/* The automatic platform ARGs: always set, to what the build decides. */
static bool
builtin (const char *name, size_t n)
{
  static const char *const names[] = { "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                                       "BUILDPLATFORM",  "BUILDOS",  "BUILDARCH",  "BUILDVARIANT" };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strlen (names[i]) == n && memcmp (names[i], name, n) == 0)
      return true;
  return false;
}

static enum state
lookup (struct lex *x, const char *name, size_t n, const char **ret_v, bool *ret_resolved)
{
  const struct dvar *found = NULL;

  if (*x->budget < x->nenv)
    {
      x->poor = true;
      *x->budget = 0;
    }
  else
    *x->budget -= x->nenv;
  /* ENV wins over ARG; among each, the last one. */
  for (size_t i = x->nenv; i-- > 0 && x->env && !x->poor;)
    if (strlen (x->env[i].name) == n && memcmp (x->env[i].name, name, n) == 0)
      {
        if (!x->env[i].arg)
          {
            found = &x->env[i];
            break;
          }
        if (found == NULL)
          found = &x->env[i];
      }
  *ret_v = found ? found->value : NULL;
  *ret_resolved = found && found->value && found->resolved;
  if (found && found->value)
    return V_KNOWN;
  return found == NULL && builtin (name, n) ? V_UNKNOWN : V_UNSET;
}

static void
put_value (struct lex *x, struct sbuf *out, const char *v, bool resolved)
{
  if (!resolved)
    x->resolved = false;
  put (x, out, v, strlen (v));
}

enum stop
{
  STOP_SPACE,
  STOP_BRACE,
  STOP_NONE,
};

static size_t word (struct lex *x, size_t i, enum stop stop, struct sbuf *out);

/* Remove the shortest or longest prefix or suffix of V matching PAT. */
static void
trim_glob (struct lex *x, struct sbuf *out, const char *v, const char *pat, bool prefix,
           bool longest)
{
  size_t n = strlen (v);
  _cleanup_free_ char *t = NULL;

  /* Each length is a glob match: bounded, and paid for from the budget. */
  if (n > 4096 || *x->budget < (n + 1) * (n + strlen (pat) + 1))
    {
      x->resolved = false;
      return;
    }
  *x->budget -= (n + 1) * (n + strlen (pat) + 1);
  t = xmalloc (n + 1);

  for (size_t step = 0; step <= n; step++)
    {
      size_t k = longest ? n - step : step; /* length of the part removed */
      if (prefix)
        {
          memcpy (t, v, k);
          t[k] = '\0';
          if (fnmatch (pat, t, 0) == 0)
            {
              put (x, out, v + k, n - k);
              return;
            }
        }
      else if (fnmatch (pat, v + n - k, 0) == 0)
        {
          put (x, out, v, n - k);
          return;
        }
    }
  put (x, out, v, n);
}

/* ${...} at S[I] == '{'. */
static size_t
braced (struct lex *x, size_t i, struct sbuf *out)
{
  const char *s = x->s;
  size_t name = ++i, name_end;
  char op[3] = { 0 };
  struct sbuf w = { 0 };
  const char *v;
  bool resolved, use;
  enum state st;

  while (i < x->end && (isalnum ((unsigned char)s[i]) || s[i] == '_'))
    i++;
  name_end = i;
  st = lookup (x, s + name, name_end - name, &v, &resolved);
  if (i < x->end && s[i] == '}')
    {
      if (st == V_KNOWN)
        put_value (x, out, v, resolved);
      else
        x->resolved = false;
      return i + 1;
    }
  if (name_end == name || i >= x->end)
    {
      /* Bad substitution: what the build rejects, brig cannot know. */
      x->resolved = false;
      while (i < x->end && s[i] != '}')
        i++;
      return i < x->end ? i + 1 : i;
    }
  if (s[i] == ':' && i + 1 < x->end && strchr ("-+?", s[i + 1]))
    {
      op[0] = ':';
      op[1] = s[i + 1];
      i += 2;
    }
  else if (strchr ("-+?", s[i]))
    op[0] = s[i++];
  else if (s[i] == '#' || s[i] == '%')
    {
      op[0] = s[i++];
      if (i < x->end && s[i] == op[0])
        op[1] = s[i++];
    }
  else
    {
      /* ${VAR/pat/repl} and the like: brig does not compute them. */
      op[0] = '/';
      i++;
    }
  if (++x->depth > 8)
    {
      x->resolved = false;
      while (i < x->end && s[i] != '}')
        i++;
    }
  else
    i = word (x, i, STOP_BRACE, &w);
  x->depth--;
  if (i < x->end && s[i] == '}')
    i++;
  else
    x->resolved = false; /* unterminated */

  /* An ARG without a value is taken as not passed, so that defaults apply,
     as in a plain `docker build`. */
  use = st == V_KNOWN && (op[0] == ':' ? v[0] != '\0' : true);
  switch (op[0] == ':' ? op[1] : op[0])
    {
    case '-':
      if (st == V_UNKNOWN)
        x->resolved = false;
      else if (use)
        put_value (x, out, v, resolved);
      else
        put (x, out, w.s, w.n);
      break;
    case '+':
      if (st == V_UNKNOWN)
        x->resolved = false;
      else if (use)
        {
          if (!resolved)
            x->resolved = false;
          put (x, out, w.s, w.n);
        }
      break;
    case '?':
      if (use)
        put_value (x, out, v, resolved);
      else
        x->resolved = false;
      break;
    case '#':
    case '%':
      if (st != V_KNOWN)
        x->resolved = false;
      else
        {
          if (!resolved)
            x->resolved = false;
          trim_glob (x, out, v, w.s ? w.s : "", op[0] == '#', op[1] != 0);
        }
      break;
    default:
      x->resolved = false;
      break;
    }
  free (w.s);
  return i;
}

/* $... at S[I] == '$'. */
static size_t
dollar (struct lex *x, size_t i, struct sbuf *out)
{
  const char *s = x->s;
  size_t name;
  const char *v;
  bool resolved;

  if (i + 1 >= x->end)
    {
      putc1 (x, out, '$');
      return i + 1;
    }
  if (s[i + 1] == '{')
    return braced (x, i + 1, out);
  if (!(isalpha ((unsigned char)s[i + 1]) || s[i + 1] == '_'))
    {
      putc1 (x, out, '$');
      return i + 1;
    }
  name = ++i;
  while (i < x->end && (isalnum ((unsigned char)s[i]) || s[i] == '_'))
    i++;
  if (lookup (x, s + name, i - name, &v, &resolved) == V_KNOWN)
    put_value (x, out, v, resolved);
  else
    x->resolved = false;
  return i;
}

static bool
space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* One word from S[I]: up to white space (STOP_SPACE), an unquoted } (STOP_BRACE)
 * or the end (STOP_NONE). */
static size_t
word (struct lex *x, size_t i, enum stop stop, struct sbuf *out)
{
  const char *s = x->s;

  /* An empty word is still a word ("" or ''). */
  if (out->s == NULL)
    put (x, out, "", 0);
  while (i < x->end && !x->toolong && !x->poor)
    {
      char c = s[i];

      if (stop == STOP_SPACE && space (c))
        break;
      if (stop == STOP_BRACE && c == '}')
        break;
      if (c == x->esc)
        {
          if (i + 1 < x->end)
            putc1 (x, out, s[i + 1]);
          i += 2;
        }
      else if (c == '\'')
        {
          x->quoted = true;
          for (i++; i < x->end && s[i] != '\''; i++)
            putc1 (x, out, s[i]);
          i++;
        }
      else if (c == '"')
        {
          x->quoted = true;
          for (i++; i < x->end && s[i] != '"' && !x->toolong;)
            {
              if (s[i] == x->esc && i + 1 < x->end
                  && (s[i + 1] == '"' || s[i + 1] == '$' || s[i + 1] == x->esc))
                {
                  putc1 (x, out, s[i + 1]);
                  i += 2;
                }
              else if (s[i] == '$' && x->env)
                i = dollar (x, i, out);
              else
                putc1 (x, out, s[i++]);
            }
          i++;
        }
      else if (c == '$' && x->env)
        i = dollar (x, i, out);
      else
        {
          /* A run of characters none of the above stops at, copied at once. */
          size_t j = i + 1;
          while (j < x->end && !(stop == STOP_SPACE && space (s[j]))
                 && !(stop == STOP_BRACE && s[j] == '}') && s[j] != x->esc && s[j] != '\''
                 && s[j] != '"' && !(s[j] == '$' && x->env))
            j++;
          put (x, out, s + i, j - i);
          i = j;
        }
    }
  return i > x->end ? x->end : i;
}

int
dwords (struct brig_arena *a, const char *s, size_t off, size_t end, char escape,
        const struct dvar *env, size_t nenv, size_t *budget, bool split, struct dword **ret,
        size_t *ret_n, const char **ret_why)
{
  struct lex x = { s, end, escape, env, nenv, 0, budget, true, false, false, false, 0 };
  size_t i = off;

  *ret = NULL;
  *ret_n = 0;
  *ret_why = NULL;
  while (end > off && space (s[end - 1]))
    x.end = --end;
  struct sbuf b = { 0 }; /* one buffer for every word */

  for (;;)
    {
      struct dword *w;
      size_t start;

      while (i < end && space (s[i]))
        i++;
      if (i >= end)
        break;
      start = i;
      x.resolved = true;
      x.quoted = false;
      b.n = 0;
      if (b.s)
        b.s[0] = '\0';
      i = word (&x, i, split ? STOP_SPACE : STOP_NONE, &b);
      if (x.toolong || x.poor)
        {
          free (b.s);
          *ret_why = x.poor ? "too many variables and references to them: not read"
                            : "a variable expansion longer than 1 MiB";
          return -1;
        }
      w = ARENA_PUSH (a, *ret, *ret_n);
      w->s = brig_arena_strndup (a, b.s, b.n);
      w->off = start;
      w->end = i;
      w->resolved = x.resolved;
      w->quoted = x.quoted;
    }
  free (b.s);
  return 0;
}
