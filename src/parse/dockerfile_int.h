/* Inside the Dockerfile parser: BuildKit's word lexer (dockerfile_words.c)
 * and the split of RUN's shell text into simple commands
 * (dockerfile_run.c), shared by the instruction reader (dockerfile.c) and the
 * model builder (dockerfile_image.c).  Not for use outside src/parse. */
#ifndef BRIG_PARSE_DOCKERFILE_INT_H
#define BRIG_PARSE_DOCKERFILE_INT_H

#include <stdbool.h>
#include <stddef.h>

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
/* The same, starting the search at segment *HINT (updated to OFF's): for
 * offsets that grow, each found in a step or two. */
struct brig_loc dseg_loc_near (const struct brig_dseg *segs, size_t nsegs, size_t *hint,
                               size_t off, size_t end);

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

#endif
