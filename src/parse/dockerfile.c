/* Dockerfile instructions, as BuildKit's parser reads them
 * (frontend/dockerfile/parser/parser.go): directives, continued lines,
 * comments, flags, JSON and shell forms, heredocs.  What each instruction
 * means is read in dockerfile_image.c. */
#include "parse/dockerfile.h"
#include "parse/dockerfile_int.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

/* What an instruction may have. */
#define K_JSON 1u     /* a JSON array instead of a shell string */
#define K_HEREDOC 2u  /* heredocs */
#define K_ARGS 4u     /* at least one argument */
#define K_ONLYJSON 8u /* only a JSON array */

static const struct
{
  const char *name;
  unsigned what;
} keywords[] = {
  [BRIG_DKW_ADD] = { "ADD", K_JSON | K_HEREDOC | K_ARGS },
  [BRIG_DKW_ARG] = { "ARG", K_ARGS },
  [BRIG_DKW_CMD] = { "CMD", K_JSON },
  [BRIG_DKW_COPY] = { "COPY", K_JSON | K_HEREDOC | K_ARGS },
  [BRIG_DKW_ENTRYPOINT] = { "ENTRYPOINT", K_JSON },
  [BRIG_DKW_ENV] = { "ENV", K_ARGS },
  [BRIG_DKW_EXPOSE] = { "EXPOSE", K_ARGS },
  [BRIG_DKW_FROM] = { "FROM", K_ARGS },
  [BRIG_DKW_HEALTHCHECK] = { "HEALTHCHECK", K_ARGS },
  [BRIG_DKW_LABEL] = { "LABEL", K_ARGS },
  [BRIG_DKW_MAINTAINER] = { "MAINTAINER", K_ARGS },
  [BRIG_DKW_ONBUILD] = { "ONBUILD", K_ARGS },
  [BRIG_DKW_RUN] = { "RUN", K_JSON | K_HEREDOC | K_ARGS },
  [BRIG_DKW_SHELL] = { "SHELL", K_JSON | K_ONLYJSON | K_ARGS },
  [BRIG_DKW_STOPSIGNAL] = { "STOPSIGNAL", K_ARGS },
  [BRIG_DKW_USER] = { "USER", K_ARGS },
  [BRIG_DKW_VOLUME] = { "VOLUME", K_JSON | K_ARGS },
  [BRIG_DKW_WORKDIR] = { "WORKDIR", K_ARGS },
};

const char *
brig_dkw_name (enum brig_dkw kw)
{
  return (size_t)kw < ARRAY_SIZE (keywords) ? keywords[kw].name : "?";
}

static int
keyword_find (const char *s, size_t n)
{
  /* The first letter first (| 0x20: either case, and no false misses). */
  for (size_t i = 0; i < ARRAY_SIZE (keywords); i++)
    if (n && (keywords[i].name[0] | 0x20) == (s[0] | 0x20) && strlen (keywords[i].name) == n
        && strncasecmp (keywords[i].name, s, n) == 0)
      return (int)i;
  return -1;
}

/* Edit distance with transpositions (FORM -> FROM is 1), for "did you
 * mean": both are short (keywords). */
static size_t
distance (const char *a, size_t na, const char *b)
{
  size_t nb = strlen (b), d[16][16];

  if (na >= 16 || nb >= 16)
    return 99;
  for (size_t i = 0; i <= na; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= nb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= na; i++)
    for (size_t j = 1; j <= nb; j++)
      {
        char ca = (char)toupper ((unsigned char)a[i - 1]);
        size_t best = d[i - 1][j - 1] + (ca != b[j - 1]);
        if (d[i - 1][j] + 1 < best)
          best = d[i - 1][j] + 1;
        if (d[i][j - 1] + 1 < best)
          best = d[i][j - 1] + 1;
        if (i > 1 && j > 1 && ca == b[j - 2] && toupper ((unsigned char)a[i - 2]) == b[j - 1]
            && d[i - 2][j - 2] + 1 < best)
          best = d[i - 2][j - 2] + 1;
        d[i][j] = best;
      }
  return d[na][nb];
}

static const char *
suggest (const char *s, size_t n)
{
  for (size_t i = 0; i < ARRAY_SIZE (keywords); i++)
    if (distance (s, n, keywords[i].name) <= (n > 4 ? 2u : 1u))
      return keywords[i].name;
  return NULL;
}

struct brig_loc
dseg_loc (const struct brig_dseg *segs, size_t nsegs, size_t off, size_t end)
{
  size_t hint = 0;
  return dseg_loc_near (segs, nsegs, &hint, off, end);
}

struct brig_loc
brig_dinstr_loc (const struct brig_dinstr *in, size_t off)
{
  return dseg_loc (in->segs, in->nsegs, off, off + 1);
}

/* --- reading lines ---------------------------------------------------------- */

struct lexer
{
  const char *file;
  const char *p, *end; /* the next line */
  int line;            /* the number of the line last read */
  char escape;
  struct brig_err *err;
  struct brig_dockerfile *df;
  /* The instruction being read. */
  char *buf;
  size_t len, cap;
  struct brig_dseg *segs;
  size_t nsegs, segcap;
  int last_line, last_col; /* its last character */
};

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next physical line, without its \n (and \r). */
static int
next_line (struct lexer *x, const char **ret, size_t *ret_n, bool *ret_eof)
{
  const char *s = x->p, *nl;
  size_t n;

  *ret_eof = s >= x->end;
  if (*ret_eof)
    return 0;
  nl = memchr (s, '\n', (size_t)(x->end - s));
  n = nl ? (size_t)(nl - s) : (size_t)(x->end - s);
  x->p = nl ? nl + 1 : x->end;
  x->line++;
  if (n > BRIG_DOCKERFILE_MAX_LINE)
    return brig_error (x->err, 0, "%s:%d:1: a line longer than %u bytes: not read", x->file,
                       x->line, BRIG_DOCKERFILE_MAX_LINE);
  if (n && s[n - 1] == '\r')
    n--;
  *ret = s;
  *ret_n = n;
  return 0;
}

static size_t
skip_space (const char *s, size_t n, size_t i)
{
  while (i < n && is_space (s[i]))
    i++;
  return i;
}

/* Does the line end with the escape character (and blanks)?  Then drop them. */
static bool
continues (const char *s, size_t *n, char escape)
{
  size_t k = *n;

  while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
    k--;
  if (k && s[k - 1] == escape)
    {
      *n = k - 1;
      return true;
    }
  return false;
}

static int
append (struct lexer *x, const char *s, size_t n, int line, int col)
{
  if (x->len + n > BRIG_DOCKERFILE_MAX_LINE)
    return brig_error (x->err, 0, "%s:%d:%d: an instruction longer than %u bytes: not read",
                       x->file, x->nsegs ? x->segs[0].line : line, x->nsegs ? x->segs[0].col : col,
                       BRIG_DOCKERFILE_MAX_LINE);
  if (x->len + n + 1 > x->cap)
    {
      x->cap = (x->len + n + 1) * 2;
      if (x->cap < 4096)
        x->cap = 4096; /* most instructions fit */
      x->buf = xrealloc (x->buf, x->cap);
    }
  memcpy (x->buf + x->len, s, n);
  if (x->nsegs == x->segcap)
    {
      x->segcap = x->segcap ? x->segcap * 2 : 8;
      x->segs = xreallocarray (x->segs, x->segcap, sizeof *x->segs);
    }
  x->segs[x->nsegs++] = (struct brig_dseg){ x->len, line, col };
  x->len += n;
  x->buf[x->len] = '\0';
  if (n)
    {
      x->last_line = line;
      x->last_col = col + (int)n - 1;
    }
  return 0;
}

/* --- parser directives ------------------------------------------------------ */

/* `# name = value` with a known name: handled (*RET_DONE false); anything
 * else ends the directives. */
static int
directive (struct lexer *x, const char *s, size_t n, bool *ret_done)
{
  size_t i = skip_space (s, n, 0), name, name_end, value, value_end;
  char key[16];

  *ret_done = true;
  if (i >= n || s[i] != '#')
    return 0;
  i = skip_space (s, n, i + 1);
  name = i;
  if (i >= n || !isalpha ((unsigned char)s[i]))
    return 0;
  while (i < n && isalnum ((unsigned char)s[i]))
    i++;
  name_end = i;
  i = skip_space (s, n, i);
  if (i >= n || s[i] != '=')
    return 0;
  value = skip_space (s, n, i + 1);
  value_end = n;
  while (value_end > value && is_space (s[value_end - 1]))
    value_end--;
  if (value_end == value || name_end - name >= sizeof key)
    return 0;
  for (size_t k = 0; k < name_end - name; k++)
    key[k] = (char)tolower ((unsigned char)s[name + k]);
  key[name_end - name] = '\0';

  if (strcmp (key, "escape") == 0)
    {
      if (x->df->escape)
        return brig_error (x->err, 0, "%s:%d:1: only one escape parser directive can be used",
                           x->file, x->line);
      if (value_end - value != 1 || (s[value] != '\\' && s[value] != '`'))
        return brig_error (x->err, 0,
                           "%s:%d:%zu: invalid escape character `%.*s`: expected ` or \\", x->file,
                           x->line, value + 1, (int)(value_end - value), s + value);
      x->df->escape = s[value];
    }
  else if (strcmp (key, "syntax") == 0 || strcmp (key, "check") == 0)
    {
      const char **slot = key[0] == 's' ? &x->df->syntax : &x->df->check;
      if (*slot)
        return brig_error (x->err, 0, "%s:%d:1: only one %s parser directive can be used", x->file,
                           x->line, key);
      *slot = brig_arena_strndup (&x->df->arena, s + value, value_end - value);
    }
  else
    return 0;
  *ret_done = false;
  return 0;
}

/* --- one instruction -------------------------------------------------------- */

/* BuildKit's extractBuilderFlags: --name[=value] words (quotes and
 * backslashes processed) up to the first word that is not one, or `--`. */
static size_t
read_flags (struct lexer *x, struct brig_dinstr *in, size_t i)
{
  const char *s = x->buf;
  size_t n = x->len;
  _cleanup_free_ char *w = NULL; /* taken when there is a flag: most instructions have none */

  for (;;)
    {
      size_t start, k = 0;
      char quote = 0;
      const char *eq;
      struct brig_dflag *f;

      i = skip_space (s, n, i);
      if (i + 1 >= n || s[i] != '-' || s[i + 1] != '-')
        return i;
      if (w == NULL)
        w = xmalloc (n + 1);
      start = i;
      for (; i < n; i++)
        {
          char c = s[i];
          if (quote)
            {
              if (c == quote)
                quote = 0;
              else if (c == '\\' && i + 1 < n)
                w[k++] = s[++i];
              else if (c != '\\')
                w[k++] = c;
              continue;
            }
          if (is_space (c))
            break;
          if (c == '\'' || c == '"')
            quote = c;
          else if (c == '\\')
            {
              if (i + 1 < n)
                w[k++] = s[++i];
            }
          else
            w[k++] = c;
        }
      if (k == 2)
        return skip_space (s, n, i); /* `--` ends the flags */
      f = ARENA_PUSH (&x->df->arena, in->flags, in->nflags);
      f->off = start;
      eq = memchr (w + 2, '=', k - 2);
      if (eq)
        {
          f->name = brig_arena_strndup (&x->df->arena, w + 2, (size_t)(eq - w - 2));
          f->value = brig_arena_strndup (&x->df->arena, eq + 1, (size_t)(w + k - eq - 1));
        }
      else
        f->name = brig_arena_strndup (&x->df->arena, w + 2, k - 2);
    }
}

static bool
json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The common JSON form without jansson: ["a", "b"] whose strings are
 * printable ASCII with no escape, and nothing after the array.  1 when
 * IN's arguments are read; 0 when the text is anything else, for jansson
 * to read (what jansson makes of these, the same strings). */
static int
read_json_plain (struct lexer *x, struct brig_dinstr *in, size_t i)
{
  const char *s = x->buf, *e = s + x->len, *p = s + i + 1;
  size_t n = 0, k = 0;

  /* Check it and count the strings, then copy them. */
  for (int pass = 0; pass < 2; pass++, p = s + i + 1)
    {
      while (p < e && json_space (*p))
        p++;
      if (p < e && *p == ']')
        p++;
      else
        for (;;)
          {
            const char *q;
            if (p >= e || *p != '"')
              return 0;
            for (q = ++p; q < e && *q >= 0x20 && *q < 0x7f && *q != '"' && *q != '\\'; q++)
              ;
            if (q >= e || *q != '"')
              return 0;
            if (pass)
              in->argv[k++] = brig_arena_strndup (&x->df->arena, p, (size_t)(q - p));
            else
              n++;
            for (p = q + 1; p < e && json_space (*p); p++)
              ;
            if (p < e && *p == ']')
              {
                p++;
                break;
              }
            if (p >= e || *p != ',')
              return 0;
            for (p++; p < e && json_space (*p); p++)
              ;
          }
      while (p < e && json_space (*p))
        p++;
      if (p != e)
        return 0;
      if (pass == 0)
        {
          in->argc = n;
          in->argv = brig_arena_alloc (&x->df->arena, (n + 1) * sizeof *in->argv);
        }
    }
  in->json = true;
  return 1;
}

/* A JSON array of strings: 1; something else: 0; an array with something
 * other than strings: an error. */
static int
read_json (struct lexer *x, struct brig_dinstr *in, size_t i)
{
  json_t *j, *v;
  size_t k;
  int r = 1;

  if (i >= x->len || x->buf[i] != '[')
    return 0;
  if (read_json_plain (x, in, i))
    return 1;
  j = json_loadb (x->buf + i, x->len - i, 0, NULL);
  if (j == NULL || !json_is_array (j))
    {
      json_decref (j);
      return 0;
    }
  in->argc = json_array_size (j);
  in->argv = brig_arena_alloc (&x->df->arena, (in->argc + 1) * sizeof *in->argv);
  json_array_foreach (j, k, v)
  {
    if (!json_is_string (v))
      {
        struct brig_loc l = brig_dinstr_loc (in, i);
        r = brig_error (x->err, 0, "%s:%d:%d: %s: a JSON array must hold only strings", x->file,
                        l.line, l.col, brig_dkw_name (in->sub));
        break;
      }
    in->argv[k] = brig_arena_strndup (&x->df->arena, json_string_value (v), json_string_length (v));
  }
  json_decref (j);
  in->json = r == 1;
  return r;
}

/* Is there a "<<" in S (N bytes)?  memchr is vectorised; a two-byte
 * memmem is not, and every instruction is asked. */
static bool
has_heredoc_mark (const char *s, size_t n)
{
  for (const char *p = s, *e = s + n; (p = memchr (p, '<', (size_t)(e - p))) && p + 1 < e; p++)
    if (p[1] == '<')
      return true;
  return false;
}

/* Heredoc words, as BuildKit's heredocsFromLine finds them: words split at
 * white space outside quotes, matching ^[0-9]*<<-?DELIM$ where DELIM has no
 * '<' and is one word once its quotes are removed. */
static int
find_heredocs (struct lexer *x, struct brig_dinstr *in)
{
  const char *s = x->buf;
  size_t n = x->len, i = 0;

  if (!has_heredoc_mark (s, n))
    return 0;
  while (i < n)
    {
      size_t start, k, dstart;
      char quote = 0;
      bool chomp = false, quoted = false;
      struct brig_dheredoc *h;
      unsigned fd = 0;

      i = skip_space (s, n, i);
      start = i;
      for (; i < n; i++)
        {
          if (quote)
            {
              if (s[i] == quote)
                quote = 0;
              else if (s[i] == '\\' && quote == '"' && i + 1 < n)
                i++;
            }
          else if (is_space (s[i]))
            break;
          else if (s[i] == '\'' || s[i] == '"')
            quote = s[i];
          else if (s[i] == '\\' && i + 1 < n)
            i++;
        }
      /* S[START..I) is a word. */
      k = start;
      for (; k < i && isdigit ((unsigned char)s[k]); k++)
        if (fd < 1000)
          fd = fd * 10 + (unsigned)(s[k] - '0');
      if (i - k < 3 || s[k] != '<' || s[k + 1] != '<')
        continue;
      k += 2;
      if (s[k] == '-')
        {
          chomp = true;
          k++;
        }
      dstart = k;
      if (k >= i || memchr (s + k, '<', i - k))
        continue;
      {
        _cleanup_free_ char *d = xmalloc (i - k + 1);
        size_t dn = 0;
        for (size_t m = dstart; m < i; m++)
          {
            char c = s[m];
            if (c == '\'' || c == '"')
              {
                quoted = true;
                continue;
              }
            if (c == '\\' && m + 1 < i)
              c = s[++m];
            d[dn++] = c;
          }
        if (dn == 0)
          continue;
        h = ARENA_PUSH (&x->df->arena, in->heredocs, in->nheredocs);
        h->name = brig_arena_strndup (&x->df->arena, d, dn);
        h->chomp = chomp;
        h->expand = !quoted;
        h->fd = fd;
        h->off = start;
      }
    }
  return 0;
}

/* The bodies of IN's heredocs: the lines after the instruction, each up to
 * its delimiter. */
static int
read_heredocs (struct lexer *x, struct brig_dinstr *in)
{
  for (size_t h = 0; h < in->nheredocs; h++)
    {
      struct brig_dheredoc *d = &in->heredocs[h];
      size_t dn = strlen (d->name), blen = 0, bcap = 0;
      _cleanup_free_ char *body = NULL;
      bool done = false;

      d->body_line = x->line + 1;
      while (!done)
        {
          const char *s, *t;
          size_t n, tn;
          bool eof;
          int r = next_line (x, &s, &n, &eof);

          if (r < 0)
            return r;
          if (eof)
            {
              struct brig_loc l = brig_dinstr_loc (in, d->off);
              return brig_error (x->err, 0,
                                 "%s:%d:%d: unterminated heredoc: no line `%s` ends the <<%s%s "
                                 "opened here",
                                 x->file, l.line, l.col, d->name, d->chomp ? "-" : "", d->name);
            }
          t = s;
          tn = n;
          if (d->chomp)
            while (tn && *t == '\t')
              t++, tn--;
          if (tn == dn && memcmp (t, d->name, dn) == 0)
            done = true;
          else
            {
              if (blen + n + 2 > bcap)
                {
                  bcap = (blen + n + 2) * 2;
                  body = xrealloc (body, bcap);
                }
              memcpy (body + blen, s, n);
              blen += n;
              body[blen++] = '\n';
            }
          x->last_line = x->line;
          x->last_col = n ? (int)n : 1;
        }
      d->body = brig_arena_strndup (&x->df->arena, body ? body : "", blen);
    }
  return 0;
}

/* The instruction in X->buf: keyword, flags, arguments, heredocs. */
static int
instruction (struct lexer *x)
{
  struct brig_dockerfile *df = x->df;
  struct brig_dinstr *in;
  const char *s;
  size_t n, i = 0, kwend;
  int kw, r;

  /* Trailing white space is not part of it (BuildKit trims the line). */
  while (x->len && is_space (x->buf[x->len - 1]))
    x->buf[--x->len] = '\0';
  s = x->buf;
  n = x->len;
  if (df->n >= BRIG_DOCKERFILE_MAX_INSTRUCTIONS)
    return brig_error (x->err, 0, "%s:%d:%d: more than %d instructions: not read", x->file,
                       x->segs[0].line, x->segs[0].col, BRIG_DOCKERFILE_MAX_INSTRUCTIONS);
  in = ARENA_PUSH (&df->arena, df->v, df->n);
  in->line = brig_arena_strndup (&df->arena, s, n);
  in->len = n;
  in->segs = brig_arena_alloc (&df->arena, x->nsegs * sizeof *in->segs);
  memcpy (in->segs, x->segs, x->nsegs * sizeof *in->segs);
  in->nsegs = x->nsegs;
  in->loc = (struct brig_loc){ x->segs[0].line, x->segs[0].col, x->last_line, x->last_col };

  while (i < n && !is_space (s[i]))
    i++;
  kwend = i;
  kw = keyword_find (s, kwend);
  if (kw < 0)
    {
      const char *m = suggest (s, kwend);
      return brig_error (x->err, 0, "%s:%d:%d: unknown instruction `%.*s%s`%s%s%s", x->file,
                         in->loc.line, in->loc.col, (int)(kwend > 40 ? 40 : kwend), s,
                         kwend > 40 ? "..." : "", m ? " (did you mean " : "", m ? m : "",
                         m ? "?)" : "");
    }
  in->kw = in->sub = (enum brig_dkw)kw;
  i = skip_space (s, n, i);
  if (kw == BRIG_DKW_ONBUILD && i < n)
    {
      size_t start = i;
      int sub;
      struct brig_loc l = brig_dinstr_loc (in, start);

      while (i < n && !is_space (s[i]))
        i++;
      sub = keyword_find (s + start, i - start);
      if (sub < 0)
        return brig_error (x->err, 0, "%s:%d:%d: ONBUILD: unknown instruction `%.*s`", x->file,
                           l.line, l.col, (int)(i - start > 40 ? 40 : i - start), s + start);
      if (sub == BRIG_DKW_ONBUILD || sub == BRIG_DKW_FROM || sub == BRIG_DKW_MAINTAINER)
        return brig_error (x->err, 0, "%s:%d:%d: %s isn't allowed as an ONBUILD trigger", x->file,
                           l.line, l.col, keywords[sub].name);
      in->sub = (enum brig_dkw)sub;
      i = skip_space (s, n, i);
    }
  i = read_flags (x, in, i);
  in->args = i;
  if ((keywords[in->sub].what & K_ARGS) && i >= n)
    return brig_error (x->err, 0, "%s:%d:%d: %s requires at least one argument", x->file,
                       in->loc.line, in->loc.col, keywords[in->sub].name);
  if (keywords[in->sub].what & K_JSON)
    {
      if ((r = read_json (x, in, i)) < 0)
        return r;
      if (r == 0 && (keywords[in->sub].what & K_ONLYJSON))
        return brig_error (x->err, 0,
                           "%s:%d:%d: %s requires its arguments as a JSON array of strings "
                           "(such as [\"/bin/sh\", \"-c\"])",
                           x->file, in->loc.line, in->loc.col, keywords[in->sub].name);
    }
  if (keywords[in->sub].what & K_HEREDOC)
    {
      if ((r = find_heredocs (x, in)) < 0 || (r = read_heredocs (x, in)) < 0)
        return r;
      in->loc.end_line = x->last_line;
      in->loc.end_col = x->last_col;
    }
  return 0;
}

/* --- the file --------------------------------------------------------------- */

static int
check_stages (struct lexer *x)
{
  struct brig_dockerfile *df = x->df;

  if (df->n == 0)
    return brig_error (x->err, 0, "%s:1:1: no instructions: an empty Dockerfile", x->file);
  for (size_t i = 0; i < df->n; i++)
    {
      if (df->v[i].kw == BRIG_DKW_FROM)
        return 0;
      if (df->v[i].kw != BRIG_DKW_ARG)
        return brig_error (
            x->err, 0, "%s:%d:%d: %s before the first FROM: only ARG may come before it", x->file,
            df->v[i].loc.line, df->v[i].loc.col, brig_dkw_name (df->v[i].kw));
    }
  return brig_error (x->err, 0, "%s:%d:%d: no FROM instruction: a Dockerfile builds FROM an image",
                     x->file, df->v[0].loc.line, df->v[0].loc.col);
}

static int
parse_lines (struct lexer *x)
{
  bool directives = true;

  for (;;)
    {
      const char *s, *t;
      size_t n, i;
      bool eof, more;
      int r;

      if ((r = next_line (x, &s, &n, &eof)) < 0)
        return r;
      if (eof)
        return 0;
      if (directives)
        {
          bool done;
          if ((r = directive (x, s, n, &done)) < 0)
            return r;
          if (!done)
            continue;
          directives = false;
          if (x->df->escape == 0)
            x->df->escape = '\\';
          x->escape = x->df->escape;
        }
      i = skip_space (s, n, 0);
      if (i >= n || s[i] == '#')
        continue;
      t = s + i;
      n -= i;
      x->len = 0;
      x->nsegs = 0;
      more = continues (t, &n, x->escape);
      if ((r = append (x, t, n, x->line, (int)i + 1)) < 0)
        return r;
      while (more)
        {
          if ((r = next_line (x, &s, &n, &eof)) < 0)
            return r;
          if (eof)
            break;
          i = skip_space (s, n, 0);
          if (i >= n || s[i] == '#')
            continue; /* comment and empty lines inside an instruction are dropped */
          more = continues (s, &n, x->escape);
          if ((r = append (x, s, n, x->line, 1)) < 0)
            return r;
        }
      if ((r = instruction (x)) < 0)
        return r;
    }
}

int
brig_dockerfile_parse (const char *buf, size_t len, const char *file, struct brig_dockerfile **ret,
                       struct brig_err *err)
{
  struct lexer x = { 0 };
  struct brig_dockerfile *df;
  const char *nul;
  int r;

  *ret = NULL;
  if (len > BRIG_DOCKERFILE_MAX_SIZE)
    return brig_error (err, 0, "%s: larger than %u MiB: not read as a Dockerfile", file,
                       BRIG_DOCKERFILE_MAX_SIZE >> 20);
  nul = memchr (buf, '\0', len);
  if (nul)
    {
      int line = 1, col = 1;
      for (const char *p = buf; p < nul; p++)
        {
          col++;
          if (*p == '\n')
            line++, col = 1;
        }
      return brig_error (err, 0, "%s:%d:%d: a NUL byte: a binary file, not a Dockerfile", file,
                         line, col);
    }
  df = xcalloc (1, sizeof *df);
  df->file = file;
  x.file = file;
  x.p = buf;
  x.end = buf + len;
  x.err = err;
  x.df = df;
  x.escape = '\\';
  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    x.p += 3;
  r = parse_lines (&x);
  if (df->escape == 0)
    df->escape = '\\';
  if (r == 0)
    r = check_stages (&x);
  free (x.buf);
  free (x.segs);
  if (r < 0)
    {
      brig_dockerfile_free (df);
      return r;
    }
  *ret = df;
  return 0;
}

void
brig_dockerfile_free (struct brig_dockerfile *df)
{
  if (df == NULL)
    return;
  brig_arena_release (&df->arena);
  free (df);
}

int
brig_parse_dockerfile (const char *buf, size_t len, const char *file, struct brig_image **ret,
                       struct brig_err *err)
{
  struct brig_dockerfile *df = NULL;
  int r;

  *ret = NULL;
  if ((r = brig_dockerfile_parse (buf, len, file, &df, err)) < 0)
    return r;
  r = brig_image_from_dockerfile (df, ret, err);
  brig_dockerfile_free (df);
  return r;
}

/* --- which files ------------------------------------------------------------ */

bool
brig_dockerfile_name (const char *name)
{
  static const char *const stems[] = { "dockerfile", "containerfile" };
  /* Dockerfile.<these> are templates or other files about a Dockerfile. */
  static const char *const not_ext[] = {
    ".template", ".tmpl", ".tpl",  ".j2",    ".jinja", ".jinja2", ".erb",  ".in",   ".sample",
    ".example",  ".md",   ".txt",  ".rst",   ".adoc",  ".yml",    ".yaml", ".json", ".toml",
    ".ini",      ".cfg",  ".conf", ".xml",   ".html",  ".lock",   ".sh",   ".bash", ".ps1",
    ".bat",      ".py",   ".go",   ".c",     ".h",     ".cc",     ".cpp",  ".hpp",  ".rs",
    ".js",       ".mjs",  ".ts",   ".java",  ".rb",    ".hs",     ".orig", ".rej",  ".bak",
    ".swp",      ".tmp",  ".log",  ".patch", ".diff",  ".gz",     ".tar",  ".zip",  ".dockerignore",
  };
  size_t n = strlen (name);

  for (size_t i = 0; i < ARRAY_SIZE (stems); i++)
    {
      size_t k = strlen (stems[i]);
      if (n == k && strcasecmp (name, stems[i]) == 0)
        return true;
      /* *.Dockerfile */
      if (n > k + 1 && name[n - k - 1] == '.' && strcasecmp (name + n - k, stems[i]) == 0)
        return true;
      /* Dockerfile.* and Dockerfile-* (case as written: Dockerfile or dockerfile) */
      if (n > k + 1 && strncasecmp (name, stems[i], k) == 0 && (name[k] == '.' || name[k] == '-'))
        {
          const char *dot = strrchr (name, '.');
          for (size_t e = 0; dot && e < ARRAY_SIZE (not_ext); e++)
            if (strcasecmp (dot, not_ext[e]) == 0)
              return false;
          return true;
        }
    }
  return false;
}

bool
brig_dockerfile_detect (const char *buf, size_t len)
{
  const char *p = buf, *end = buf + len;

  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
      while (p < e && is_space (*p))
        p++;
      if (p < e && *p != '#')
        {
          size_t w = 0;
          while (p + w < e && isalpha ((unsigned char)p[w]))
            w++;
          return (w == 4 && strncasecmp (p, "FROM", 4) == 0 && p + w < e && is_space (p[w]))
                 || (w == 3 && strncasecmp (p, "ARG", 3) == 0 && p + w < e && is_space (p[w]));
        }
      p = nl ? nl + 1 : end;
    }
  return false;
}
