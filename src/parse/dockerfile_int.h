/* Inside the Dockerfile parser: BuildKit's word lexer (dockerfile_words.c)
 * and the split of RUN's shell text into simple commands
 * (dockerfile_run.c), shared by the instruction reader (dockerfile.c) and the
 * model builder (dockerfile_image.c).  Not for use outside src/parse. */
#ifndef BRIG_PARSE_DOCKERFILE_INT_H
#define BRIG_PARSE_DOCKERFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "model/image.h"
#include "parse/dockerfile.h"

/* A variable a word may expand: VALUE NULL when declared without one (an
 * ARG whose value only the build knows). */
struct dvar
{
  const char *name, *value;
  bool resolved; /* VALUE used no variable without a value */
  bool arg;      /* ENV wins over ARG of the same name */
};

struct dword
{
  const char *s;
  size_t off, end; /* where it was in the input: [OFF, END) */
  bool resolved;   /* every variable it used had a value */
  bool quoted;     /* a quote was removed from it */
};

/* Split S[OFF..END) into words as BuildKit's shell lexer does for FROM,
 * USER, EXPOSE, ENV, ARG, ADD and COPY: white space outside quotes ends a
 * word (unless !SPLIT: one word, surrounding space trimmed), quotes are
 * removed, ESCAPE escapes the next character, and $VAR, ${VAR},
 * ${VAR:-word}, ${VAR-word}, ${VAR:+word}, ${VAR+word}, ${VAR:?msg},
 * ${VAR#glob}, ${VAR##glob}, ${VAR%glob}, ${VAR%%glob} are expanded from ENV
 * (N entries, the last one of a name wins, ENV before ARG) when ENV is not
 * NULL.  An unterminated quote runs to the end.  Each variable looked up
 * costs NENV from *BUDGET.  Returns -1 with *RET_WHY set when an expansion
 * grows past BRIG_DOCKERFILE_MAX_LINE or the budget runs out. */
int dwords (struct brig_arena *a, const char *s, size_t off, size_t end, char escape,
            const struct dvar *env, size_t nenv, size_t *budget, bool split, struct dword **ret,
            size_t *ret_n, const char **ret_why);

/* Split a shell script into simple commands, appended to *CMDS (*NCMDS):
 * ;, &&, ||, |, &, newlines, ( ) and the keywords of compound commands
 * separate them; quotes are removed, $(...), `...` and ${...} kept as
 * written inside their word; redirections and their targets left out;
 * heredoc bodies inside the script skipped.  Positions come from SEGS
 * (offsets into TEXT), or are all AT when NSEGS is 0.  The delimiters of
 * heredocs that a shell command reads (`bash <<EOF`) are appended to
 * *SHELL_HEREDOCS. */
void drun_split (struct brig_arena *a, const char *text, size_t len, const struct brig_dseg *segs,
                 size_t nsegs, struct brig_loc at, struct brig_icmd **cmds, size_t *ncmds,
                 const char ***shell_heredocs, size_t *nshell_heredocs);

/* A position from segments (see struct brig_dseg). */
struct brig_loc dseg_loc (const struct brig_dseg *segs, size_t nsegs, size_t off, size_t end);

/* The last segment starting at or before OFF, from LO on (SEGS[LO]
 * starts at or before it, or LO is 0). */
static inline size_t
dseg_of (const struct brig_dseg *segs, size_t nsegs, size_t lo, size_t off)
{
  size_t hi = nsegs;

  /* Most often OFF is in LO's segment (the hint was good) or one of the
     next few (the next line): look there first. */
  for (int step = 0; step < 4; step++, lo++)
    if (lo + 1 >= nsegs || segs[lo + 1].off > off)
      return lo;
  while (hi - lo > 1)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (segs[mid].off <= off)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* dseg_loc, starting the search at segment *HINT (updated to OFF's): for
 * offsets that grow, each found in a step or two.  Inline: the RUN
 * splitter asks for every word. */
static inline struct brig_loc
dseg_loc_near (const struct brig_dseg *segs, size_t nsegs, size_t *hint, size_t off, size_t end)
{
  struct brig_loc l = { 0, 0, 0, 0 };
  size_t i, k;

  if (nsegs == 0)
    return l;
  i = dseg_of (segs, nsegs, *hint < nsegs && segs[*hint].off <= off ? *hint : 0, off);
  *hint = i;
  l.line = segs[i].line;
  l.col = segs[i].col + (int)(off - segs[i].off);
  if (end > off)
    end--; /* the last character */
  k = dseg_of (segs, nsegs, end >= off ? i : 0, end);
  l.end_line = segs[k].line;
  l.end_col = segs[k].col + (int)(end - segs[k].off);
  return l;
}

/* Is the basename of CMD a POSIX-like shell (sh, bash, dash, ash, zsh,
 * ksh, mksh, busybox sh)? */
bool dshell_posix (const char *cmd);

/* A growing NUL-terminated string (dockerfile_words.c, dockerfile_run.c). */
struct sbuf
{
  char *s;
  size_t n, cap;
};
void brig_sbuf_put (struct sbuf *b, const char *s, size_t n);

/* brig_sbuf_put, inline when there is room: the lexers append a few bytes
 * at a time. */
static inline void
sbuf_add (struct sbuf *b, const char *s, size_t n)
{
  if (b->n + n + 1 > b->cap)
    brig_sbuf_put (b, s, n);
  else
    {
      memcpy (b->s + b->n, s, n);
      b->n += n;
      b->s[b->n] = '\0';
    }
}

#endif
