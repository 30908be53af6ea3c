/* docker run lines in shell scripts and Makefiles (see dockerrun.h): a
 * small shell lexer (words, quotes, continuations, comments, redirections,
 * here-documents; nothing is expanded), then docker run's flags. */
#include "parse/dockerrun.h"
#include "parse/dockeropts.h"
#include "util/cleanup.h"
#include "util/lines.h"

#include <ctype.h>
#include <string.h>

/* --- names ----------------------------------------------------------------- */

bool
brig_dockerrun_make (const char *name)
{
  return strcmp (name, "Makefile") == 0 || strcmp (name, "makefile") == 0
         || strcmp (name, "GNUmakefile") == 0 || str_has_suffix (name, ".mk");
}

bool
brig_dockerrun_name (const char *name)
{
  return str_has_suffix (name, ".sh") || str_has_suffix (name, ".bash")
         || brig_dockerrun_make (name);
}

static const char *
base_of (const char *w)
{
  const char *b = strrchr (w, '/');
  return b ? b + 1 : w;
}

/* Is W (any directory) a POSIX shell's program? */
static bool
posix_shell (const char *w)
{
  static const char *const shells[] = { "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh" };
  const char *b = base_of (w);

  for (size_t i = 0; i < ARRAY_SIZE (shells); i++)
    if (strcmp (b, shells[i]) == 0)
      return true;
  return false;
}

bool
brig_dockerrun_shebang (const char *buf, size_t len)
{
  const char *end = memchr (buf, '\n', len);
  _cleanup_free_ char *line = NULL;
  char *p, *prog;

  if (len < 2 || buf[0] != '#' || buf[1] != '!')
    return false;
  line = xstrndup (buf + 2, end ? (size_t)(end - buf - 2) : len - 2);
  p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  prog = strsep (&p, " \t\r");
  /* #!/usr/bin/env [-S] bash */
  while (prog && (strcmp (base_of (prog), "env") == 0 || prog[0] == '-' || prog[0] == '\0') && p)
    prog = strsep (&p, " \t\r");
  return prog && posix_shell (prog);
}

/* --- the lexer ------------------------------------------------------------- */

struct heredoc
{
  char *delim;
  bool strip_tabs; /* <<- */
};

struct lex
{
  const char *s;
  size_t len, i;
  int line, col;
  bool make;
  const char *file;
  struct brig_err *err;
  struct brig_shword *w;
  size_t n, cap;
  size_t last_end; /* offset just past the last word */
  struct heredoc here[16];
  size_t nhere;
  /* The word being read. */
  char *buf;
  size_t blen, bcap;
  /* Where each byte of BUF came from (offsets into S), when tracked. */
  bool track;
  size_t *offs;
};

static int
peek (const struct lex *l, size_t k)
{
  return l->i + k < l->len ? (unsigned char)l->s[l->i + k] : -1;
}

static void
adv (struct lex *l)
{
  if (l->i >= l->len)
    return;
  if (l->s[l->i] == '\n')
    {
      l->line++;
      l->col = 1;
    }
  else
    l->col++;
  l->i++;
}

static void
put (struct lex *l, char c)
{
  if (l->blen + 2 > l->bcap)
    {
      l->bcap = l->bcap ? l->bcap * 2 : 64;
      l->buf = xrealloc (l->buf, l->bcap);
      if (l->track)
        l->offs = xreallocarray (l->offs, l->bcap, sizeof *l->offs);
    }
  if (l->track)
    l->offs[l->blen] = l->i;
  l->buf[l->blen++] = c;
  l->buf[l->blen] = '\0';
}

/* Take the character under the cursor into the word. */
static void
take (struct lex *l)
{
  put (l, l->s[l->i]);
  adv (l);
}

static void
push (struct lex *l, char *text, int line, int col)
{
  if (text == NULL && (l->n == 0 || l->w[l->n - 1].text == NULL))
    return; /* one end of command is enough */
  if (l->n == l->cap)
    {
      l->cap = l->cap ? l->cap * 2 : 64;
      l->w = xreallocarray (l->w, l->cap, sizeof *l->w);
    }
  l->w[l->n++] = (struct brig_shword){ text, line, col, l->line, l->col };
}

static int
unterminated (struct lex *l, int line, int col, const char *what)
{
  return brig_error (l->err, 0, "%s:%d:%d: %s not closed", l->file, line, col, what);
}

/* At the end of the text, or of the line in a Makefile: is the construct
 * opened at LINE:COL cut off? */
static bool
cut (struct lex *l)
{
  return peek (l, 0) < 0 || (l->make && peek (l, 0) == '\n');
}

static int read_dollar (struct lex *l);

/* `...`, kept as written. */
static int
read_backquote (struct lex *l)
{
  int line = l->line, col = l->col;

  take (l);
  while (!cut (l) && peek (l, 0) != '`')
    {
      if (peek (l, 0) == '\\' && peek (l, 1) >= 0)
        take (l);
      take (l);
    }
  if (cut (l))
    return l->make ? 0 : unterminated (l, line, col, "`");
  take (l);
  return 0;
}

/* A quoted string inside $(...) or ${...}: kept as written. */
static int
copy_quoted (struct lex *l)
{
  int q = peek (l, 0), line = l->line, col = l->col;

  take (l);
  while (!cut (l) && peek (l, 0) != q)
    {
      if (q == '"' && peek (l, 0) == '\\' && peek (l, 1) >= 0)
        take (l);
      take (l);
    }
  if (cut (l))
    return l->make ? 0 : unterminated (l, line, col, q == '"' ? "\"" : "'");
  take (l);
  return 0;
}

/* $(...), $((...)), ${...}: kept as written, to the matching close. */
static int
read_balanced (struct lex *l)
{
  int open = peek (l, 1), close = open == '(' ? ')' : '}', depth = 0, r;
  int line = l->line, col = l->col;

  take (l); /* $ */
  while (!cut (l))
    {
      int c = peek (l, 0);
      if (c == '\\' && peek (l, 1) == '\n')
        {
          adv (l);
          adv (l);
          continue;
        }
      if (c == '\\' && peek (l, 1) >= 0)
        {
          take (l);
          take (l);
          continue;
        }
      if ((c == '\'' || c == '"') && (r = copy_quoted (l)) < 0)
        return r;
      if (c == '\'' || c == '"')
        continue;
      if (c == '`' && (r = read_backquote (l)) < 0)
        return r;
      if (c == '`')
        continue;
      take (l);
      if (c == open)
        depth++;
      else if (c == close && --depth == 0)
        return 0;
    }
  return l->make ? 0 : unterminated (l, line, col, open == '(' ? "$(" : "${");
}

static int
read_dollar (struct lex *l)
{
  if (l->make && peek (l, 1) == '$')
    {
      adv (l);
      take (l); /* $$ is a $ in a Makefile */
      return 0;
    }
  if (peek (l, 1) == '(' || peek (l, 1) == '{')
    return read_balanced (l);
  take (l);
  return 0;
}

/* The character under the cursor where quotes do not change it: $...
 * and `...` read whole, anything else taken. */
static int
read_plain (struct lex *l)
{
  if (peek (l, 0) == '$')
    return read_dollar (l);
  if (peek (l, 0) == '`')
    return read_backquote (l);
  take (l);
  return 0;
}

static int
read_dquote (struct lex *l)
{
  int line = l->line, col = l->col, r;

  adv (l);
  while (!cut (l) && peek (l, 0) != '"')
    {
      int c = peek (l, 0);
      if (c == '\\' && peek (l, 1) == '\n')
        {
          adv (l);
          adv (l);
        }
      else if (c == '\\' && peek (l, 1) >= 0 && strchr ("$`\"\\", peek (l, 1)))
        {
          adv (l);
          take (l);
        }
      else if ((r = read_plain (l)) < 0)
        return r;
    }
  if (cut (l))
    return l->make ? 0 : unterminated (l, line, col, "\"");
  adv (l);
  return 0;
}

static bool
word_end (int c)
{
  return c < 0 || strchr (" \t\r\n;&|()<>", c);
}

/* One word into l->buf; its quotes removed. */
static int
read_word (struct lex *l)
{
  int r;

  l->blen = 0;
  put (l, '\0');
  l->blen = 0;
  while (!word_end (peek (l, 0)))
    {
      int c = peek (l, 0);
      if (c == '\\')
        {
          if (peek (l, 1) == '\n')
            {
              adv (l);
              adv (l);
            }
          else
            {
              adv (l);
              if (peek (l, 0) >= 0)
                take (l);
            }
        }
      else if (c == '\'')
        {
          int line = l->line, col = l->col;
          adv (l);
          while (!cut (l) && peek (l, 0) != '\'')
            take (l);
          if (cut (l))
            return l->make ? 0 : unterminated (l, line, col, "'");
          adv (l);
        }
      else if (c == '"')
        {
          if ((r = read_dquote (l)) < 0)
            return r;
        }
      else if ((r = read_plain (l)) < 0)
        return r;
    }
  return 0;
}

static void
skip_blanks (struct lex *l)
{
  while (peek (l, 0) == ' ' || peek (l, 0) == '\t' || (peek (l, 0) == '\\' && peek (l, 1) == '\n'))
    adv (l);
}

/* <, >, >>, >&N, &>, <<WORD, <<<WORD...: the operator and its target are
 * left out, and a file descriptor number just before it too (2>&1). */
static int
read_redirect (struct lex *l)
{
  size_t start = l->i;
  bool heredoc = false, strip = false, dup = false;
  int r;

  if (peek (l, 0) == '&')
    adv (l);
  if (peek (l, 0) == '<' && peek (l, 1) == '<' && peek (l, 2) != '<')
    {
      heredoc = true;
      adv (l);
      adv (l);
      if (peek (l, 0) == '-')
        {
          strip = true;
          adv (l);
        }
    }
  else
    {
      int first = peek (l, 0);
      adv (l);
      while (peek (l, 0) == '<' || peek (l, 0) == '>' || peek (l, 0) == '|')
        adv (l);
      if (peek (l, 0) == '&' && first != '&')
        {
          adv (l);
          dup = true;
          while (peek (l, 0) >= 0 && (isdigit (peek (l, 0)) || peek (l, 0) == '-'))
            adv (l);
        }
    }
  if (l->n && l->w[l->n - 1].text && l->last_end == start
      && strspn (l->w[l->n - 1].text, "0123456789") == strlen (l->w[l->n - 1].text))
    {
      free (l->w[--l->n].text);
    }
  if (dup && word_end (peek (l, 0)))
    return 0;
  skip_blanks (l);
  if (word_end (peek (l, 0)))
    return 0;
  if ((r = read_word (l)) < 0)
    return r;
  if (heredoc && !l->make && l->nhere < ARRAY_SIZE (l->here))
    l->here[l->nhere++] = (struct heredoc){ xstrdup (l->buf), strip };
  return 0;
}

/* After a newline: the bodies of the here-documents opened on that line. */
static void
skip_heredocs (struct lex *l)
{
  for (size_t h = 0; h < l->nhere; h++)
    {
      while (peek (l, 0) >= 0)
        {
          size_t from = l->i, n;
          const char *eol = memchr (l->s + l->i, '\n', l->len - l->i);
          size_t to = eol ? (size_t)(eol - l->s) : l->len;
          bool done;
          if (l->here[h].strip_tabs)
            while (from < to && l->s[from] == '\t')
              from++;
          n = to - from;
          if (n && l->s[to - 1] == '\r')
            n--;
          done = n == strlen (l->here[h].delim) && memcmp (l->s + from, l->here[h].delim, n) == 0;
          while (l->i < to)
            adv (l);
          adv (l); /* the newline */
          if (done)
            break;
        }
      free (l->here[h].delim);
    }
  l->nhere = 0;
}

void
brig_shwords_free (struct brig_shword *w, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (w[i].text);
  free (w);
}

int
brig_shell_words (const char *buf, size_t len, const char *file, bool make,
                  struct brig_shword **ret, size_t *ret_n, struct brig_err *err)
{
  struct lex l
      = { .s = buf, .len = len, .line = 1, .col = 1, .make = make, .file = file, .err = err };
  int r = 0;

  while (r == 0 && l.i < l.len)
    {
      int c = peek (&l, 0), line = l.line, col = l.col;
      if (c == '\\' && peek (&l, 1) == '\n')
        {
          adv (&l);
          adv (&l);
        }
      else if (c == ' ' || c == '\t' || c == '\r')
        adv (&l);
      else if (c == '\n')
        {
          push (&l, NULL, line, col);
          adv (&l);
          if (l.nhere)
            skip_heredocs (&l);
        }
      else if (c == '#')
        while (peek (&l, 0) >= 0 && peek (&l, 0) != '\n')
          adv (&l);
      else if (c == '<' || c == '>' || (c == '&' && peek (&l, 1) == '>'))
        r = read_redirect (&l);
      else if (strchr (";&|()", c))
        {
          push (&l, NULL, line, col);
          adv (&l);
          if ((c == '&' || c == '|' || c == ';') && peek (&l, 0) == c)
            adv (&l);
        }
      else if ((r = read_word (&l)) == 0)
        {
          push (&l, xstrdup (l.buf), line, col);
          l.last_end = l.i;
        }
    }
  for (size_t h = 0; h < l.nhere; h++)
    free (l.here[h].delim);
  free (l.buf);
  if (r < 0)
    {
      brig_shwords_free (l.w, l.n);
      return r;
    }
  *ret = l.w;
  *ret_n = l.n;
  return 0;
}

/* --- docker run's flags ---------------------------------------------------- */

/* What a flag does with its value: put it in a field of the model's
 * DOCKER part (a value, the first of several, or one more in a list), or
 * read it with one of Docker's small syntaxes. */
enum how
{
  IGNORE,
  VALUE,        /* the struct brig_wval at OFF */
  FIRST,        /* the same, unless an earlier flag set it */
  LIST,         /* appended to the struct brig_wlist at OFF */
  CAPS,         /* a comma list (Podman) appended to the list at OFF */
  SECURITY_OPT, /* brig_docker_security_opt */
  PUBLISH,      /* brig_docker_port */
  VOLUME,       /* brig_docker_volume */
  MOUNT,        /* brig_docker_mount */
  NAME,         /* the workload's name */
  HEALTH_CMD,   /* a healthcheck, unless --no-healthcheck turned it off */
  NO_HEALTHCHECK,
};

#define AT(field) offsetof (struct brig_wdocker, field)

/* The flags that matter, and the boolean ones (which take no separate
 * value: the rest of docker run's and podman run's flags do). */
static const struct
{
  const char *name;
  char short_name;
  bool value;
  enum how how;
  size_t off;
} flags[] = {
  { "privileged", 0, false, VALUE, AT (privileged) },
  { "read-only", 0, false, VALUE, AT (read_only) },
  { "publish-all", 'P', false, VALUE, AT (publish_all) },
  { "cap-add", 0, true, CAPS, AT (cap_add) },
  { "cap-drop", 0, true, CAPS, AT (cap_drop) },
  { "user", 'u', true, VALUE, AT (user) },
  { "security-opt", 0, true, SECURITY_OPT, 0 },
  { "publish", 'p', true, PUBLISH, 0 },
  { "volume", 'v', true, VOLUME, 0 },
  { "mount", 0, true, MOUNT, 0 },
  { "network", 0, true, VALUE, AT (network_mode) },
  { "net", 0, true, VALUE, AT (network_mode) },
  { "pid", 0, true, VALUE, AT (pid) },
  { "ipc", 0, true, VALUE, AT (ipc) },
  { "uts", 0, true, VALUE, AT (uts) },
  { "userns", 0, true, VALUE, AT (userns_mode) },
  { "cgroupns", 0, true, VALUE, AT (cgroupns) },
  { "device", 0, true, LIST, AT (devices) },
  { "device-cgroup-rule", 0, true, LIST, AT (device_cgroup_rules) },
  { "memory", 'm', true, VALUE, AT (memory) },
  { "memory-swap", 0, true, VALUE, AT (memory_swap) },
  { "cpus", 0, true, FIRST, AT (cpus) },
  { "cpu-quota", 0, true, FIRST, AT (cpus) },
  { "cpu-shares", 'c', true, FIRST, AT (cpus) },
  { "cpuset-cpus", 0, true, FIRST, AT (cpus) },
  { "pids-limit", 0, true, VALUE, AT (pids_limit) },
  { "tmpfs", 0, true, LIST, AT (tmpfs) },
  { "name", 0, true, NAME, 0 },
  { "restart", 0, true, VALUE, AT (restart) },
  { "health-cmd", 0, true, HEALTH_CMD, 0 },
  { "no-healthcheck", 0, false, NO_HEALTHCHECK, 0 },
  { "ulimit", 0, true, LIST, AT (ulimits) },
  { "cgroup-parent", 0, true, VALUE, AT (cgroup_parent) },
  /* Boolean flags that change nothing the rules read. */
  { "detach", 'd', false, IGNORE, 0 },
  { "interactive", 'i', false, IGNORE, 0 },
  { "tty", 't', false, IGNORE, 0 },
  { "quiet", 'q', false, IGNORE, 0 },
  { "rm", 0, false, IGNORE, 0 },
  { "init", 0, false, IGNORE, 0 },
  { "help", 0, false, IGNORE, 0 },
  { "oom-kill-disable", 0, false, IGNORE, 0 },
  { "disable-content-trust", 0, false, IGNORE, 0 },
  { "sig-proxy", 0, false, IGNORE, 0 },
  { "use-api-socket", 0, false, IGNORE, 0 },
  { "replace", 0, false, IGNORE, 0 },
  { "rmi", 0, false, IGNORE, 0 },
  { "read-only-tmpfs", 0, false, IGNORE, 0 },
  { "env-host", 0, false, IGNORE, 0 },
  { "http-proxy", 0, false, IGNORE, 0 },
  { "no-hosts", 0, false, IGNORE, 0 },
  { "passwd", 0, false, IGNORE, 0 },
  { "tls-verify", 0, false, IGNORE, 0 },
  /* Short flags that take a value, beyond those above. */
  { "attach", 'a', true, IGNORE, 0 },
  { "env", 'e', true, IGNORE, 0 },
  { "hostname", 'h', true, IGNORE, 0 },
  { "label", 'l', true, IGNORE, 0 },
  { "workdir", 'w', true, IGNORE, 0 },
};

#undef AT

/* The engine's global options that take a value (docker -H HOST run). */
static const char *const global_values[] = {
  "-H",          "--host",      "-c",        "--context",        "--config",         "-l",
  "--log-level", "--tlscacert", "--tlscert", "--tlskey",         "--connection",     "--url",
  "--identity",  "--root",      "--runroot", "--storage-driver", "--cgroup-manager", "--namespace",
  "-n",          "--address",   "-a"
};

static int
flag_find (const char *name, char short_name)
{
  for (size_t i = 0; i < ARRAY_SIZE (flags); i++)
    if (name ? strcmp (flags[i].name, name) == 0 : flags[i].short_name == short_name)
      return (int)i;
  return -1;
}

/* Is WORD an engine: docker, podman, nerdctl (any directory), or a
 * variable named like one ($(DOCKER), ${PODMAN_BIN}, $CONTAINER_ENGINE)? */
static const char *
engine_of (const char *word, bool make)
{
  static const char *const names[] = { "docker", "podman", "nerdctl" };
  const char *base;

  if (make)
    word += strspn (word, "@+-"); /* a recipe line's prefixes */
  base = base_of (word);
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (strcmp (base, names[i]) == 0)
      return names[i];
  if (word[0] == '$')
    {
      _cleanup_free_ char *lower = xstrdup (word);
      for (char *p = lower; *p; p++)
        *p = (char)tolower ((unsigned char)*p);
      if (strstr (lower, "podman"))
        return "podman";
      if (strstr (lower, "docker") || strstr (lower, "container_engine")
          || strstr (lower, "container_runtime"))
        return "docker";
    }
  return NULL;
}

static struct brig_loc
span (const struct brig_shword *from, const struct brig_shword *to)
{
  return (struct brig_loc){ from->line, from->col, to->end_line, to->end_col };
}

/* Apply flag F with its VALUE (NULL for a boolean given alone). */
static void
apply (struct brig_workload *w, int f, const char *value, struct brig_loc loc)
{
  struct brig_wdocker *d = &w->docker;
  const char *v = value ? brig_docker_own (w, value) : "true";
  struct brig_wval val = { v, loc, true };
  void *field = (char *)d + flags[f].off;
  struct brig_wval *one = field;
  struct brig_wlist *list = field;

  switch (flags[f].how)
    {
    case FIRST:
      if (one->set)
        break;
      /* fall through */
    case VALUE:
      *one = val;
      break;
    case LIST:
      brig_wlist_push (list, val);
      break;
    case CAPS:
      {
        _cleanup_free_ char *copy = xstrdup (v);
        char *p = copy, *cap;
        while ((cap = strsep (&p, ",")))
          if (cap[0])
            brig_wlist_push (list, (struct brig_wval){ brig_docker_own (w, cap), loc, true });
        break;
      }
    case SECURITY_OPT:
      brig_docker_security_opt (w, v, loc);
      break;
    case PUBLISH:
      d->ports = xreallocarray (d->ports, d->nports + 1, sizeof *d->ports);
      brig_docker_port (w, v, loc, &d->ports[d->nports++]);
      break;
    case VOLUME:
    case MOUNT:
      d->mounts = xreallocarray (d->mounts, d->nmounts + 1, sizeof *d->mounts);
      (flags[f].how == VOLUME ? brig_docker_volume : brig_docker_mount) (w, v, loc,
                                                                         &d->mounts[d->nmounts++]);
      break;
    case NAME:
      w->name = v;
      break;
    case HEALTH_CMD:
      if (!(d->healthcheck.set && strcmp (d->healthcheck.s, "none") == 0))
        d->healthcheck = (struct brig_wval){ "set", loc, true };
      break;
    case NO_HEALTHCHECK:
      d->healthcheck = (struct brig_wval){ "none", loc, true };
      break;
    case IGNORE:
    default:
      break;
    }
}

/* Flag F (-1: one brig does not read) of the word WD[*I]: its value
 * ATTACHED to it (after `=`, or after a short flag), or when it TAKES one
 * the next word's (*I then moves onto it). */
static void
take_flag (struct brig_workload *w, int f, bool takes, const char *attached,
           const struct brig_shword *wd, size_t n, size_t *i)
{
  const char *value = attached;
  struct brig_loc loc = span (&wd[*i], &wd[*i]);

  if (value == NULL && takes)
    {
      if (*i + 1 >= n)
        return;
      value = wd[*i + 1].text;
      loc = span (&wd[*i], &wd[*i + 1]);
      ++*i;
    }
  if (f >= 0)
    apply (w, f, value, loc);
}

/* The command's words W[0..N), W[E] the engine and W[V] its verb: flags
 * up to the image. */
static void
parse_run (const struct brig_shword *wd, size_t n, size_t e, size_t v, const char *engine,
           struct brig_workload *w)
{
  size_t i = v + 1;

  w->docker.engine = engine;
  {
    _cleanup_free_ char *kind = xasprintf ("%s %s", engine, wd[v].text);
    w->kind = brig_docker_own (w, kind);
  }
  while (i < n)
    {
      const char *a = wd[i].text;
      if (strcmp (a, "--") == 0)
        {
          i++;
          break;
        }
      if (a[0] != '-' || a[1] == '\0')
        break;
      if (a[1] == '-')
        {
          const char *eq = strchr (a, '=');
          _cleanup_free_ char *name = xstrndup (a + 2, eq ? (size_t)(eq - a - 2) : strlen (a + 2));
          int f = flag_find (name, 0);
          /* An unknown flag: most take a value. */
          take_flag (w, f, f < 0 || flags[f].value, eq ? eq + 1 : NULL, wd, n, &i);
          i++;
          continue;
        }
      /* -itp 80:80, -p80:80, -u 1000: the first that takes a value ends it. */
      for (size_t k = 1; a[k]; k++)
        {
          int f = flag_find (NULL, a[k]);
          if (f < 0)
            continue;
          take_flag (w, f, flags[f].value, flags[f].value && a[k + 1] ? a + k + 1 : NULL, wd, n,
                     &i);
          if (flags[f].value)
            break;
        }
      i++;
    }
  w->docker.exec = strcmp (wd[v].text, "exec") == 0;
  if (i < n && w->docker.exec)
    w->name = brig_docker_own (w, wd[i].text); /* the container */
  else if (i < n)
    {
      w->docker.image
          = (struct brig_wval){ brig_docker_own (w, wd[i].text), span (&wd[i], &wd[i]), true };
      if (w->name == NULL)
        w->name = w->docker.image.s;
    }
  w->loc = span (&wd[e], &wd[i < n ? i : n - 1]);
  w->spec_loc = w->loc;
  if (w->name == NULL)
    w->name = "";
}

/* The verb of an engine at W[E]: the index of run/create/exec (after global
 * options and `container`), or 0. */
static size_t
verb_of (const struct brig_shword *wd, size_t n, size_t e)
{
  size_t i = e + 1;

  while (i < n && wd[i].text[0] == '-')
    {
      bool takes = false;
      for (size_t k = 0; k < ARRAY_SIZE (global_values); k++)
        takes |= strcmp (wd[i].text, global_values[k]) == 0;
      i += takes ? 2 : 1;
    }
  if (i < n && strcmp (wd[i].text, "container") == 0)
    i++;
  if (i < n
      && (strcmp (wd[i].text, "run") == 0 || strcmp (wd[i].text, "create") == 0
          || strcmp (wd[i].text, "exec") == 0))
    return i;
  return 0;
}

/* --- command lines inside words --------------------------------------------- */

/* A text read as a shell script: the file itself, or a script one of its
 * words holds (sh -c "...", ssh host "...", eval "...").  ABS: where each
 * byte of S is in the file (NULL for the file itself). */
struct level
{
  const char *s;
  size_t len;
  bool make;
  const size_t *abs;
  struct brig_lines lines;
};

struct scan
{
  const char *file;
  const struct level *top;
  struct brig_workload *w;
  size_t nw;
};

#define MAX_NESTING 4

/* The offset in LV of LINE:COL (as the lexer counts them). */
static size_t
offset_of (const struct level *lv, int line, int col)
{
  size_t o;

  if (line < 1 || (size_t)line > lv->lines.n || col < 1)
    return 0;
  o = lv->lines.start[line - 1] + (size_t)col - 1;
  return o < lv->len ? o : lv->len;
}

/* LINE:COL in the file of the offset OFF. */
static void
position_of (const struct level *top, size_t off, int *ret_line, int *ret_col)
{
  size_t i = brig_lines_find (&top->lines, off);

  *ret_line = (int)i + 1;
  *ret_col = (int)(off - top->lines.start[i]) + 1;
}

/* Where each byte of the word W of LV came from in the file: the word read
 * again from its start, tracking its bytes.  NULL if it does not read the
 * same (it always should). */
static size_t *
word_offsets (const struct level *lv, const struct brig_shword *w)
{
  struct brig_err e = { 0 };
  struct lex l
      = { .s = lv->s, .len = lv->len, .make = lv->make, .file = "", .err = &e, .track = true };
  size_t n = strlen (w->text);
  size_t *offs = NULL;

  l.i = offset_of (lv, w->line, w->col);
  if (read_word (&l) == 0 && l.blen == n && memcmp (l.buf, w->text, n) == 0)
    {
      offs = steal_pointer (&l.offs);
      for (size_t k = 0; lv->abs && k < n; k++)
        offs[k] = lv->abs[offs[k]];
    }
  brig_err_release (&e);
  free (l.buf);
  free (l.offs);
  for (size_t h = 0; h < l.nhere; h++)
    free (l.here[h].delim);
  return offs;
}

/* W[0..N) of LV with their places in the file. */
static struct brig_shword *
placed (const struct scan *sc, const struct level *lv, const struct brig_shword *w, size_t n)
{
  struct brig_shword *v = xcalloc (n ? n : 1, sizeof *v);

  for (size_t i = 0; i < n; i++)
    {
      size_t a = offset_of (lv, w[i].line, w[i].col),
             b = offset_of (lv, w[i].end_line, w[i].end_col);
      v[i] = w[i];
      if (lv->abs == NULL)
        continue;
      a = a < lv->len ? lv->abs[a] : lv->abs[lv->len - 1];
      b = b > 0 && b <= lv->len ? lv->abs[b - 1] + 1 : a + 1;
      position_of (sc->top, a, &v[i].line, &v[i].col);
      position_of (sc->top, b, &v[i].end_line, &v[i].end_col);
    }
  return v;
}

static void scan (struct scan *sc, const struct level *lv, const struct brig_shword *wd, size_t n,
                  int depth);

/* TEXT, whose bytes are at ABS in the file, as a script of its own. */
static void
nested (struct scan *sc, const char *text, size_t len, const size_t *abs, int depth)
{
  struct level lv = { .s = text, .len = len, .abs = abs };
  struct brig_shword *w = NULL;
  struct brig_err e = { 0 };
  size_t n = 0;

  if (depth > MAX_NESTING || len == 0)
    return;
  /* A script that cannot be read (a quote left open) holds nothing brig
     can judge: it is not the file's error. */
  if (brig_shell_words (text, len, sc->file, false, &w, &n, &e) < 0)
    {
      brig_err_release (&e);
      return;
    }
  brig_lines_index (&lv.lines, lv.s, lv.len);
  scan (sc, &lv, w, n, depth);
  brig_shwords_free (w, n);
  brig_lines_release (&lv.lines);
}

/* The words W[FROM..TO) of LV joined by spaces, as ssh sends them to the
 * remote shell and eval reads them. */
static void
nested_join (struct scan *sc, const struct level *lv, const struct brig_shword *w, size_t from,
             size_t to, int depth)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ size_t *abs = NULL;
  size_t len = 0;

  for (size_t i = from; i < to; i++)
    {
      size_t n = strlen (w[i].text);
      _cleanup_free_ size_t *o = word_offsets (lv, &w[i]);
      if (o == NULL)
        return;
      text = xrealloc (text, len + n + 2);
      abs = xreallocarray (abs, len + n + 2, sizeof *abs);
      if (len)
        {
          text[len] = ' ';
          abs[len] = abs[len - 1] + 1;
          len++;
        }
      memcpy (text + len, w[i].text, n);
      memcpy (abs + len, o, n * sizeof *abs);
      len += n;
      text[len] = '\0';
    }
  if (text)
    nested (sc, text, len, abs, depth + 1);
}

/* One word of LV as a script. */
static void
nested_word (struct scan *sc, const struct level *lv, const struct brig_shword *w, size_t skip,
             int depth)
{
  _cleanup_free_ size_t *o = word_offsets (lv, w);
  size_t n = strlen (w->text);

  if (o && skip <= n)
    nested (sc, w->text + skip, n - skip, o + skip, depth + 1);
}

/* The command substitutions in the word W of LV: $(...) and `...` (and
 * in a Makefile $(shell ...)), each a script of its own. */
static void
substitutions (struct scan *sc, const struct level *lv, const struct brig_shword *w, int depth)
{
  const char *t = w->text;
  size_t n = strlen (t);
  _cleanup_free_ size_t *o = NULL;

  if (strstr (t, "$(") == NULL && strchr (t, '`') == NULL)
    return;
  if ((o = word_offsets (lv, w)) == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      size_t j, start;
      if (t[i] == '\\' && i + 1 < n)
        {
          i++;
          continue;
        }
      if (t[i] == '`')
        {
          for (j = i + 1; j < n && t[j] != '`'; j++)
            if (t[j] == '\\' && j + 1 < n)
              j++;
          start = i + 1;
        }
      else if (t[i] == '$' && i + 1 < n && t[i + 1] == '(' && !(i + 2 < n && t[i + 2] == '('))
        {
          int d = 0;
          char q = 0;
          for (j = i + 1; j < n; j++)
            {
              if (q)
                q = t[j] == q ? 0 : q;
              else if (t[j] == '\'' || t[j] == '"')
                q = t[j];
              else if (t[j] == '(')
                d++;
              else if (t[j] == ')' && --d == 0)
                break;
            }
          start = i + 2;
        }
      else
        continue;
      if (j >= n)
        return; /* not closed */
      nested (sc, t + start, j - start, o + start, depth + 1);
      i = j;
    }
}

/* The scripts in the command W[0..N) of LV: sh -c SCRIPT, su -c SCRIPT,
 * ssh [OPTIONS] HOST COMMAND..., eval WORDS..., and command substitutions
 * in any word. */
static void
scan_scripts (struct scan *sc, const struct level *lv, const struct brig_shword *w, size_t n,
              int depth)
{
  for (size_t k = 0; k < n; k++)
    substitutions (sc, lv, &w[k], depth);
  for (size_t k = 0; k < n; k++)
    {
      const char *b = base_of (w[k].text + (lv->make && k == 0 ? strspn (w[k].text, "@+-") : 0));
      size_t j = k + 1;

      if (posix_shell (b))
        {
          bool c = false;
          /* sh [-euxc...] [-o OPT] [+x] SCRIPT: the first operand after the options. */
          for (; j < n && (w[j].text[0] == '-' || w[j].text[0] == '+') && w[j].text[1]; j++)
            {
              const char *o = w[j].text;
              if (strcmp (o, "--") == 0)
                {
                  j++;
                  break;
                }
              if (o[0] == '-' && o[1] != '-' && strchr (o, 'c'))
                c = true;
              if (strcmp (o, "-o") == 0 || strcmp (o, "+o") == 0 || strcmp (o, "-O") == 0
                  || strcmp (o, "+O") == 0 || strcmp (o, "--rcfile") == 0
                  || strcmp (o, "--init-file") == 0)
                j++;
            }
          if (c && j < n)
            nested_word (sc, lv, &w[j], 0, depth);
          k = j;
        }
      else if (strcmp (b, "su") == 0 || strcmp (b, "runuser") == 0)
        {
          for (; j < n; j++)
            if ((strcmp (w[j].text, "-c") == 0 || strcmp (w[j].text, "--command") == 0)
                && j + 1 < n)
              {
                nested_word (sc, lv, &w[++j], 0, depth);
                break;
              }
            else if (str_has_prefix (w[j].text, "--command="))
              {
                nested_word (sc, lv, &w[j], strlen ("--command="), depth);
                break;
              }
          k = j;
        }
      else if (strcmp (b, "ssh") == 0)
        {
          /* Options, some with a value; then the host; the rest is the command. */
          for (; j < n && w[j].text[0] == '-'; j++)
            if (strlen (w[j].text) == 2 && strchr ("BbcDEeFIiJLlmOoPpQRSWw", w[j].text[1]))
              j++;
          if (j + 1 < n)
            nested_join (sc, lv, w, j + 1, n, depth);
          return;
        }
      else if (strcmp (b, "eval") == 0)
        {
          if (j < n)
            nested_join (sc, lv, w, j, n, depth);
          return;
        }
    }
}

/* Every command of WD[0..N) of LV: docker run lines, and the scripts in
 * their words. */
static void
scan (struct scan *sc, const struct level *lv, const struct brig_shword *wd, size_t n, int depth)
{
  for (size_t start = 0; start < n;)
    {
      size_t end = start;
      bool run = false;

      while (end < n && wd[end].text)
        end++;
      /* echo docker run ... is not a docker run (but what it prints may
         come from one: echo "$(docker run ...)") */
      if (end > start
          && (strcmp (wd[start].text, "echo") == 0 || strcmp (wd[start].text, "printf") == 0))
        for (size_t k = start + 1; k < end; k++)
          substitutions (sc, lv, &wd[k], depth);
      else if (end > start)
        {
          for (size_t e = start; e < end && !run; e++)
            {
              const char *engine = engine_of (wd[e].text, lv->make);
              size_t v = engine ? verb_of (wd + start, end - start, e - start) : 0;
              _cleanup_free_ struct brig_shword *at = NULL;
              if (v == 0)
                continue;
              at = placed (sc, lv, wd + start, end - start);
              sc->w = xreallocarray (sc->w, sc->nw + 1, sizeof *sc->w);
              sc->w[sc->nw] = (struct brig_workload){ .file = sc->file };
              parse_run (at, end - start, e - start, v, engine, &sc->w[sc->nw]);
              sc->nw++;
              run = true;
            }
          /* The command a docker run gives its container is not read. */
          if (!run)
            scan_scripts (sc, lv, wd + start, end - start, depth);
        }
      start = end + 1;
    }
}

int
brig_parse_dockerrun (const char *buf, size_t len, const char *file, bool make,
                      struct brig_workload **ret, size_t *ret_n, struct brig_err *err)
{
  struct brig_shword *wd = NULL;
  struct level top = { .s = buf, .len = len, .make = make };
  struct scan sc = { file, &top, NULL, 0 };
  size_t n = 0;
  int r = brig_shell_words (buf, len, file, make, &wd, &n, err);

  if (r < 0)
    return r;
  brig_lines_index (&top.lines, top.s, top.len);
  scan (&sc, &top, wd, n, 0);
  brig_shwords_free (wd, n);
  brig_lines_release (&top.lines);
  *ret = sc.w;
  *ret_n = sc.nw;
  return 0;
}
