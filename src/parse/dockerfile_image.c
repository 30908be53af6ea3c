/* Dockerfile instructions -> the image model (model/image.h): stages and
 * what each declares, with ARG and ENV scoped and expanded as BuildKit does:
 * ARGs before the first FROM are seen by FROM lines only, and inside a
 * stage only once re-declared (`ARG NAME` takes the global default); ENV
 * wins over an ARG of the same name; a stage built FROM another inherits its
 * ENV and SHELL. */
#include "parse/dockerfile.h"
#include "parse/dockerfile_int.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

struct snapshot
{
  const struct dvar *v;
  size_t n;
};

struct build
{
  const struct brig_dockerfile *df;
  struct brig_image *img;
  struct brig_arena *a;
  struct brig_err *err;
  struct dvar *genv; /* ARGs before the first FROM */
  size_t ngenv;
  struct dvar *env; /* the current stage's */
  size_t nenv;
  struct snapshot *ends; /* each stage's ENV when it ends */
  size_t nends;
  struct brig_istage *st;
  size_t budget; /* variable lookups x variables in scope, for the whole file */
};

static int fail (struct build *b, const struct brig_dinstr *in, size_t off, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static int
fail (struct build *b, const struct brig_dinstr *in, size_t off, const char *fmt, ...)
{
  struct brig_loc l = off < in->len ? brig_dinstr_loc (in, off) : in->loc;
  _cleanup_free_ char *m = NULL;
  va_list ap;

  va_start (ap, fmt);
  m = xvasprintf (fmt, ap);
  va_end (ap);
  return brig_error (b->err, 0, "%s:%d:%d: %s: %s", b->df->file, l.line, l.col,
                     brig_dkw_name (in->kw), m);
}

static struct brig_loc
loc_of (const struct brig_dinstr *in, size_t off, size_t end)
{
  return dseg_loc (in->segs, in->nsegs, off, end);
}

/* Words of IN's LINE[OFF..END), expanded with the stage's variables (or
 * the global ARGs with GLOBAL). */
static int
words (struct build *b, const struct brig_dinstr *in, size_t off, size_t end, bool global,
       bool split, struct dword **ret, size_t *ret_n)
{
  const char *why;

  if (dwords (b->a, in->line, off, end, b->df->escape, global ? b->genv : b->env,
              global ? b->ngenv : b->nenv, &b->budget, split, ret, ret_n, &why)
      < 0)
    return fail (b, in, off, "%s", why);
  return 0;
}

/* A string (from a JSON array) expanded as one word. */
static int
expand_str (struct build *b, const struct brig_dinstr *in, const char *s, struct dword *ret)
{
  struct dword *w;
  size_t n;
  const char *why;

  if (dwords (b->a, s, 0, strlen (s), b->df->escape, b->env, b->nenv, &b->budget, false, &w, &n,
              &why)
      < 0)
    return fail (b, in, in->args, "%s", why);
  *ret = n ? w[0] : (struct dword){ "", 0, 0, true, false };
  return 0;
}

/* BuildKit's parseWords for ENV, ARG and LABEL: words split at white space
 * outside quotes, quotes and escapes kept.  Offsets into LINE. */
static size_t
raw_words (const struct brig_dinstr *in, char escape, size_t off, size_t **ret_start,
           size_t **ret_end)
{
  const char *s = in->line;
  size_t n = in->len, count = 0, i = off;
  size_t *st = xreallocarray (NULL, n + 1, sizeof *st),
         *en = xreallocarray (NULL, n + 1, sizeof *en);

  while (i < n)
    {
      char quote = 0;
      while (i < n && isspace ((unsigned char)s[i]))
        i++;
      if (i >= n)
        break;
      st[count] = i;
      for (; i < n; i++)
        {
          char c = s[i];
          if (c == escape && i + 1 < n)
            i++;
          else if (quote)
            {
              if (c == quote)
                quote = 0;
            }
          else if (c == '\'' || c == '"')
            quote = c;
          else if (isspace ((unsigned char)c))
            break;
        }
      en[count++] = i;
    }
  *ret_start = st;
  *ret_end = en;
  return count;
}

static const struct brig_dflag *
flag (const struct brig_dinstr *in, const char *name)
{
  for (size_t i = in->nflags; i-- > 0;)
    if (strcmp (in->flags[i].name, name) == 0)
      return &in->flags[i];
  return NULL;
}

static bool
windows_ref (const char *ref)
{
  static const char *const marks[]
      = { "mcr.microsoft.com/windows", "windowsservercore", "nanoserver", "servercore" };
  char low[256];
  size_t n = strlen (ref);

  /* The marks are in lower case: strstr in a lower-case copy is strcasestr,
     at a fraction of its cost (most references are short). */
  if (n < sizeof low)
    {
      for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower ((unsigned char)ref[i]);
      for (size_t i = 0; i < ARRAY_SIZE (marks); i++)
        if (strstr (low, marks[i]))
          return true;
      return false;
    }
  for (size_t i = 0; i < ARRAY_SIZE (marks); i++)
    if (strcasestr (ref, marks[i]))
      return true;
  return false;
}

static bool
valid_stage_name (const char *s)
{
  if (!islower ((unsigned char)s[0]))
    return false;
  for (; *s; s++)
    if (!(islower ((unsigned char)*s) || isdigit ((unsigned char)*s) || strchr ("-_.", *s)))
      return false;
  return true;
}

/* --- instructions ------------------------------------------------------------ */

static void
end_stage (struct build *b)
{
  if (b->st)
    *ARENA_PUSH (b->a, b->ends, b->nends) = (struct snapshot){ b->env, b->nenv };
}

static int
do_from (struct build *b, const struct brig_dinstr *in)
{
  struct brig_image *img = b->img;
  struct dword *w;
  size_t n;
  struct brig_istage *st;
  const struct brig_dflag *platform = flag (in, "platform");
  int r;

  if ((r = words (b, in, in->args, in->len, true, true, &w, &n)) < 0)
    return r;
  if (!(n == 1 || (n == 3 && strcasecmp (w[1].s, "as") == 0)))
    return fail (b, in, in->args,
                 "expected an image and maybe a name: FROM [--platform=P] IMAGE [AS NAME]");
  if (img->nstages >= BRIG_DOCKERFILE_MAX_STAGES)
    return fail (b, in, 0, "more than %d stages: not read", BRIG_DOCKERFILE_MAX_STAGES);
  end_stage (b);
  b->nenv = 0;
  b->env = NULL;
  st = ARENA_PUSH (b->a, img->stages, img->nstages);
  b->st = st;
  st->loc = in->loc;
  st->base = (struct brig_iword){ w[0].s, loc_of (in, w[0].off, w[0].end) };
  st->base_resolved = w[0].resolved;
  st->parent = -1;
  st->platform = platform && platform->value ? brig_arena_strdup (b->a, platform->value) : NULL;
  if (n == 3)
    {
      char *name = brig_arena_strdup (b->a, w[2].s);
      for (char *p = name; *p; p++)
        *p = (char)tolower ((unsigned char)*p);
      if (!valid_stage_name (name))
        return fail (b, in, w[2].off,
                     "invalid stage name `%s`: a letter, then letters, digits, -, _ or .", w[2].s);
      for (size_t i = 0; i + 1 < img->nstages; i++)
        if (img->stages[i].name && strcmp (img->stages[i].name, name) == 0)
          return fail (b, in, w[2].off, "duplicate stage name `%s` (first named on line %d)", name,
                       img->stages[i].loc.line);
      st->name = name;
    }
  if (st->base_resolved)
    for (size_t i = 0; i + 1 < img->nstages; i++)
      if (img->stages[i].name && strcasecmp (img->stages[i].name, st->base.s) == 0)
        st->parent = (int)i;
  if (st->parent >= 0)
    {
      const struct brig_istage *p = &img->stages[st->parent];
      const struct snapshot *e = &b->ends[st->parent];

      st->windows = p->windows;
      st->shell = p->shell;
      st->nshell = p->nshell;
      for (size_t i = 0; i < e->n; i++)
        if (!e->v[i].arg)
          *ARENA_PUSH (b->a, b->env, b->nenv) = e->v[i];
    }
  else
    st->windows = windows_ref (st->base.s);
  return 0;
}

static const struct dvar *
global_arg (struct build *b, const char *name)
{
  if (b->budget < b->ngenv)
    return NULL;
  b->budget -= b->ngenv;
  for (size_t i = b->ngenv; i-- > 0;)
    if (strcmp (b->genv[i].name, name) == 0)
      return &b->genv[i];
  return NULL;
}

static int
do_arg (struct build *b, const struct brig_dinstr *in)
{
  _cleanup_free_ size_t *st = NULL, *en = NULL;
  size_t n = raw_words (in, b->df->escape, in->args, &st, &en);

  for (size_t i = 0; i < n; i++)
    {
      const char *s = in->line + st[i], *eq = memchr (s, '=', en[i] - st[i]);
      size_t nl = eq ? (size_t)(eq - s) : en[i] - st[i];
      struct dvar v = { brig_arena_strndup (b->a, s, nl), NULL, true, true };
      struct brig_ivar *iv;

      if (nl == 0)
        return fail (b, in, st[i], "a variable needs a name (ARG name[=default])");
      if (eq)
        {
          struct dword *w;
          size_t wn;
          int r;
          if ((r = words (b, in, st[i] + nl + 1, en[i], b->st == NULL, false, &w, &wn)) < 0)
            return r;
          v.value = wn ? w[0].s : "";
          v.resolved = wn ? w[0].resolved : true;
        }
      else if (b->st)
        {
          /* Re-declared in a stage: the global default, if any. */
          const struct dvar *g = global_arg (b, v.name);
          if (g)
            {
              v.value = g->value;
              v.resolved = g->resolved;
            }
        }
      iv = b->st ? ARENA_PUSH (b->a, b->st->vars, b->st->nvars)
                 : ARENA_PUSH (b->a, b->img->global_args, b->img->nglobal_args);
      *iv = (struct brig_ivar){ v.name, v.value, true, v.resolved && v.value,
                                loc_of (in, st[i], st[i] + nl) };
      if (b->st)
        *ARENA_PUSH (b->a, b->env, b->nenv) = v;
      else
        *ARENA_PUSH (b->a, b->genv, b->ngenv) = v;
    }
  return 0;
}

static int
do_env (struct build *b, const struct brig_dinstr *in)
{
  _cleanup_free_ size_t *st = NULL, *en = NULL;
  size_t n = raw_words (in, b->df->escape, in->args, &st, &en), count = 0;
  _cleanup_free_ struct dvar *vars = xreallocarray (NULL, n + 1, sizeof *vars);
  _cleanup_free_ struct brig_loc *locs = xreallocarray (NULL, n + 1, sizeof *locs);
  bool legacy = n && memchr (in->line + st[0], '=', en[0] - st[0]) == NULL;

  /* All values are expanded with the variables as they were before. */
  for (size_t i = 0; i < (legacy ? 1 : n); i++)
    {
      const char *s = in->line + st[i], *eq = memchr (s, '=', en[i] - st[i]);
      size_t nl = eq ? (size_t)(eq - s) : en[i] - st[i];
      size_t vstart = legacy ? (n > 1 ? st[1] : in->len) : st[i] + nl + 1;
      size_t vend = legacy ? in->len : en[i];
      struct dword *w;
      size_t wn;
      int r;

      if (legacy && n < 2)
        return fail (b, in, st[0], "`%.*s` needs a value (ENV name=value)", (int)nl, s);
      if (!legacy && !eq)
        return fail (b, in, st[i], "`%.*s` is not name=value", (int)(en[i] - st[i]), s);
      if (nl == 0)
        return fail (b, in, st[i], "a variable needs a name (ENV name=value)");
      if ((r = words (b, in, vstart, vend, false, false, &w, &wn)) < 0)
        return r;
      vars[count] = (struct dvar){ brig_arena_strndup (b->a, s, nl), wn ? w[0].s : "",
                                   wn ? w[0].resolved : true, false };
      locs[count++] = loc_of (in, st[i], st[i] + nl);
    }
  for (size_t i = 0; i < count; i++)
    {
      *ARENA_PUSH (b->a, b->st->vars, b->st->nvars)
          = (struct brig_ivar){ vars[i].name, vars[i].value, false, vars[i].resolved, locs[i] };
      *ARENA_PUSH (b->a, b->env, b->nenv) = vars[i];
    }
  return 0;
}

static int
do_user (struct build *b, const struct brig_dinstr *in)
{
  struct dword *w;
  size_t n;
  int r;

  if ((r = words (b, in, in->args, in->len, false, false, &w, &n)) < 0)
    return r;
  if (n == 0)
    return 0;
  b->st->has_user = true;
  b->st->user = (struct brig_iword){ w[0].s, loc_of (in, w[0].off, w[0].end) };
  b->st->user_resolved = w[0].resolved;
  return 0;
}

static int
do_expose (struct build *b, const struct brig_dinstr *in)
{
  struct dword *w;
  size_t n;
  int r;

  if ((r = words (b, in, in->args, in->len, false, true, &w, &n)) < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    *ARENA_PUSH (b->a, b->st->expose, b->st->nexpose)
        = (struct brig_iword){ w[i].s, loc_of (in, w[i].off, w[i].end) };
  return 0;
}

/* COPY --from=REF: a stage (by name or index) or an image.  The value is
 * expanded as BuildKit expands it, with the stage's variables; an image is
 * kept in C->from_image, located at the flag's value. */
static int
copy_from_image (struct build *b, const struct brig_dinstr *in, const struct brig_dflag *from,
                 struct brig_icopy *c)
{
  static const struct dvar none[1]; /* no variable: still expanded (to nothing) */
  struct dword *ws, w;
  size_t start = from->off, end, n;
  const char *why;

  if (dwords (b->a, c->from, 0, strlen (c->from), b->df->escape, b->nenv ? b->env : none, b->nenv,
              &b->budget, false, &ws, &n, &why)
      < 0)
    return fail (b, in, from->off, "%s", why);
  w = n ? ws[0] : (struct dword){ "", 0, 0, true, false };
  if (w.s[0] == '\0' || strspn (w.s, "0123456789") == strlen (w.s))
    return 0; /* a stage by its index */
  /* A stage of the file, before or after this one: `FROM image AS name`. */
  for (size_t i = 0; i < b->df->n; i++)
    {
      const struct brig_dinstr *f = &b->df->v[i];
      const char *e = f->line + f->len, *name = e, *as;
      size_t nl = strlen (w.s);

      if (f->kw != BRIG_DKW_FROM)
        continue;
      while (name > f->line && !isspace ((unsigned char)name[-1]))
        name--;
      for (as = name; as > f->line && isspace ((unsigned char)as[-1]); as--)
        ;
      if ((size_t)(e - name) == nl && strncasecmp (name, w.s, nl) == 0 && as - f->line >= 3
          && strncasecmp (as - 2, "as", 2) == 0 && isspace ((unsigned char)as[-3]))
        return 0;
    }
  /* The value's place: after the `=` of the flag's word. */
  while (start < in->len && in->line[start] != '=' && !isspace ((unsigned char)in->line[start]))
    start++;
  if (start < in->len && in->line[start] == '=')
    start++;
  else
    start = from->off;
  for (end = start; end < in->len && !isspace ((unsigned char)in->line[end]); end++)
    ;
  c->from_image = (struct brig_iword){ w.s, loc_of (in, start, end) };
  c->from_image_resolved = w.resolved;
  return 0;
}

static int
do_copy (struct build *b, const struct brig_dinstr *in)
{
  struct brig_icopy *c;
  const struct brig_dflag *from = flag (in, "from"), *sum = flag (in, "checksum");
  struct dword *w = NULL;
  size_t n = 0;
  int r;

  if (in->json)
    {
      w = brig_arena_alloc (b->a, (in->argc + 1) * sizeof *w);
      for (n = 0; n < in->argc; n++)
        if ((r = expand_str (b, in, in->argv[n], &w[n])) < 0)
          return r;
    }
  else if ((r = words (b, in, in->args, in->len, false, true, &w, &n)) < 0)
    return r;
  if (n < 2)
    return fail (b, in, in->args, "expected sources and a destination");
  c = ARENA_PUSH (b->a, b->st->copies, b->st->ncopies);
  c->add = in->sub == BRIG_DKW_ADD;
  c->onbuild = in->kw == BRIG_DKW_ONBUILD;
  c->loc = in->loc;
  c->from = from && from->value ? brig_arena_strdup (b->a, from->value) : NULL;
  if (c->from && (r = copy_from_image (b, in, from, c)) < 0)
    return r;
  c->checksum = sum && sum->value ? brig_arena_strdup (b->a, sum->value) : NULL;
  c->nsrc = n - 1;
  c->src = brig_arena_alloc (b->a, n * sizeof *c->src);
  c->src_heredoc = brig_arena_alloc (b->a, n * sizeof *c->src_heredoc);
  c->src_resolved = brig_arena_alloc (b->a, n * sizeof *c->src_resolved);
  for (size_t i = 0; i < n; i++)
    {
      struct brig_iword iw = { w[i].s, in->json ? in->loc : loc_of (in, w[i].off, w[i].end) };
      if (i + 1 == n)
        {
          c->dest = iw;
          break;
        }
      c->src[i] = iw;
      c->src_heredoc[i] = in->nheredocs && strncmp (w[i].s, "<<", 2) == 0;
      c->src_resolved[i] = w[i].resolved;
    }
  return 0;
}

/* SEGS for LINE[OFF...]: offsets made relative to OFF. */
static struct brig_dseg *
shift_segs (struct build *b, const struct brig_dinstr *in, size_t off, size_t *ret_n)
{
  struct brig_dseg *v = brig_arena_alloc (b->a, in->nsegs * sizeof *v);
  size_t n = 0;

  for (size_t i = 0; i < in->nsegs; i++)
    {
      size_t next = i + 1 < in->nsegs ? in->segs[i + 1].off : in->len;
      size_t s = in->segs[i].off > off ? in->segs[i].off : off;
      if (next <= off && i + 1 < in->nsegs)
        continue;
      v[n++] = (struct brig_dseg){ s - off, in->segs[i].line,
                                   in->segs[i].col + (int)(s - in->segs[i].off) };
    }
  *ret_n = n;
  return v;
}

/* The interpreter of a script's #! line, if it has one. */
static bool
shebang_posix (const char *body)
{
  const char *p = body + 2, *e;
  _cleanup_free_ char *cmd = NULL;

  if (strncmp (body, "#!", 2) != 0)
    return true;
  while (*p == ' ' || *p == '\t')
    p++;
  e = p + strcspn (p, " \t\n");
  cmd = xstrndup (p, (size_t)(e - p));
  if (strcmp (cmd, "/usr/bin/env") == 0 || strcmp (cmd, "/bin/env") == 0)
    {
      p = e + strspn (e, " \t");
      if (strncmp (p, "-S", 2) == 0)
        p += 2 + strspn (p + 2, " \t");
      e = p + strcspn (p, " \t\n");
      free (cmd);
      cmd = xstrndup (p, (size_t)(e - p));
    }
  return dshell_posix (cmd);
}

static void
run_script (struct build *b, struct brig_irun *r, const struct brig_dheredoc *h)
{
  struct brig_dseg *segs = NULL;
  size_t nsegs = 0, len = strlen (h->body);
  const char **ignored = NULL;
  size_t nignored = 0;
  int line = h->body_line;

  if (!shebang_posix (h->body))
    return;
  for (size_t off = 0; off < len;)
    {
      const char *nl = strchr (h->body + off, '\n');
      *ARENA_PUSH (b->a, segs, nsegs) = (struct brig_dseg){ off, line++, 1 };
      off = nl ? (size_t)(nl - h->body) + 1 : len;
    }
  drun_split (b->a, h->body, len, segs, nsegs, r->loc, &r->cmds, &r->ncmds, &ignored, &nignored);
}

static bool
non_posix (const char *cmd)
{
  static const char *const names[]
      = { "powershell", "powershell.exe", "pwsh", "pwsh.exe", "cmd", "cmd.exe" };
  const char *base = cmd + strlen (cmd);

  while (base > cmd && base[-1] != '/' && base[-1] != '\\')
    base--;
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (strcasecmp (base, names[i]) == 0)
      return true;
  return false;
}

/* "name=value" */
static const char *
join_flag (struct brig_arena *a, const char *name, const char *value)
{
  size_t n = strlen (name), v = strlen (value);
  char *s = brig_arena_alloc (a, n + v + 2);

  memcpy (s, name, n);
  s[n] = '=';
  memcpy (s + n + 1, value, v);
  return s;
}

static int
do_run (struct build *b, const struct brig_dinstr *in)
{
  struct brig_irun *r = ARENA_PUSH (b->a, b->st->runs, b->st->nruns);
  const char **shell_hd = NULL;
  size_t nshell_hd = 0;

  r->loc = in->loc;
  r->exec_form = in->json;
  for (size_t i = 0; i < in->nflags; i++)
    *ARENA_PUSH (b->a, r->flags, r->nflags)
        = (struct brig_iword){ in->flags[i].value
                                   ? join_flag (b->a, in->flags[i].name, in->flags[i].value)
                                   : brig_arena_strdup (b->a, in->flags[i].name),
                               brig_dinstr_loc (in, in->flags[i].off) };
  if (in->json)
    {
      r->text = brig_arena_strdup (b->a, in->argc ? in->argv[0] : "");
      if (in->argc == 0)
        return 0;
      r->posix = !non_posix (in->argv[0]);
      if (in->argc >= 3 && dshell_posix (in->argv[0]) && in->argv[1][0] == '-'
          && strchr (in->argv[1], 'c'))
        drun_split (b->a, in->argv[2], strlen (in->argv[2]), NULL, 0, in->loc, &r->cmds, &r->ncmds,
                    &shell_hd, &nshell_hd);
      else
        {
          struct brig_icmd *c = ARENA_PUSH (b->a, r->cmds, r->ncmds);
          for (size_t i = 0; i < in->argc; i++)
            *ARENA_PUSH (b->a, c->argv, c->argc)
                = (struct brig_iword){ brig_arena_strdup (b->a, in->argv[i]), in->loc };
        }
      return 0;
    }
  r->posix = b->st->nshell ? !non_posix (b->st->shell[0].s) : !b->st->windows;
  r->text = brig_arena_strdup (b->a, in->line + in->args);
  /* PowerShell or cmd: their quoting, escapes and operators are not sh's,
     so the text is not split into commands at all. */
  if (!r->posix)
    return 0;
  {
    size_t nsegs;
    struct brig_dseg *segs = shift_segs (b, in, in->args, &nsegs);
    drun_split (b->a, r->text, in->len - in->args, segs, nsegs, in->loc, &r->cmds, &r->ncmds,
                &shell_hd, &nshell_hd);
  }
  /* Heredocs a shell runs: RUN <<EOF (the heredoc is the whole command),
     or a shell reading one (RUN bash <<EOF). */
  for (size_t h = 0; h < in->nheredocs; h++)
    {
      bool script = h == 0 && in->heredocs[0].off == in->args
                    && strcspn (in->line + in->args, " \t") == in->len - in->args;
      for (size_t k = 0; k < nshell_hd && !script; k++)
        script = strcmp (shell_hd[k], in->heredocs[h].name) == 0;
      if (script)
        run_script (b, r, &in->heredocs[h]);
    }
  return 0;
}

static int
do_healthcheck (struct build *b, const struct brig_dinstr *in)
{
  const char *s = in->line + in->args;

  b->st->has_healthcheck = true;
  b->st->healthcheck_none
      = strncasecmp (s, "NONE", 4) == 0 && (s[4] == '\0' || isspace ((unsigned char)s[4]));
  b->st->healthcheck_loc = in->loc;
  return 0;
}

static int
do_shell (struct build *b, const struct brig_dinstr *in)
{
  b->st->nshell = 0;
  b->st->shell = NULL;
  for (size_t i = 0; i < in->argc; i++)
    *ARENA_PUSH (b->a, b->st->shell, b->st->nshell)
        = (struct brig_iword){ brig_arena_strdup (b->a, in->argv[i]), in->loc };
  return 0;
}

/* ONBUILD RUN, ADD and COPY are read as the instruction they trigger,
 * marked as done in the builds FROM this image; the other triggers (USER,
 * ENV, HEALTHCHECK...) change nothing of this image and are not read. */
static int
do_onbuild (struct build *b, const struct brig_dinstr *in)
{
  int r;

  switch (in->sub)
    {
    case BRIG_DKW_RUN:
      if ((r = do_run (b, in)) == 0)
        b->st->runs[b->st->nruns - 1].onbuild = true;
      return r;
    case BRIG_DKW_ADD:
    case BRIG_DKW_COPY:
      return do_copy (b, in);
    default:
      return 0;
    }
}

/* What each instruction adds to the model, by keyword (WORKDIR is the
 * last); NULL: nothing a rule reads yet (CMD, ENTRYPOINT, LABEL...). */
typedef int (*reader) (struct build *b, const struct brig_dinstr *in);
static const reader readers[BRIG_DKW_WORKDIR + 1] = {
  [BRIG_DKW_FROM] = do_from,
  [BRIG_DKW_ARG] = do_arg,
  [BRIG_DKW_ENV] = do_env,
  [BRIG_DKW_USER] = do_user,
  [BRIG_DKW_EXPOSE] = do_expose,
  [BRIG_DKW_ADD] = do_copy,
  [BRIG_DKW_COPY] = do_copy,
  [BRIG_DKW_RUN] = do_run,
  [BRIG_DKW_HEALTHCHECK] = do_healthcheck,
  [BRIG_DKW_SHELL] = do_shell,
  [BRIG_DKW_ONBUILD] = do_onbuild,
};

int
brig_image_from_dockerfile (const struct brig_dockerfile *df, struct brig_image **ret,
                            struct brig_err *err)
{
  struct build b = { 0 };
  struct brig_image *img = xcalloc (1, sizeof *img);
  int r = 0;

  *ret = NULL;
  b.df = df;
  b.img = img;
  b.a = &img->arena;
  b.err = err;
  b.budget = BRIG_DOCKERFILE_MAX_LOOKUPS;
  img->file = df->file;
  img->escape = df->escape;
  img->syntax = df->syntax ? brig_arena_strdup (b.a, df->syntax) : NULL;
  for (size_t i = 0; i < df->n && r == 0; i++)
    {
      const struct brig_dinstr *in = &df->v[i];

      if (b.st == NULL && in->kw != BRIG_DKW_FROM && in->kw != BRIG_DKW_ARG)
        r = fail (&b, in, 0, "before the first FROM: only ARG may come before it");
      else if (readers[in->kw])
        r = readers[in->kw](&b, in);
    }
  if (r == 0 && img->nstages == 0)
    r = brig_error (err, 0, "%s:1:1: no FROM instruction", df->file);
  if (r < 0)
    {
      brig_image_free (img);
      return r;
    }
  *ret = img;
  return 0;
}
