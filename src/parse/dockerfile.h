/* Dockerfiles and Containerfiles: the syntax (every instruction with where
 * it was written) and the image model built from it (model/image.h).
 *
 * The grammar is BuildKit's (moby/buildkit frontend/dockerfile/parser):
 * parser directives (# syntax=, # escape=, # check=) before anything else;
 * lines continued with the escape character (\ or the # escape= one);
 * comment lines, also between continued lines; heredocs on RUN, COPY and ADD
 * (<<EOF, <<-EOF, quoted delimiters, several on one line); JSON (exec) and
 * shell forms; stages and ARG scoping (ARG before FROM, expanded in FROM).
 *
 * Bad input is an error at FILE:LINE:COL, as docker build would refuse it:
 * an unknown instruction, an unterminated heredoc, a NUL byte (a binary
 * file), an instruction other than ARG before the first FROM, no FROM.
 * What the build would only choke on later (an unterminated quote in a
 * value) is read as far as it goes.  Bounded: BRIG_DOCKERFILE_MAX_SIZE bytes,
 * lines (continuations joined) of BRIG_DOCKERFILE_MAX_LINE bytes,
 * BRIG_DOCKERFILE_MAX_INSTRUCTIONS instructions, BRIG_DOCKERFILE_MAX_STAGES
 * stages; a variable expansion cannot grow a word past
 * BRIG_DOCKERFILE_MAX_LINE, nor variable lookups cost more than
 * BRIG_DOCKERFILE_MAX_LOOKUPS comparisons. */
#ifndef BRIG_PARSE_DOCKERFILE_H
#define BRIG_PARSE_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/image.h"
#include "util/arena.h"
#include "util/err.h"

#define BRIG_DOCKERFILE_MAX_SIZE (4u << 20)
#define BRIG_DOCKERFILE_MAX_LINE (1u << 20)
#define BRIG_DOCKERFILE_MAX_INSTRUCTIONS 65536
#define BRIG_DOCKERFILE_MAX_STAGES 1024
/* Variable lookups times the variables in scope. */
#define BRIG_DOCKERFILE_MAX_LOOKUPS (64u << 20)

enum brig_dkw
{
  BRIG_DKW_ADD,
  BRIG_DKW_ARG,
  BRIG_DKW_CMD,
  BRIG_DKW_COPY,
  BRIG_DKW_ENTRYPOINT,
  BRIG_DKW_ENV,
  BRIG_DKW_EXPOSE,
  BRIG_DKW_FROM,
  BRIG_DKW_HEALTHCHECK,
  BRIG_DKW_LABEL,
  BRIG_DKW_MAINTAINER,
  BRIG_DKW_ONBUILD,
  BRIG_DKW_RUN,
  BRIG_DKW_SHELL,
  BRIG_DKW_STOPSIGNAL,
  BRIG_DKW_USER,
  BRIG_DKW_VOLUME,
  BRIG_DKW_WORKDIR,
};

/* "RUN", "COPY"... */
const char *brig_dkw_name (enum brig_dkw kw);

/* Where an offset of an instruction's LINE was in the file: LINE[OFF...]
 * came from line LINE, column COL, and so on up to the next segment. */
struct brig_dseg
{
  size_t off;
  int line, col;
};

/* --name=value before the arguments (VALUE NULL for a bare --name). */
struct brig_dflag
{
  const char *name, *value;
  size_t off; /* in LINE */
};

struct brig_dheredoc
{
  const char *name; /* the delimiter, quotes removed */
  bool chomp;       /* <<- : leading tabs stripped */
  bool expand;      /* the delimiter was not quoted: variables are expanded */
  unsigned fd;      /* 3<<EOF */
  size_t off;       /* of the <<WORD in LINE */
  const char *body; /* the lines up to the delimiter, each ending in \n */
  int body_line;    /* the line BODY starts on */
};

struct brig_dinstr
{
  enum brig_dkw kw;
  struct brig_loc loc; /* the keyword's line and column .. the last line and column,
                          heredocs included */
  /* The instruction as BuildKit reads it: continued lines joined without
   * their escape character and newline, comment and empty lines between
   * them dropped, surrounding white space trimmed.  LINE[0] is the
   * keyword. */
  const char *line;
  size_t len;
  /* ONBUILD: the trigger's keyword; FLAGS, ARGS and the rest are the
   * trigger's. */
  enum brig_dkw sub;
  struct brig_dflag *flags;
  size_t nflags;
  size_t args; /* where the arguments start in LINE, after the flags */
  bool json;   /* the arguments are a JSON array of strings: */
  const char **argv;
  size_t argc;
  struct brig_dheredoc *heredocs;
  size_t nheredocs;
  struct brig_dseg *segs; /* at least one */
  size_t nsegs;
};

struct brig_dockerfile
{
  const char *file;
  char escape;        /* \ or ` */
  const char *syntax; /* # syntax=, or NULL */
  const char *check;  /* # check=, or NULL */
  struct brig_dinstr *v;
  size_t n;
  struct brig_arena arena;
};

/* The instructions of BUF (LEN bytes, read from FILE). */
int brig_dockerfile_parse (const char *buf, size_t len, const char *file,
                           struct brig_dockerfile **ret, struct brig_err *err);
void brig_dockerfile_free (struct brig_dockerfile *df);

/* Where LINE[OFF] of IN was written. */
struct brig_loc brig_dinstr_loc (const struct brig_dinstr *in, size_t off);

/* The image model of a parsed Dockerfile; the model does not borrow from DF
 * (FILE aside). */
int brig_image_from_dockerfile (const struct brig_dockerfile *df, struct brig_image **ret,
                                struct brig_err *err);

/* Both at once: BUF -> the image model. */
int brig_parse_dockerfile (const char *buf, size_t len, const char *file, struct brig_image **ret,
                           struct brig_err *err);

/* Is NAME (a file name without its directory) one brig audit reads as a
 * Dockerfile: Dockerfile, Containerfile, Dockerfile.*, Dockerfile-*,
 * Containerfile.*, *.Dockerfile, *.dockerfile, *.Containerfile (templates
 * such as Dockerfile.template and Dockerfile.j2 are not)? */
bool brig_dockerfile_name (const char *name);

/* Does BUF look like a Dockerfile: is its first instruction, after parser
 * directives and comments, FROM or ARG? */
bool brig_dockerfile_detect (const char *buf, size_t len);

#endif
