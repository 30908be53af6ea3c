#include "cmd/opt.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <string.h>

static const struct brig_opt *
find_long (const struct brig_opt *opts, const char *name, size_t len)
{
  for (; opts->long_name; opts++)
    if (strlen (opts->long_name) == len && strncmp (opts->long_name, name, len) == 0)
      return opts;
  return NULL;
}

static const struct brig_opt *
find_short (const struct brig_opt *opts, char c)
{
  for (; opts->long_name; opts++)
    if (opts->short_name == c)
      return opts;
  return NULL;
}

static int
apply (const struct brig_opt *o, void *ctx, const char *arg, struct brig_err *err)
{
  int r = o->set (ctx, arg, err);
  if (r < 0)
    return brig_err_wrap (err, "--%s", o->long_name);
  return 0;
}

int
brig_opt_parse (const struct brig_opt *opts, void *ctx, int argc, char **argv, int *ret_optind,
                struct brig_err *err)
{
  int i;

  for (i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const struct brig_opt *o;
      int r;

      if (strcmp (a, "--") == 0)
        {
          i++;
          break;
        }
      if (a[0] != '-' || a[1] == '\0')
        break;
      if (a[1] == '-')
        {
          const char *name = a + 2, *eq = strchr (name, '=');
          size_t len = eq ? (size_t)(eq - name) : strlen (name);
          const char *val = eq ? eq + 1 : NULL;

          o = find_long (opts, name, len);
          if (o == NULL)
            return brig_error (err, 0, "unknown option `--%.*s` (see --help)", (int)len, name);
          if (o->arg == NULL && val)
            return brig_error (err, 0, "option `--%s` takes no value", o->long_name);
          if (o->arg && val == NULL)
            {
              if (i + 1 >= argc)
                return brig_error (err, 0, "option `--%s` needs a value %s", o->long_name, o->arg);
              val = argv[++i];
            }
          if ((r = apply (o, ctx, val, err)) < 0)
            return r;
          continue;
        }
      /* One or more short options: "-it", "-m512m", "-m 512m". */
      for (const char *p = a + 1; *p; p++)
        {
          const char *val = NULL;

          o = find_short (opts, *p);
          if (o == NULL)
            return brig_error (err, 0, "unknown option `-%c` (see --help)", *p);
          if (o->arg)
            {
              if (p[1])
                val = p + 1;
              else if (i + 1 < argc)
                val = argv[++i];
              else
                return brig_error (err, 0, "option `-%c` needs a value %s", *p, o->arg);
            }
          if ((r = apply (o, ctx, val, err)) < 0)
            return r;
          if (val)
            break;
        }
    }
  *ret_optind = i;
  return 0;
}

void
brig_opt_help (FILE *f, const struct brig_cmd_help *h, const struct brig_opt *opts)
{
  fprintf (f, "Usage: %s\n\n%s\n", h->usage, h->summary);
  if (h->description)
    fprintf (f, "\n%s\n", h->description);
  fputs ("\nOptions:\n", f);
  for (; opts->long_name; opts++)
    {
      char left[64];
      int n;

      if (opts->help == NULL)
        continue;
      n = snprintf (left, sizeof left, "  %c%c%s--%s%s%s", opts->short_name ? '-' : ' ',
                    opts->short_name ? opts->short_name : ' ', opts->short_name ? ", " : "  ",
                    opts->long_name, opts->arg ? " " : "", opts->arg ? opts->arg : "");
      if (n >= 30)
        fprintf (f, "%s\n%30s%s\n", left, "", opts->help);
      else
        fprintf (f, "%-30s%s\n", left, opts->help);
    }
}

/* roff needs its own escapes for '-' and '\'. */
static void
roff (FILE *f, const char *s)
{
  for (; *s; s++)
    {
      if (*s == '-' || *s == '\\')
        fputc ('\\', f);
      fputc (*s == '\\' ? 'e' : *s, f);
    }
}

void
brig_opt_man (FILE *f, const struct brig_opt *opts)
{
  for (; opts->long_name; opts++)
    {
      if (opts->help == NULL)
        continue;
      fputs (".TP\n", f);
      if (opts->short_name)
        fprintf (f, "\\fB\\-%c\\fR, ", opts->short_name);
      fputs ("\\fB\\-\\-", f);
      roff (f, opts->long_name);
      fputs ("\\fR", f);
      if (opts->arg)
        {
          fputs (" \\fI", f);
          roff (f, opts->arg);
          fputs ("\\fR", f);
        }
      fputc ('\n', f);
      roff (f, opts->help);
      fputc ('\n', f);
    }
}

void
brig_opt_man_page (FILE *f, const char *name, const struct brig_cmd_help *h,
                   const struct brig_opt *opts)
{
  fputs (".TH ", f);
  for (const char *p = name; *p; p++)
    {
      if (*p == '-')
        fputc ('\\', f);
      fputc (toupper ((unsigned char)*p), f);
    }
  fputs (" 1 \"\" \"brig " BRIG_VERSION "\" \"brig manual\"\n.SH NAME\n", f);
  roff (f, name);
  fputs (" \\- ", f);
  roff (f, h->summary);
  fputs ("\n.SH SYNOPSIS\n", f);
  roff (f, h->usage);
  fputs ("\n.SH DESCRIPTION\n", f);
  for (const char *p = h->description; p && *p;)
    {
      const char *end = strstr (p, "\n\n");
      _cleanup_free_ char *para = end ? xstrndup (p, (size_t)(end - p)) : xstrdup (p);
      if (p != h->description)
        fputs (".PP\n", f);
      if (para[0] == '.' || para[0] == '\'')
        fputs ("\\&", f);
      roff (f, para);
      fputc ('\n', f);
      p = end ? end + 2 : NULL;
    }
  fputs (".SH OPTIONS\n", f);
  brig_opt_man (f, opts);
}
