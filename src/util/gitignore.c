/* .gitignore patterns (see gitignore.h).  A pattern is matched name by
 * name: `**` stands for any number of names, and each other name is a glob
 * of its own; both levels use the same greedy walk that goes back only to
 * the last star, so matching costs at most the product of the lengths,
 * whatever the pattern. */
#include "util/gitignore.h"
#include "util/cleanup.h"

#include <string.h>

struct brig_gitignore_pattern
{
  char *pat;  /* without `!`, the leading and the trailing `/` */
  char *base; /* its .gitignore's directory, relative to the top */
  bool negate, dir_only, anchored;
};

/* --- one name ----------------------------------------------------------------- */

/* [...] at P against C: the length of the bracket expression (0: not one,
 * then `[` is literal) and in *RET_HIT whether C is in it. */
static size_t
bracket (const char *p, const char *end, char c, bool *ret_hit)
{
  const char *q = p + 1;
  bool neg = false, hit = false;

  if (q < end && (*q == '!' || *q == '^'))
    {
      neg = true;
      q++;
    }
  for (bool first = true; q < end && (*q != ']' || first); first = false)
    {
      char lo = *q, hi;
      if (lo == '\\' && q + 1 < end)
        lo = *++q;
      q++;
      hi = lo;
      if (q + 1 < end && *q == '-' && q[1] != ']')
        {
          hi = q[1];
          if (hi == '\\' && q + 2 < end)
            hi = *(q += 1 + 1);
          else
            q++;
          q++;
        }
      if (lo <= c && c <= hi)
        hit = true;
    }
  if (q >= end)
    return 0;
  *ret_hit = hit != neg;
  return (size_t)(q - p) + 1;
}

/* One element of a name's glob at P against C: its length, 0 when C does
 * not match it. */
static size_t
one (const char *p, const char *end, char c)
{
  bool hit;
  size_t n;

  if (*p == '?')
    return 1;
  if (*p == '[' && (n = bracket (p, end, c, &hit)) > 0)
    return hit ? n : 0;
  if (*p == '\\' && p + 1 < end)
    return p[1] == c ? 2 : 0;
  return *p == c ? 1 : 0;
}

/* Does the glob P..PE match the name S..SE? */
static bool
name_match (const char *p, const char *pe, const char *s, const char *se)
{
  const char *star = NULL, *mark = NULL;

  while (s < se)
    {
      size_t n;
      if (p < pe && *p == '*')
        {
          while (p < pe && *p == '*')
            p++;
          star = p;
          mark = s;
          continue;
        }
      if (p < pe && (n = one (p, pe, *s)) > 0)
        {
          p += n;
          s++;
          continue;
        }
      if (star == NULL)
        return false;
      p = star;
      s = ++mark;
    }
  while (p < pe && *p == '*')
    p++;
  return p == pe;
}

/* --- names ---------------------------------------------------------------------- */

struct names
{
  const char **s, **e; /* each name's start and end */
  size_t n;
};

static void
split (const char *str, struct names *ret)
{
  size_t n = 1;

  for (const char *p = str; *p; p++)
    n += *p == '/';
  ret->s = xreallocarray (NULL, n, sizeof *ret->s);
  ret->e = xreallocarray (NULL, n, sizeof *ret->e);
  ret->n = 0;
  for (const char *p = str;;)
    {
      const char *q = strchr (p, '/');
      ret->s[ret->n] = p;
      ret->e[ret->n++] = q ? q : p + strlen (p);
      if (q == NULL)
        break;
      p = q + 1;
    }
}

static void
names_release (struct names *x)
{
  free (x->s);
  free (x->e);
}

static bool
is_globstar (const struct names *p, size_t i)
{
  return p->e[i] - p->s[i] == 2 && p->s[i][0] == '*' && p->s[i][1] == '*';
}

/* What one element of a pattern matches: any number of names, one name
 * whatever it is, or one name its glob matches. */
enum elem
{
  E_STAR,
  E_ANY,
  E_GLOB,
};

bool
brig_gitignore_match (const char *pattern, const char *path)
{
  struct names p, s;
  _cleanup_free_ enum elem *el = NULL;
  _cleanup_free_ size_t *at = NULL; /* E_GLOB: the pattern's name */
  size_t ne = 0, i = 0, j = 0, star = 0, mark = 0;
  bool starred = false, ok = false;

  split (pattern, &p);
  split (path, &s);
  el = xreallocarray (NULL, p.n * 2, sizeof *el);
  at = xreallocarray (NULL, p.n * 2, sizeof *at);
  for (size_t k = 0; k < p.n; k++)
    {
      if (!is_globstar (&p, k))
        {
          el[ne] = E_GLOB;
          at[ne++] = k;
          continue;
        }
      /* A trailing one (`dir` and then it): at least one name inside. */
      if (k + 1 == p.n && p.n > 1)
        el[ne++] = E_ANY;
      if (ne == 0 || el[ne - 1] != E_STAR)
        el[ne++] = E_STAR;
    }
  for (;;)
    {
      if (j >= s.n)
        {
          while (i < ne && el[i] == E_STAR)
            i++;
          ok = i == ne;
          break;
        }
      if (i < ne && el[i] == E_STAR)
        {
          starred = true;
          star = ++i;
          mark = j;
          continue;
        }
      if (i < ne && (el[i] == E_ANY || name_match (p.s[at[i]], p.e[at[i]], s.s[j], s.e[j])))
        {
          i++;
          j++;
          continue;
        }
      if (!starred)
        break;
      i = star;
      j = ++mark;
    }
  names_release (&p);
  names_release (&s);
  return ok;
}

/* --- files ------------------------------------------------------------------------ */

void
brig_gitignore_add (struct brig_gitignore *g, const char *base, const char *buf, size_t len)
{
  const char *p = buf, *end = buf + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *s = p;
      struct brig_gitignore_pattern x = { 0 };
      size_t n;

      p = nl ? nl + 1 : end;
      if (e > s && e[-1] == '\r')
        e--;
      /* Trailing blanks, unless the last is escaped. */
      while (e > s && (e[-1] == ' ' || e[-1] == '\t') && !(e - 1 > s && e[-2] == '\\'))
        e--;
      if (s == e || *s == '#' || memchr (s, '\0', (size_t)(e - s)))
        continue;
      if (*s == '!')
        {
          x.negate = true;
          s++;
        }
      else if (*s == '\\' && s + 1 < e && (s[1] == '!' || s[1] == '#'))
        s++;
      if (e > s && e[-1] == '/')
        {
          x.dir_only = true;
          e--;
        }
      if (s < e && *s == '/')
        {
          x.anchored = true;
          s++;
        }
      n = (size_t)(e - s);
      if (n == 0)
        continue;
      if (memchr (s, '/', n))
        x.anchored = true;
      x.pat = xstrndup (s, n);
      x.base = xstrdup (base);
      if (g->n == g->cap)
        {
          g->cap = g->cap ? g->cap * 2 : 16;
          g->v = xreallocarray (g->v, g->cap, sizeof *g->v);
        }
      g->v[g->n++] = x;
    }
}

void
brig_gitignore_truncate (struct brig_gitignore *g, size_t n)
{
  while (g->n > n)
    {
      g->n--;
      free (g->v[g->n].pat);
      free (g->v[g->n].base);
    }
}

bool
brig_gitignore_ignored (const struct brig_gitignore *g, const char *path, bool dir)
{
  for (size_t i = g->n; i-- > 0;)
    {
      const struct brig_gitignore_pattern *x = &g->v[i];
      size_t bl = strlen (x->base);
      const char *rel = path, *name;

      if (x->dir_only && !dir)
        continue;
      if (bl)
        {
          if (strncmp (path, x->base, bl) != 0 || path[bl] != '/')
            continue;
          rel = path + bl + 1;
        }
      name = strrchr (rel, '/');
      name = name ? name + 1 : rel;
      if (x->anchored ? brig_gitignore_match (x->pat, rel)
                      : name_match (x->pat, x->pat + strlen (x->pat), name, name + strlen (name)))
        return !x->negate;
    }
  return false;
}

void
brig_gitignore_release (struct brig_gitignore *g)
{
  brig_gitignore_truncate (g, 0);
  free (g->v);
  memset (g, 0, sizeof *g);
}
