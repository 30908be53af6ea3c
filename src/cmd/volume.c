/* brig volume create|ls|rm|inspect: the named volumes that brig run's
 * -v NAME:/path mounts (stored by src/sandbox/volume.c). */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "parse/volume.h"
#include "sandbox/volume.h"
#include "util/cleanup.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct volume_opts
{
  bool help;
  bool quiet;
};

BRIG_OPT_FLAG (set_help, struct volume_opts, help)
BRIG_OPT_FLAG (set_quiet, struct volume_opts, quiet)

static const struct brig_opt options[] = {
  { 'q', "quiet", NULL, "ls: names only, without the header; create: print nothing", set_quiet },
  { 'h', "help", NULL, "show this help", set_help },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help help = {
  "brig volume create NAME...\n"
  "       brig volume ls [-q]\n"
  "       brig volume inspect NAME...\n"
  "       brig volume rm NAME...",
  "manage the named volumes that brig run -v NAME:/PATH mounts",
  "A named volume is a directory brig keeps under its state directory (/var/lib/brig/volumes,\n"
  "or $XDG_STATE_HOME/brig/volumes when unprivileged) that outlives the containers using it.\n"
  "brig run makes a missing one, and gives it to the host ids its user maps to each time it\n"
  "mounts it (read-only unless rw).  A NAME is a letter or digit, then letters, digits, `_`,\n"
  "`.` or `-`.  rm refuses a volume that a running container uses, and removes what it holds\n"
  "without following any symlink in it.  inspect prints JSON.\n\n"
  "Exit status: 0, 1 if a volume could not be made, found or removed, 2 for a usage error.",
};

static int
check_name (const char *name, struct brig_err *err)
{
  if (!brig_volume_name_valid (name))
    return brig_error (err, 0,
                       "volume name `%s`: expected a letter or digit, then letters, digits, "
                       "`_`, `.` or `-` (at most %d)",
                       name, BRIG_VOLUME_NAME_MAX);
  return 0;
}

static int
do_create (const struct volume_opts *o, char **names, int n, struct brig_err *err)
{
  int status = 0;

  for (int i = 0; i < n; i++)
    {
      bool existed;
      if (check_name (names[i], err) < 0 || brig_volume_create (names[i], &existed, err) < 0)
        {
          status = brig_fail (EXIT_FAIL, err);
          continue;
        }
      if (!o->quiet)
        printf ("%s%s\n", names[i], existed ? " (already there)" : "");
    }
  return status;
}

static int
do_ls (const struct volume_opts *o, char **names_, int n, struct brig_err *err)
{
  _cleanup_strv_ char **names = NULL;

  (void)names_;
  if (n > 0)
    {
      brig_error (err, 0, "ls takes no operand");
      return brig_fail (EXIT_USAGE, err);
    }
  if (brig_volume_list (&names, err) < 0)
    return brig_fail (EXIT_FAIL, err);
  if (!o->quiet)
    printf ("%-32s %-12s %s\n", "NAME", "OWNER", "USED BY");
  for (size_t i = 0; names && names[i]; i++)
    {
      struct brig_volume_info v;
      _cleanup_free_ char *users = NULL;
      char owner[32];

      if (o->quiet)
        {
          printf ("%s\n", names[i]);
          continue;
        }
      if (brig_volume_inspect (names[i], &v, err) < 0)
        {
          brig_err_release (err);
          continue; /* removed meanwhile */
        }
      for (size_t k = 0; v.used_by && v.used_by[k]; k++)
        str_append (&users, ", ", v.used_by[k]);
      snprintf (owner, sizeof owner, "%u:%u", (unsigned)v.uid, (unsigned)v.gid);
      printf ("%-32s %-12s %s\n", v.name, owner, users ? users : "-");
      brig_volume_info_release (&v);
    }
  return 0;
}

static int
do_inspect (const struct volume_opts *o, char **names, int n, struct brig_err *err)
{
  (void)o;
  json_t *all = json_array ();
  int status = 0;
  char *s;

  for (int i = 0; i < n; i++)
    {
      struct brig_volume_info v;
      json_t *users = json_array ();

      if (check_name (names[i], err) < 0 || brig_volume_inspect (names[i], &v, err) < 0)
        {
          json_decref (users);
          status = brig_fail (EXIT_FAIL, err);
          continue;
        }
      char created[32];
      struct tm tm;

      for (size_t k = 0; v.used_by && v.used_by[k]; k++)
        json_array_append_new (users, json_string (v.used_by[k]));
      strftime (created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r (&v.created, &tm));
      json_array_append_new (all,
                             json_pack ("{s:s, s:s, s:s, s:i, s:i, s:o}", "name", v.name,
                                        "created_at", created, "mountpoint", v.mountpoint, "uid",
                                        (int)v.uid, "gid", (int)v.gid, "used_by", users));
      brig_volume_info_release (&v);
    }
  s = json_dumps (all, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (s)
    printf ("%s\n", s);
  free (s);
  json_decref (all);
  return status;
}

static int
do_rm (const struct volume_opts *o, char **names, int n, struct brig_err *err)
{
  (void)o;
  int status = 0;

  for (int i = 0; i < n; i++)
    if (check_name (names[i], err) < 0 || brig_volume_remove (names[i], err) < 0)
      status = brig_fail (EXIT_FAIL, err);
  return status;
}

/* The verbs: name, Docker's other name for it, whether it takes names. */
static const struct
{
  const char *name, *alias;
  bool needs_names;
  int (*run) (const struct volume_opts *o, char **names, int n, struct brig_err *err);
} verbs[] = {
  { "create", NULL, true, do_create },
  { "ls", "list", false, do_ls },
  { "inspect", NULL, true, do_inspect },
  { "rm", "remove", true, do_rm },
};

int
cmd_volume (int argc, char **argv)
{
  struct volume_opts o = { 0 };
  struct brig_err err = { 0 };
  const char *verb;
  int optind_;

  if (brig_opt_parse (options, &o, argc, argv, &optind_, &err) < 0)
    return brig_fail (EXIT_USAGE, &err);
  if (o.help)
    {
      brig_opt_help (stdout, &help, options);
      return 0;
    }
  if (optind_ >= argc)
    {
      brig_error (&err, 0, "missing a verb: expected create, ls, inspect or rm");
      return brig_fail (EXIT_USAGE, &err);
    }
  verb = argv[optind_];
  argc -= optind_ + 1;
  argv += optind_ + 1;
  /* Options anywhere after the verb, as docker volume takes them
   * (brig volume ls -q, brig volume create a -q b); after `--` only
   * names. */
  _cleanup_free_ char **names = xcalloc ((size_t)argc + 1, sizeof *names);
  int n = 0;
  bool dashdash = false;

  while (argc > 0)
    {
      int more;
      if (!dashdash)
        {
          if (brig_opt_parse (options, &o, argc + 1, argv - 1, &more, &err) < 0)
            return brig_fail (EXIT_USAGE, &err);
          dashdash = more > 1 && strcmp (argv[more - 2], "--") == 0;
          argc -= more - 1;
          argv += more - 1;
        }
      if (argc > 0)
        {
          names[n++] = *argv++;
          argc--;
        }
    }
  argc = n;
  argv = names;
  if (o.help)
    {
      brig_opt_help (stdout, &help, options);
      return 0;
    }
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    if (strcmp (verb, verbs[i].name) == 0 || (verbs[i].alias && strcmp (verb, verbs[i].alias) == 0))
      {
        if (verbs[i].needs_names && argc == 0)
          {
            brig_error (&err, 0, "%s: expected at least one volume NAME", verb);
            return brig_fail (EXIT_USAGE, &err);
          }
        return verbs[i].run (&o, argv, argc, &err);
      }
  brig_error (&err, 0, "unknown verb `%s`: expected create, ls, inspect or rm", verb);
  return brig_fail (EXIT_USAGE, &err);
}
