/* Option tables: each command declares its flags once; parsing, --help and
 * the man page's OPTIONS section all come from the same table. */
#ifndef BRIG_CMD_OPT_H
#define BRIG_CMD_OPT_H

#include <stdio.h>

#include "util/err.h"

struct brig_opt
{
  char short_name;       /* 0: none */
  const char *long_name; /* without the dashes */
  const char *arg;       /* placeholder ("BYTES"), or NULL for a flag */
  const char *help;      /* one sentence; may name the default */
  int (*set) (void *ctx, const char *arg, struct brig_err *err);
};

struct brig_cmd_help
{
  const char *usage;       /* "brig run [OPTIONS] IMAGE [COMMAND [ARG...]]" */
  const char *summary;     /* one line */
  const char *description; /* paragraphs, may be NULL */
};

/* Parse options from argv[1] up to the first operand ("--" ends options
 * too); *ret_optind is the index of the first operand.  Errors name the
 * option and its value. */
int brig_opt_parse (const struct brig_opt *opts, void *ctx, int argc, char **argv, int *ret_optind,
                    struct brig_err *err);

/* A setter FN for a flag that sets ((TYPE *)ctx)->FIELD. */
#define BRIG_OPT_FLAG(fn, type, field)                                                             \
  static int fn (void *ctx, const char *arg, struct brig_err *err)                                 \
  {                                                                                                \
    (void)arg;                                                                                     \
    (void)err;                                                                                     \
    ((type *)ctx)->field = true;                                                                   \
    return 0;                                                                                      \
  }

/* A setter FN for an option that keeps its argument in ((TYPE *)ctx)->FIELD. */
#define BRIG_OPT_STRING(fn, type, field)                                                           \
  static int fn (void *ctx, const char *arg, struct brig_err *err)                                 \
  {                                                                                                \
    (void)err;                                                                                     \
    ((type *)ctx)->field = arg;                                                                    \
    return 0;                                                                                      \
  }

void brig_opt_help (FILE *f, const struct brig_cmd_help *h, const struct brig_opt *opts);
void brig_opt_man (FILE *f, const struct brig_opt *opts);

/* The whole man page of command NAME ("brig-host"), all from its help and
 * its option table, so that it cannot drift from --help. */
void brig_opt_man_page (FILE *f, const char *name, const struct brig_cmd_help *h,
                        const struct brig_opt *opts);

#endif
