/* RUN's shell text split into simple commands, for rules that look for a
 * command and its options (`sudo`, `curl -k`, `apt-get install` without
 * -y).  Not a shell: enough of POSIX sh's token rules that quoting, pipes,
 * lists, redirections and heredocs do not hide or invent commands. */
#include "parse/dockerfile_int.h"
#include "util/cleanup.h"

#include <string.h>

static inline void
putc1 (struct sbuf *b, char c)
{
  sbuf_add (b, &c, 1);
}

/* What a character is to word () outside quotes: the end of the word
 * (NUL too, as strchr finds it in " \t\r\n;&|()<>"), the start of
 * something to read (quotes, escapes, $ and `), or 0: copied as it is. */
enum
{
  W_END = 1,
  W_SPECIAL = 2,
};
static const unsigned char wclass[256] = {
  [0] = W_END,       [' '] = W_END,     ['\t'] = W_END,     ['\r'] = W_END,     ['\n'] = W_END,
  [';'] = W_END,     ['&'] = W_END,     ['|'] = W_END,      ['('] = W_END,      [')'] = W_END,
  ['<'] = W_END,     ['>'] = W_END,     ['\\'] = W_SPECIAL, ['\''] = W_SPECIAL, ['"'] = W_SPECIAL,
  ['$'] = W_SPECIAL, ['`'] = W_SPECIAL,
};

struct skip
{
  char *name;
  bool chomp;
};

/* What a command does with its NAME=value arguments. */
enum sets_env
{
  SETS_NONE,
  SETS_ENV,     /* export, declare...: they are environment */
  SETS_ENV_CMD, /* env: those before the command it runs are */
};

struct sh
{
  struct brig_arena *a;
  const char *t;
  size_t n;
  const struct brig_dseg *segs;
  size_t nsegs;
  struct brig_loc at;
  bool lenient;      /* \' inside single quotes is a quote (a common mistake) */
  bool unterminated; /* a single quote was not closed */
  struct brig_icmd *cmds;
  size_t ncmds;
  const char **hd;
  size_t nhd;
  struct brig_icmd cur;
  const char *cur_heredoc; /* the delimiter of a << on the current command */
  int redirect;            /* the next word is a redirection's target: 1, a heredoc's: 2 */
  bool chomp;
  struct skip skip[16]; /* heredoc bodies to skip at the next newline */
  size_t nskip;
  struct sbuf word;       /* the word being read, its buffer reused */
  char *sp, *se;          /* room in the arena for the words' copies */
  char *copy;             /* T's copy, in which plain words are ended by a NUL */
  size_t seg;             /* the segment of the last word: where () looks from there */
  enum sets_env sets_env; /* what the current command does with NAME=value */
};

bool
dshell_posix (const char *cmd)
{
  static const char *const shells[] = { "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", NULL };
  const char *b = strrchr (cmd, '/');

  b = b ? b + 1 : cmd;
  for (size_t i = 0; shells[i]; i++)
    if (strcmp (b, shells[i]) == 0)
      return true;
  return false;
}

/* Where T[OFF..END) was written: dseg_loc_near for offsets that only grow,
 * as the words' do, each segment found by stepping on from the last
 * word's (over a whole split, as many steps as segments). */
static inline struct brig_loc
where (struct sh *x, size_t off, size_t end)
{
  const struct brig_dseg *sg = x->segs;
  size_t n = x->nsegs, i, k;
  struct brig_loc l;

  if (n == 0)
    return x->at;
  if (x->seg >= n || sg[x->seg].off > off)
    return dseg_loc_near (sg, n, &x->seg, off, end);
  for (i = x->seg; i + 1 < n && sg[i + 1].off <= off; i++)
    ;
  x->seg = i;
  if (end > off)
    end--; /* the last character */
  for (k = i; k + 1 < n && sg[k + 1].off <= end; k++)
    ;
  l.line = sg[i].line;
  l.col = sg[i].col + (int)(off - sg[i].off);
  l.end_line = sg[k].line;
  l.end_col = sg[k].col + (int)(end - sg[k].off);
  return l;
}

/* Is C a shell, maybe behind sudo, env or exec (`sudo -E bash -s`)? */
static bool
runs_shell (const struct brig_icmd *c)
{
  static const char *const wrappers[]
      = { "sudo", "doas", "env", "exec", "nohup", "time", "command", "nice", NULL };

  for (size_t i = 0; i < c->argc; i++)
    {
      const char *w = c->argv[i].s, *b = strrchr (w, '/');
      bool wrapper = false;

      b = b ? b + 1 : w;
      if (w[0] == '-' || (i > 0 && strchr (w, '=')))
        continue;
      for (size_t k = 0; wrappers[k] && !wrapper; k++)
        wrapper = strcmp (b, wrappers[k]) == 0;
      if (!wrapper)
        return dshell_posix (w);
    }
  return false;
}

static void
flush (struct sh *x, bool pipe_next)
{
  if (x->cur.argc || x->cur.nenv)
    {
      struct brig_icmd *c = ARENA_PUSH (x->a, x->cmds, x->ncmds);
      *c = x->cur;
      if (x->cur_heredoc && runs_shell (c))
        *ARENA_PUSH (x->a, x->hd, x->nhd) = x->cur_heredoc;
    }
  memset (&x->cur, 0, sizeof x->cur);
  x->cur.pipe_in = pipe_next;
  x->cur_heredoc = NULL;
  x->redirect = 0;
}

/* The first letters of the keywords below: most first words are passed
 * over at once. */
static const bool kw_first[256] = {
  ['i'] = true, ['t'] = true, ['e'] = true, ['f'] = true, ['d'] = true,
  ['w'] = true, ['u'] = true, ['!'] = true, ['{'] = true, ['}'] = true,
};

static bool
is_keyword (const char *w)
{
  static const char *const kw[] = { "if",    "then",  "else", "elif", "fi", "do",   "done",
                                    "while", "until", "!",    "{",    "}",  "time", NULL };
  if (!kw_first[(unsigned char)w[0]])
    return false;
  for (size_t i = 0; kw[i]; i++)
    if (w[0] == kw[i][0] && w[1] == kw[i][1] && strcmp (w, kw[i]) == 0)
      return true;
  return false;
}

/* The characters of a variable's name: as isalnum in the C locale
 * (brig's), and _. */
static const bool name_char[256] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
  ['9'] = 1, ['_'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
  ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,
  ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1,
  ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* Does the raw text at T[I] start NAME= (or NAME+=)? */
static bool
is_assignment (const char *t, size_t i, size_t end)
{
  size_t k = i;

  if (k >= end || !name_char[(unsigned char)t[k]] || (t[k] >= '0' && t[k] <= '9'))
    return false;
  while (k < end && name_char[(unsigned char)t[k]])
    k++;
  if (k < end && t[k] == '+')
    k++;
  return k < end && t[k] == '=';
}

static const char *
base (const char *s)
{
  const char *b = strrchr (s, '/');
  return b ? b + 1 : s;
}

/* Copy $(...), ${...}, <(...) or `...` as written, from T[I] to its end. */
static size_t
raw (struct sh *x, size_t i, struct sbuf *b)
{
  const char *t = x->t;
  char open, close;
  int depth = 0;
  size_t start = i;

  if (t[i] == '`')
    {
      for (i++; i < x->n && t[i] != '`'; i++)
        if (t[i] == '\\' && i + 1 < x->n)
          i++;
      i = i < x->n ? i + 1 : i;
      sbuf_add (b, t + start, i - start);
      return i;
    }
  i++; /* $ < or > */
  open = t[i];
  close = open == '(' ? ')' : '}';
  for (; i < x->n; i++)
    {
      char c = t[i];
      if (c == '\\' && i + 1 < x->n)
        i++;
      else if (c == '\'')
        {
          const char *q = memchr (t + i + 1, '\'', x->n - i - 1);
          i = q ? (size_t)(q - t) : x->n - 1;
        }
      else if (c == open)
        depth++;
      else if (c == close && --depth == 0)
        {
          i++;
          break;
        }
    }
  if (i > x->n)
    i = x->n;
  sbuf_add (b, t + start, i - start);
  return i;
}

/* One word from T[I], quotes removed. */
static size_t
word (struct sh *x, size_t i, struct sbuf *b)
{
  const char *t = x->t;

  while (i < x->n)
    {
      char c = t[i];

      if (wclass[(unsigned char)c] == 0)
        {
          /* A run of characters copied as they are. */
          size_t j = i + 1;
          while (j < x->n && wclass[(unsigned char)t[j]] == 0)
            j++;
          sbuf_add (b, t + i, j - i);
          i = j;
          continue;
        }
      if (wclass[(unsigned char)c] == W_END)
        break;
      if (c == '\\')
        {
          if (i + 1 < x->n && t[i + 1] != '\n')
            putc1 (b, t[i + 1]);
          i += 2;
        }
      else if (c == '\'' && !x->lenient)
        {
          const char *q = memchr (t + i + 1, '\'', x->n - i - 1);
          size_t e = q ? (size_t)(q - t) : x->n;

          sbuf_add (b, t + i + 1, e - i - 1);
          i = e;
          if (i >= x->n)
            x->unterminated = true;
          i++;
        }
      else if (c == '\'')
        {
          for (i++; i < x->n && t[i] != '\''; i++)
            if (x->lenient && t[i] == '\\' && i + 1 < x->n && t[i + 1] == '\'')
              putc1 (b, t[++i]);
            else
              putc1 (b, t[i]);
          if (i >= x->n)
            x->unterminated = true;
          i++;
        }
      else if (c == '"')
        {
          for (i++; i < x->n && t[i] != '"';)
            {
              if (t[i] == '\\' && i + 1 < x->n && strchr ("$`\"\\\n", t[i + 1]))
                {
                  if (t[i + 1] != '\n')
                    putc1 (b, t[i + 1]);
                  i += 2;
                }
              else if ((t[i] == '$' && i + 1 < x->n && (t[i + 1] == '(' || t[i + 1] == '{'))
                       || t[i] == '`')
                i = raw (x, i, b);
              else
                {
                  size_t j = i + 1;
                  while (j < x->n && t[j] != '"' && t[j] != '\\' && t[j] != '$' && t[j] != '`')
                    j++;
                  sbuf_add (b, t + i, j - i);
                  i = j;
                }
            }
          i++;
        }
      else if ((c == '$' && i + 1 < x->n && (t[i + 1] == '(' || t[i + 1] == '{')) || c == '`')
        i = raw (x, i, b);
      else if (c == '$' && i + 1 < x->n && t[i + 1] == '\'')
        {
          for (i += 2; i < x->n && t[i] != '\''; i++)
            putc1 (b, t[i] == '\\' && i + 1 < x->n ? t[++i] : t[i]);
          i++;
        }
      else
        {
          putc1 (b, c);
          i++;
        }
    }
  return i > x->n ? x->n : i;
}

static enum sets_env
sets_env (const char *cmd)
{
  static const char *const setters[]
      = { "export", "declare", "typeset", "readonly", "local", NULL };

  cmd = base (cmd);
  for (size_t i = 0; setters[i]; i++)
    if (cmd[0] == setters[i][0] && cmd[1] == setters[i][1] && strcmp (cmd, setters[i]) == 0)
      return SETS_ENV;
  return cmd[0] == 'e' && cmd[1] == 'n' && strcmp (cmd, "env") == 0 ? SETS_ENV_CMD : SETS_NONE;
}

/* A copy of the word of N bytes at S, read from T[START...]. */
static inline char *
copy_word (struct sh *x, size_t start, const char *s, size_t n)
{
  char *p;

  /* A word is at most as long as the text it was read from, plus its NUL:
     room for the rest of the text's words is taken at once, up to 2 KiB. */
  if ((size_t)(x->se - x->sp) < n + 1)
    {
      size_t size = 2 * (x->n - start) + 2;
      if (size > 2048)
        size = n + 1 > 2048 ? n + 1 : 2048;
      x->sp = brig_arena_alloc (x->a, size);
      x->se = x->sp + size;
    }
  p = x->sp;
  memcpy (p, s, n);
  p[n] = '\0';
  x->sp += n + 1;
  return p;
}

/* The word T[START..END) became S (N bytes: its length, or more when a
 * NUL was copied into it; the copy reads the same): copied when COPY, else
 * S is the word's for good (NUL-terminated). */
static void
add_word (struct sh *x, size_t start, size_t end, const char *s, size_t n, bool copy)
{
  struct brig_iword w;

  if (x->redirect == 1)
    {
      x->redirect = 0;
      return;
    }
  w.s = copy ? copy_word (x, start, s, n) : s;
  s = w.s; /* S need not end in a NUL */
  if (x->redirect)
    {
      if (x->nskip < ARRAY_SIZE (x->skip))
        x->skip[x->nskip++] = (struct skip){ xstrdup (s), x->chomp };
      x->cur_heredoc = w.s;
      x->redirect = 0;
      return;
    }
  w.loc = where (x, start, end);
  if (x->cur.argc == 0)
    {
      if (is_assignment (x->t, start, end))
        {
          *ARENA_PUSH (x->a, x->cur.env, x->cur.nenv) = w;
          return;
        }
      if (is_keyword (s))
        return;
    }
  *ARENA_PUSH (x->a, x->cur.argv, x->cur.argc) = w;
  /* What export, declare and env set is environment too: which command
     this is, worked out at its first word. */
  if (x->cur.argc == 1)
    x->sets_env = sets_env (w.s);
  if (x->cur.argc < 2 || x->sets_env == SETS_NONE || !is_assignment (x->t, start, end))
    return;
  if (x->sets_env == SETS_ENV)
    *ARENA_PUSH (x->a, x->cur.env, x->cur.nenv) = w;
  else
    {
      for (size_t k = 1; k + 1 < x->cur.argc; k++)
        if (x->cur.argv[k].s[0] != '-' && strchr (x->cur.argv[k].s, '=') == NULL)
          return;
      *ARENA_PUSH (x->a, x->cur.env, x->cur.nenv) = w;
    }
}

/* At a newline: skip the bodies of the heredocs the line opened. */
static size_t
skip_bodies (struct sh *x, size_t i)
{
  for (size_t h = 0; h < x->nskip; h++)
    {
      size_t dn = strlen (x->skip[h].name);
      while (i < x->n)
        {
          const char *nl = memchr (x->t + i, '\n', x->n - i);
          size_t e = nl ? (size_t)(nl - x->t) : x->n, s = i;
          if (x->skip[h].chomp)
            while (s < e && x->t[s] == '\t')
              s++;
          i = nl ? e + 1 : e;
          if (e - s == dn && memcmp (x->t + s, x->skip[h].name, dn) == 0)
            break;
        }
      free (x->skip[h].name);
    }
  x->nskip = 0;
  return i;
}

/* A redirection's operator at T[J] (after its descriptor's digits, or
 * the & of &>): the next word is its target (a heredoc's delimiter for <<
 * and <<-).  Returns where the operator ends. */
static size_t
redirection (struct sh *x, size_t j)
{
  const char *t = x->t;
  bool heredoc = false;

  if (t[j] == '&')
    j++;
  if (j + 2 < x->n && t[j] == '<' && t[j + 1] == '<' && t[j + 2] == '<')
    j += 3;
  else if (j + 1 < x->n && t[j] == '<' && t[j + 1] == '<')
    {
      heredoc = true;
      x->chomp = j + 2 < x->n && t[j + 2] == '-';
      j += x->chomp ? 3 : 2;
    }
  else
    {
      j++;
      if (j < x->n && strchr (">&|", t[j]))
        j++;
    }
  x->redirect = heredoc ? 2 : 1;
  return j;
}

/* What a character is to split () where a token starts. */
enum
{
  T_WORD = 0,
  T_BLANK,  /* space, tab, CR */
  T_NL,     /* a newline */
  T_ESCAPE, /* \: a continuation when a newline follows */
  T_HASH,   /* a comment */
  T_SEP,    /* ; ( ) */
  T_OP,     /* | & */
  T_DIGIT,  /* maybe a redirection's descriptor */
  T_REDIR,  /* < > */
};
static const unsigned char tclass[256] = {
  [' '] = T_BLANK, ['\t'] = T_BLANK, ['\r'] = T_BLANK, ['\n'] = T_NL,   ['\\'] = T_ESCAPE,
  ['#'] = T_HASH,  [';'] = T_SEP,    ['('] = T_SEP,    [')'] = T_SEP,   ['|'] = T_OP,
  ['&'] = T_OP,    ['0'] = T_DIGIT,  ['1'] = T_DIGIT,  ['2'] = T_DIGIT, ['3'] = T_DIGIT,
  ['4'] = T_DIGIT, ['5'] = T_DIGIT,  ['6'] = T_DIGIT,  ['7'] = T_DIGIT, ['8'] = T_DIGIT,
  ['9'] = T_DIGIT, ['<'] = T_REDIR,  ['>'] = T_REDIR,
};

static void
split (struct sh *x)
{
  const char *t = x->t;
  size_t i = 0;

  /* The copy plain words are read from: its NUL at N (and those that end
     the words before I) end a scan as the end of T would. */
  x->copy = brig_arena_strndup (x->a, t, x->n);

  while (i < x->n)
    {
      char c = t[i];
      size_t j;

      switch (tclass[(unsigned char)c])
        {
        case T_BLANK:
          i++;
          continue;
        case T_NL:
          flush (x, false);
          i = skip_bodies (x, i + 1);
          continue;
        case T_ESCAPE:
          if (i + 1 < x->n && t[i + 1] == '\n')
            {
              i += 2;
              continue;
            }
          break;
        case T_HASH:
          while (i < x->n && t[i] != '\n')
            i++;
          continue;
        case T_SEP:
          flush (x, false);
          i++;
          continue;
        case T_OP:
          if (c == '|' || !(i + 1 < x->n && t[i + 1] == '>'))
            {
              bool pipe = c == '|' && !(i + 1 < x->n && t[i + 1] == '|');
              i += i + 1 < x->n && (t[i + 1] == c || (c == '|' && t[i + 1] == '&')) ? 2 : 1;
              flush (x, pipe);
              continue;
            }
          /* &> and &>> */
          i = redirection (x, i);
          continue;
        case T_DIGIT:
        case T_REDIR:
          /* Redirections: [n]< [n]> >> << <<- <<< <& >& <> >| */
          j = i;
          while (j < x->n && t[j] >= '0' && t[j] <= '9')
            j++;
          if (j < x->n && (t[j] == '<' || t[j] == '>') && !(j + 1 < x->n && t[j + 1] == '('))
            {
              i = redirection (x, j);
              continue;
            }
          break;
        default:
          break;
        }
      {
        struct sbuf *b = &x->word;
        size_t start = i;

        /* Most words are plain characters up to a blank or an operator:
           taken as they are written. */
        for (j = i; wclass[(unsigned char)x->copy[j]] == 0; j++)
          ;
        if (j > i && (j == x->n || wclass[(unsigned char)t[j]] == W_END))
          {
            /* in the copy of T, where the NUL replaces what ended it */
            x->copy[j] = '\0';
            add_word (x, start, j, x->copy + start, j - start, false);
            i = j;
            continue;
          }
        b->n = 0;
        sbuf_add (b, "", 0);
        if ((c == '<' || c == '>') && i + 1 < x->n && t[i + 1] == '(')
          i = raw (x, i, b); /* <(process substitution) is an argument */
        else
          i = word (x, i, b);
        if (i == start)
          i++; /* a stray character: go on */
        else
          add_word (x, start, i, b->s, b->n, true);
      }
    }
  flush (x, false);
  for (size_t h = 0; h < x->nskip; h++)
    free (x->skip[h].name);
  x->nskip = 0;
  free (x->word.s);
  x->word = (struct sbuf){ 0 };
}

void
drun_split (struct brig_arena *a, const char *text, size_t len, const struct brig_dseg *segs,
            size_t nsegs, struct brig_loc at, struct brig_icmd **cmds, size_t *ncmds,
            const char ***shell_heredocs, size_t *nshell_heredocs)
{
  struct sh x = { a, text, len, segs, nsegs, at };

  split (&x);
  if (x.unterminated)
    {
      /* `'it\'s'`: the writer meant an escaped quote. */
      memset (&x, 0, sizeof x);
      x = (struct sh){ a, text, len, segs, nsegs, at, true };
      split (&x);
    }
  /* Into empty arrays the split's own are taken as they are: they were
     grown by ARENA_PUSH as these would have been. */
  if (*ncmds == 0)
    *cmds = x.cmds, *ncmds = x.ncmds;
  else
    for (size_t i = 0; i < x.ncmds; i++)
      *ARENA_PUSH (a, *cmds, *ncmds) = x.cmds[i];
  if (*nshell_heredocs == 0)
    *shell_heredocs = x.hd, *nshell_heredocs = x.nhd;
  else
    for (size_t i = 0; i < x.nhd; i++)
      *ARENA_PUSH (a, *shell_heredocs, *nshell_heredocs) = x.hd[i];
}
