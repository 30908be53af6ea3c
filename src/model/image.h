/* The image model: what a Dockerfile (or Containerfile) declares of the
 * images its stages build, each value with where it was written.  The
 * parser (parse/dockerfile.h) fills it; the rules (policy/image.h) read it.
 *
 * Stages are kept in order; the last one is the final stage, the image the
 * file builds.  A stage built FROM another stage inherits its user, ports,
 * environment, health check and shell, so what "the final image" declares
 * is read along the chain final -> parent -> ... -> a stage built FROM an
 * image (PARENT is always an earlier stage, so the chain ends).  Values are
 * as the build sees them: quotes removed, variables expanded where Docker
 * expands them (FROM, USER, EXPOSE, ENV, ARG, ADD, COPY), and marked
 * unresolved where a variable has no value brig can know (an ARG without a
 * default, $TARGETPLATFORM...).  RUN commands are left as the shell will
 * see them, split into simple commands. */
#ifndef BRIG_MODEL_IMAGE_H
#define BRIG_MODEL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/workload.h"
#include "util/arena.h"

/* A word as the build sees it, and where it was written. */
struct brig_iword
{
  const char *s;
  struct brig_loc loc;
};

/* One simple command of a RUN: `A=1 sudo -E apt-get install -y x`. */
struct brig_icmd
{
  struct brig_iword *argv; /* quotes removed; redirections and their targets left out */
  size_t argc;
  /* NAME=value words before the command, and the NAME=value arguments of
   * export, declare, typeset, readonly and env. */
  struct brig_iword *env;
  size_t nenv;
  bool pipe_in; /* its standard input is the previous command's output (`a | b`) */
};

struct brig_irun
{
  struct brig_loc loc;      /* the instruction */
  bool exec_form;           /* RUN ["cmd", "arg"] */
  bool posix;               /* run by a POSIX shell: false under SHELL powershell or cmd */
  struct brig_iword *flags; /* --mount=..., --network=...: "mount=type=cache,..." */
  size_t nflags;
  struct brig_icmd *cmds; /* the command line, then the heredoc scripts a shell runs */
  size_t ncmds;
  const char *text; /* the command line as written, continuations joined */
  /* Under a shell that is not POSIX (!POSIX), the shell form is not split:
   * NCMDS is 0.  ONBUILD: an ONBUILD RUN, done in the builds of images
   * FROM this one, not in this one. */
  bool onbuild;
};

/* An ENV or ARG variable. */
struct brig_ivar
{
  const char *name;
  const char *value;   /* NULL: an ARG without a default */
  bool arg;            /* ARG, else ENV */
  bool resolved;       /* VALUE uses no variable without a value */
  struct brig_loc loc; /* of NAME */
};

/* An ADD or COPY. */
struct brig_icopy
{
  bool add;
  struct brig_loc loc;    /* the instruction */
  struct brig_iword *src; /* a heredoc source is "<<NAME" */
  size_t nsrc;
  bool *src_heredoc;  /* per source: inline content (COPY <<EOF /file) */
  bool *src_resolved; /* per source: no variable without a value */
  struct brig_iword dest;
  const char *from;     /* --from, or NULL */
  const char *checksum; /* --checksum, or NULL */
  bool onbuild;         /* ONBUILD ADD/COPY: done in the builds FROM this image */
  /* --from naming an image rather than a stage (a name or an index):
   * FROM_IMAGE.S the reference, variables expanded, at the flag; NULL
   * otherwise. */
  struct brig_iword from_image;
  bool from_image_resolved; /* no variable without a value in it */
};

struct brig_istage
{
  const char *name;       /* FROM ... AS name, lower case; NULL if none */
  struct brig_loc loc;    /* the FROM instruction */
  struct brig_iword base; /* the image (or stage) it builds on, variables expanded */
  bool base_resolved;     /* false: a variable in BASE has no value brig knows */
  int parent;             /* index of the stage BASE names, or -1 for an image */
  const char *platform;   /* --platform, or NULL */
  bool windows;           /* built on a Windows base image */

  bool has_user; /* the last USER of this stage */
  struct brig_iword user;
  bool user_resolved;
  struct brig_iword *expose; /* EXPOSE words: "22", "8080/tcp", "7000-7010/udp" */
  size_t nexpose;
  struct brig_ivar *vars; /* ENV and ARG, in order */
  size_t nvars;
  struct brig_icopy *copies;
  size_t ncopies;
  struct brig_irun *runs;
  size_t nruns;
  bool has_healthcheck; /* the last HEALTHCHECK */
  bool healthcheck_none;
  struct brig_loc healthcheck_loc;
  struct brig_iword *shell; /* the last SHELL's argv */
  size_t nshell;
};

struct brig_image
{
  const char *file;              /* borrowed: the caller's name for the file */
  const char *syntax;            /* the # syntax= directive, or NULL */
  char escape;                   /* the escape character: \ or ` */
  struct brig_ivar *global_args; /* ARG before the first FROM */
  size_t nglobal_args;
  struct brig_istage *stages; /* at least one */
  size_t nstages;
  struct brig_arena arena; /* owns everything above but FILE */
  /* 1 + the index of the stage the build targets (docker build --target;
   * brig_image_target); 0: the last stage. */
  size_t target;
};

/* The final stage: the image the Dockerfile builds (the last stage, or the
 * one brig_image_target chose). */
const struct brig_istage *brig_image_final (const struct brig_image *img);

/* Build up to the stage NAME (any case) instead of the last, as docker
 * build --target NAME does: it becomes the final stage.  -1 when no stage
 * has that name (the final stage is left as it was). */
int brig_image_target (struct brig_image *img, const char *name);

/* The stage S builds on, or NULL when S builds on an image.  A stage's
 * parent is always an earlier stage, so the walk parent by parent ends. */
const struct brig_istage *brig_image_parent (const struct brig_image *img,
                                             const struct brig_istage *s);

/* The stage at the root of S's chain: the one whose BASE is an image. */
const struct brig_istage *brig_image_root (const struct brig_image *img,
                                           const struct brig_istage *s);

void brig_image_free (struct brig_image *img);

#endif
