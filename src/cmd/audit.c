/* brig audit: the policy as a checker for the files that describe
 * containers.  Kubernetes manifests (YAML or JSON, many documents, Lists,
 * every kind with a pod template) are judged by the Pod Security Standards
 * at --level for --k8s-version; Dockerfiles and Containerfiles by the
 * Dockerfile rules (BRIG-Dnnn).  --type says which a file is, or auto:
 * by its name, then by its content.  Exit: 0 nothing at or above --fail-on,
 * 1 something, 2 usage errors or input brig could not read. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "parse/dockerfile.h"
#include "parse/k8s.h"
#include "parse/yaml.h"
#include "policy/image.h"
#include "report/findings.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file is: --type.  AUTO goes by name, then content. */
enum audit_type
{
  TYPE_AUTO,
  TYPE_K8S,
  TYPE_DOCKERFILE,
};

static const struct
{
  const char *name;
  enum audit_type type;
} types[] = {
  { "auto", TYPE_AUTO },
  { "k8s", TYPE_K8S },
  { "dockerfile", TYPE_DOCKERFILE },
};

struct audit_opts
{
  enum audit_type type;
  bool json;
  bool list_rules;
  bool help;
  enum brig_pss_level level;
  int version;
  enum brig_severity fail_on;
  bool fail_never;
  enum brig_severity show;
};

static int
o_format (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  if (strcmp (arg, "text") == 0 || strcmp (arg, "json") == 0)
    {
      o->json = arg[0] == 'j';
      return 0;
    }
  return brig_error (err, 0, "`%s`: expected text or json", arg);
}

static int
o_type (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  _cleanup_free_ char *names = xstrdup (types[0].name);

  for (size_t i = 0; i < ARRAY_SIZE (types); i++)
    if (strcmp (arg, types[i].name) == 0)
      {
        o->type = types[i].type;
        return 0;
      }
  for (size_t i = 1; i < ARRAY_SIZE (types); i++)
    {
      char *more
          = xasprintf ("%s%s%s", names, i + 1 < ARRAY_SIZE (types) ? ", " : " or ", types[i].name);
      free (names);
      names = more;
    }
  return brig_error (err, 0, "`%s`: expected %s", arg, names);
}

static int
o_level (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  if (strcmp (arg, "baseline") == 0 || strcmp (arg, "restricted") == 0)
    {
      o->level = arg[0] == 'b' ? BRIG_PSS_BASELINE : BRIG_PSS_RESTRICTED;
      return 0;
    }
  return brig_error (err, 0, "`%s`: expected baseline or restricted", arg);
}

static int
o_k8s_version (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  const char *s = arg[0] == 'v' ? arg + 1 : arg;
  unsigned minor;
  int n = 0;

  if (strcmp (arg, "latest") == 0)
    {
      o->version = BRIG_K8S_LATEST;
      return 0;
    }
  if (sscanf (s, "1.%u%n", &minor, &n) != 1 || s[n] != '\0')
    return brig_error (err, 0, "`%s`: expected 1.N (such as 1.%d) or latest", arg, BRIG_K8S_LATEST);
  /* Newer than brig knows: the newest policy brig knows applies. */
  o->version = minor > BRIG_K8S_LATEST ? BRIG_K8S_LATEST : (int)minor;
  return 0;
}

static int
severity_arg (const char *opt, const char *arg, enum brig_severity *ret, struct brig_err *err)
{
  static const enum brig_severity all[]
      = { BRIG_SEV_LOW, BRIG_SEV_MEDIUM, BRIG_SEV_HIGH, BRIG_SEV_CRITICAL };
  for (size_t i = 0; i < ARRAY_SIZE (all); i++)
    if (strcmp (arg, brig_severity_name (all[i])) == 0)
      {
        *ret = all[i];
        return 0;
      }
  return brig_error (err, 0, "`%s`: expected low, medium, high or critical%s", arg,
                     strcmp (opt, "--fail-on") == 0 ? " (or never)" : "");
}

static int
o_fail_on (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  o->fail_never = strcmp (arg, "never") == 0;
  return o->fail_never ? 0 : severity_arg ("--fail-on", arg, &o->fail_on, err);
}

static int
o_severity (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  return severity_arg ("--severity", arg, &o->show, err);
}

#define FLAG_SETTER(fn, field)                                                                     \
  static int fn (void *ctx, const char *arg, struct brig_err *err)                                 \
  {                                                                                                \
    (void)arg;                                                                                     \
    (void)err;                                                                                     \
    ((struct audit_opts *)ctx)->field = true;                                                      \
    return 0;                                                                                      \
  }
FLAG_SETTER (o_list_rules, list_rules)
FLAG_SETTER (o_help, help)

static const struct brig_opt options[] = {
  { 0, "format", "FORMAT", "text (default) or json", o_format },
  { 0, "type", "TYPE",
    "what the files are: auto (default: Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* "
    "by name, then by content; .yaml, .yml and .json as Kubernetes manifests), k8s or dockerfile",
    o_type },
  { 0, "level", "LEVEL", "Pod Security Standards level: baseline or restricted (default)",
    o_level },
  { 0, "k8s-version", "1.N", "the Kubernetes version whose policy applies (default: latest, 1.37)",
    o_k8s_version },
  { 0, "fail-on", "SEVERITY",
    "exit 1 when a finding is at least this severe: low, medium, high (default), critical, or "
    "never",
    o_fail_on },
  { 0, "severity", "SEVERITY", "show only findings at least this severe (default: low)",
    o_severity },
  { 0, "list-rules", NULL, "print the rule table and exit", o_list_rules },
  { 'h', "help", NULL, "show this help", o_help },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help help = {
  "brig audit [OPTIONS] PATH...",
  "check files that describe containers against the hardening policy",
  "Reads Kubernetes manifests (YAML or JSON, several documents, List objects; Pod and every kind "
  "with a pod template) and Dockerfiles or Containerfiles (multi-stage, heredocs, # escape=) "
  "from files, directories (walked for .yaml, .yml, .json and Dockerfile names) or - for "
  "standard input, and reports each violation of the Pod Security Standards at --level, and of "
  "the Dockerfile rules (the final image's user, base images, ADD, secrets in ENV and ARG, "
  "sudo, curl | sh, TLS and signature checks turned off, package manager hygiene, EXPOSE 22, "
  "HEALTHCHECK, minimal bases), at its file:line:col with the rule, the severity and the fix "
  "(--list-rules).  A file that cannot be parsed is an error (exit 2) with its line and column; "
  "the others are still judged.",
};

static void
add_error (struct brig_audit_report *r, const char *file, struct brig_err *e)
{
  r->errors = xreallocarray (r->errors, r->nerrors + 1, sizeof *r->errors);
  r->errors[r->nerrors++]
      = (struct brig_audit_error){ xstrdup (file), xstrdup (e->msg ? e->msg : "error") };
  brig_err_release (e);
}

static void
audit_dockerfile (struct brig_audit_report *r, const char *file, const char *buf, size_t len)
{
  struct brig_err e = { 0 };
  struct brig_image *img = NULL;

  if (brig_parse_dockerfile (buf, len, file, &img, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  r->files++;
  brig_audit_image (img, &r->findings);
  brig_image_free (img);
}

static bool
dockerfile_named (const char *path)
{
  const char *base = strrchr (path, '/');
  return brig_dockerfile_name (base ? base + 1 : path);
}

/* Judge one file's text.  EXPLICIT: named on the command line, so a file
 * in no format brig reads is an error rather than skipped. */
static void
audit_buffer (const struct audit_opts *o, struct brig_audit_report *r, const char *name,
              const char *buf, size_t len, bool explicit)
{
  struct brig_err e = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_workload *w = NULL;
  size_t n = 0;
  char *file;

  strv_push (&r->names, xstrdup (name));
  file = r->names[strv_len (r->names) - 1];
  if (o->type == TYPE_DOCKERFILE
      || (o->type == TYPE_AUTO
          && (dockerfile_named (name) || (explicit && brig_dockerfile_detect (buf, len)))))
    {
      audit_dockerfile (r, file, buf, len);
      return;
    }
  if (memchr (buf, '\0', len))
    {
      if (explicit)
        {
          brig_error (&e, 0, "%s: a binary file, not a manifest", file);
          add_error (r, file, &e);
        }
      else
        r->skipped++;
      return;
    }
  if (brig_yaml_load (buf, len, file, &y, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  if (!brig_k8s_detect (y))
    {
      if (explicit)
        {
          brig_error (&e, 0,
                      "%s: not a format brig audit reads: expected Kubernetes manifests "
                      "(apiVersion and kind)",
                      file);
          add_error (r, file, &e);
        }
      else
        r->skipped++;
      brig_yaml_free (y);
      return;
    }
  if (brig_parse_k8s (y, file, &w, &n, &e) < 0)
    add_error (r, file, &e);
  else
    {
      r->files++;
      for (size_t i = 0; i < n; i++)
        brig_audit_workload (&w[i], o->level, o->version, &r->findings);
    }
  brig_workloads_free (w, n);
  brig_yaml_free (y);
}

static void
audit_file (const struct audit_opts *o, struct brig_audit_report *r, const char *path,
            bool explicit)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  size_t len;

  if (brig_read_file (path, BRIG_YAML_MAX_SIZE, &buf, &len, &e) < 0)
    {
      add_error (r, path, &e);
      return;
    }
  audit_buffer (o, r, path, buf, len, explicit);
}

/* Which files a walked directory gives to audit_buffer. */
static bool
audit_suffix (const struct audit_opts *o, const char *name)
{
  bool yaml = str_has_suffix (name, ".yaml") || str_has_suffix (name, ".yml")
              || str_has_suffix (name, ".json");

  switch (o->type)
    {
    case TYPE_K8S:
      return yaml;
    case TYPE_DOCKERFILE:
      return brig_dockerfile_name (name);
    case TYPE_AUTO:
    default:
      return yaml || brig_dockerfile_name (name);
    }
}

static void
audit_dir (const struct audit_opts *o, struct brig_audit_report *r, const char *dir, int depth)
{
  struct dirent **ents = NULL;
  struct brig_err e = { 0 };
  int n;

  if (depth > 64)
    {
      brig_error (&e, ELOOP, "%s: directories nested too deep", dir);
      add_error (r, dir, &e);
      return;
    }
  n = scandir (dir, &ents, NULL, alphasort);
  if (n < 0)
    {
      brig_error (&e, errno, "%s", dir);
      add_error (r, dir, &e);
      return;
    }
  for (int i = 0; i < n; i++)
    {
      const char *name = ents[i]->d_name;
      _cleanup_free_ char *path = xasprintf ("%s/%s", dir, name);
      struct stat st;

      /* Hidden entries (.git) are not walked; symlinks are not followed. */
      if (name[0] != '.' && lstat (path, &st) == 0)
        {
          if (S_ISDIR (st.st_mode))
            audit_dir (o, r, path, depth + 1);
          else if (S_ISREG (st.st_mode) && audit_suffix (o, name))
            audit_file (o, r, path, false);
        }
      free (ents[i]);
    }
  free (ents);
}

int
cmd_audit (int argc, char **argv)
{
  struct audit_opts o = { .level = BRIG_PSS_RESTRICTED,
                          .version = BRIG_K8S_LATEST,
                          .fail_on = BRIG_SEV_HIGH,
                          .show = BRIG_SEV_LOW };
  struct brig_audit_report r = { 0 };
  struct brig_err err = { 0 };
  _cleanup_strv_ char **paths = NULL;
  int status = 0;

  /* Options may come before and after the paths. */
  for (int i = 1; i < argc;)
    {
      int used;
      if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          if (strcmp (argv[i], "--") == 0)
            {
              for (i++; i < argc; i++)
                strv_push (&paths, xstrdup (argv[i]));
              break;
            }
          if (brig_opt_parse (options, &o, argc - i + 1, argv + i - 1, &used, &err) < 0)
            return brig_fail (2, &err);
          i += used - 1;
          continue;
        }
      strv_push (&paths, xstrdup (argv[i++]));
    }
  if (o.help)
    {
      brig_opt_help (stdout, &help, options);
      return 0;
    }
  if (o.list_rules)
    {
      (o.json ? brig_report_rules_json : brig_report_rules_text) (stdout);
      return 0;
    }
  if (paths == NULL)
    {
      brig_error (&err, 0, "audit: expected a file, a directory or - (see --help)");
      return brig_fail (2, &err);
    }
  for (size_t i = 0; paths[i]; i++)
    {
      struct stat st;
      if (strcmp (paths[i], "-") == 0)
        {
          _cleanup_free_ char *buf = NULL;
          size_t len;
          if (brig_read_fd (0, "standard input", BRIG_YAML_MAX_SIZE, &buf, &len, &err) < 0)
            add_error (&r, "-", &err);
          else
            audit_buffer (&o, &r, "-", buf, len, true);
        }
      else if (stat (paths[i], &st) == 0 && S_ISDIR (st.st_mode))
        audit_dir (&o, &r, paths[i], 0);
      else
        audit_file (&o, &r, paths[i], true);
    }
  /* What --severity hides is neither shown nor counted. */
  {
    size_t k = 0;
    for (size_t i = 0; i < r.findings.n; i++)
      if (r.findings.v[i].rule->severity >= o.show)
        r.findings.v[k++] = r.findings.v[i];
      else
        free (r.findings.v[i].message);
    r.findings.n = k;
  }
  brig_report_sort (&r);
  if (o.json)
    brig_report_json (stdout, &r);
  else
    brig_report_text (stdout, &r, isatty (1) && getenv ("NO_COLOR") == NULL);
  for (size_t i = 0; i < r.findings.n && !o.fail_never; i++)
    if (r.findings.v[i].rule->severity >= o.fail_on)
      status = 1;
  if (r.nerrors)
    status = 2;
  brig_report_release (&r);
  return status;
}
