/* brig audit: the policy as a checker for the files that describe
 * containers.  Kubernetes manifests (YAML or JSON, many documents, Lists,
 * every kind with a pod template) are judged by the Pod Security Standards
 * at --level for --k8s-version; compose files and docker run lines in shell
 * scripts and Makefiles by the container rules (policy/container_rules.c).
 * Exit: 0 nothing at or above --fail-on, 1 something, 2 usage errors or
 * input brig could not read. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "parse/compose.h"
#include "parse/dockerfile.h"
#include "parse/dockerrun.h"
#include "parse/k8s.h"
#include "parse/yaml.h"
#include "policy/image.h"
#include "policy/project.h"
#include "policy/suppress.h"
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
#include <time.h>
#include <unistd.h>

/* How the files are read (--type). */
enum audit_type
{
  TYPE_AUTO,
  TYPE_K8S,
  TYPE_COMPOSE,
  TYPE_DOCKER_RUN,
  TYPE_DOCKERFILE,
};

struct audit_opts
{
  enum audit_type type;
  bool json;
  bool sarif;
  const char *config; /* --config */
  bool no_config;
  struct brig_project project; /* .brig.yml */
  char *project_root;          /* its directory, resolved */
  brig_date today;
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
  if (strcmp (arg, "text") == 0 || strcmp (arg, "json") == 0 || strcmp (arg, "sarif") == 0)
    {
      o->json = arg[0] == 'j';
      o->sarif = arg[0] == 's';
      return 0;
    }
  return brig_error (err, 0, "`%s`: expected text, json or sarif", arg);
}

static int
o_type (void *ctx, const char *arg, struct brig_err *err)
{
  static const struct
  {
    const char *name;
    enum audit_type type;
  } types[] = { { "auto", TYPE_AUTO },
                { "k8s", TYPE_K8S },
                { "compose", TYPE_COMPOSE },
                { "docker-run", TYPE_DOCKER_RUN },
                { "dockerfile", TYPE_DOCKERFILE } };
  struct audit_opts *o = ctx;

  for (size_t i = 0; i < ARRAY_SIZE (types); i++)
    if (strcmp (arg, types[i].name) == 0)
      {
        o->type = types[i].type;
        return 0;
      }
  return brig_error (err, 0, "`%s`: expected auto, k8s, compose, docker-run or dockerfile", arg);
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
FLAG_SETTER (o_no_config, no_config)

static int
o_config (void *ctx, const char *arg, struct brig_err *err)
{
  (void)err;
  ((struct audit_opts *)ctx)->config = arg;
  return 0;
}
FLAG_SETTER (o_help, help)

static const struct brig_opt options[] = {
  { 0, "type", "TYPE",
    "how to read the files: auto (default: by name and content), k8s, compose, docker-run or "
    "dockerfile",
    o_type },
  { 0, "format", "FORMAT", "text (default), json or sarif (SARIF 2.1.0)", o_format },
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
  { 0, "config", "FILE",
    "the project file (default: .brig.yml in the working directory or above it, up to the "
    "repository's top)",
    o_config },
  { 0, "no-config", NULL, "read no project file", o_no_config },
  { 0, "list-rules", NULL, "print the rule table and exit", o_list_rules },
  { 'h', "help", NULL, "show this help", o_help },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help help = {
  "brig audit [OPTIONS] PATH...",
  "check files that describe containers against the hardening policy",
  "Reads Kubernetes manifests (YAML or JSON, several documents, List objects; Pod and every kind "
  "with a pod template), compose files (a top-level `services`; compose.yaml, "
  "docker-compose.*.yml...) and the docker run, docker create and podman run (and exec) lines "
  "of shell scripts and Makefiles (*.sh, Makefile, *.mk, or a shell's #! line), and Dockerfiles "
  "and Containerfiles (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*..., or a first "
  "instruction FROM or ARG) from files, directories (walked for .yaml, .yml, .json, .sh, .mk, "
  "Makefiles and Dockerfiles; hidden ones skipped) or - for standard input.  Manifests are "
  "judged by the Pod Security Standards at --level, and at every level by the rest of the "
  "hardening advice (BRIG-K2nn: read-only root, limits, pinned images, no service account "
  "token, high ids; BRIG-C003: no engine socket or / in a hostPath); compose services and docker "
  "run lines by the "
  "container rules (BRIG-Cnnn, the ids brig run's policy gate uses for the same rule, and "
  "BRIG-Rnnn); Dockerfiles by the image rules (BRIG-Dnnn).  Each finding is reported at its "
  "file:line:col (the key or the flag) with the "
  "rule, the severity and the fix.  A file that cannot be parsed is an error (exit 2) with its "
  "line and column; the others are still judged.\n\n"
  "A finding is suppressed by a comment on its line or in the comment lines right above it, "
  "`# brig:ignore=RULE[,RULE...] REASON [until=YYYY-MM-DD]`, or by an annotation of its object "
  "(or pod template), `brig.dev/ignore: \"RULE[,RULE...]: REASON; until=YYYY-MM-DD\"`.  Other "
  "tools' suppressions silence the brig rule that does their check (--list-rules names them): "
  "`# checkov:skip=ID: REASON` and `checkov.io/skipN: ID=REASON`, `# trivy:ignore:ID`, "
  "`ignore-check.kube-linter.io/CHECK: REASON`, `# hadolint ignore=ID`.  A suppression without "
  "a reason is reported (BRIG-S001); an expired one silences nothing (BRIG-S002); one naming no "
  "rule or with a bad date is reported (BRIG-S003).\n\n"
  "The project file .brig.yml (in the working directory or above it, up to the repository's "
  "top; or --config FILE) turns rules off (`rules: {BRIG-K005: off}`), changes their severity "
  "(`BRIG-K102: high`) and excludes paths (`exclude: [vendor, \"charts/*/tests\"]`); a mistake in "
  "it is an error at its FILE:LINE:COL.",
};

static void
add_error (struct brig_audit_report *r, const char *file, struct brig_err *e)
{
  r->errors = xreallocarray (r->errors, r->nerrors + 1, sizeof *r->errors);
  r->errors[r->nerrors++]
      = (struct brig_audit_error){ xstrdup (file), xstrdup (e->msg ? e->msg : "error") };
  brig_err_release (e);
}

/* The files compose's `extends: {file: ...}` names, read once each and
 * kept until the workloads that borrow from them are judged. */
struct extends_files
{
  char **paths;
  struct brig_yaml **yamls;
  size_t n;
  struct brig_audit_report *report;
  const char *file; /* the compose file being judged */
};

static void
warn_extends (void *ctx, const char *message)
{
  struct extends_files *x = ctx;
  struct brig_audit_report *r = x->report;

  r->warnings = xreallocarray (r->warnings, r->nwarnings + 1, sizeof *r->warnings);
  r->warnings[r->nwarnings++] = (struct brig_audit_error){ xstrdup (x->file), xstrdup (message) };
}

static int
load_extends (void *ctx, const char *from, const char *path, const struct brig_yaml **ret_y,
              const char **ret_name, struct brig_err *err)
{
  struct extends_files *x = ctx;
  _cleanup_free_ char *full = NULL, *buf = NULL;
  const char *slash = strrchr (from, '/');
  struct brig_yaml *y = NULL;
  size_t len;
  int r;

  /* Relative to the directory of the file that names it. */
  if (path[0] == '/' || slash == NULL)
    full = xstrdup (path);
  else
    full = xasprintf ("%.*s/%s", (int)(slash - from), from, path);
  for (size_t i = 0; i < x->n; i++)
    if (strcmp (x->paths[i], full) == 0)
      {
        *ret_y = x->yamls[i];
        *ret_name = x->paths[i];
        return 0;
      }
  if ((r = brig_read_file (full, BRIG_YAML_MAX_SIZE, &buf, &len, err)) < 0
      || (r = brig_yaml_load (buf, len, full, &y, err)) < 0)
    return r;
  x->paths = xreallocarray (x->paths, x->n + 1, sizeof *x->paths);
  x->yamls = xreallocarray (x->yamls, x->n + 1, sizeof *x->yamls);
  x->paths[x->n] = steal_pointer (&full);
  x->yamls[x->n] = y;
  *ret_y = y;
  *ret_name = x->paths[x->n++];
  return 0;
}

static void
extends_release (struct extends_files *x)
{
  for (size_t i = 0; i < x->n; i++)
    {
      free (x->paths[i]);
      brig_yaml_free (x->yamls[i]);
    }
  free (x->paths);
  free (x->yamls);
}

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash ? slash + 1 : path;
}

/* Judge the docker run lines of a shell script or Makefile. */
static void
audit_script (struct brig_audit_report *r, const char *file, const char *buf, size_t len)
{
  struct brig_err e = { 0 };
  struct brig_workload *w = NULL;
  size_t n = 0;

  if (brig_parse_dockerrun (buf, len, file, brig_dockerrun_make (base_name (file)), &w, &n, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  r->files++;
  for (size_t i = 0; i < n; i++)
    brig_audit_container (&w[i], &r->findings);
  brig_workloads_free (w, n);
}

/* Judge one file's text.  EXPLICIT: named on the command line, so a file
 * in no format brig reads is an error rather than skipped. */
/* Kubernetes manifests one document at a time, so that memory is that of
 * the largest document, not of the file (helm template output can be
 * hundreds of MB).  0 when the first document is not a Kubernetes object
 * (and FORCED is false): the caller reads the file as something else. */
static int
audit_k8s_stream (const struct audit_opts *o, struct brig_audit_report *r, const char *file,
                  const char *buf, size_t len, bool forced, struct brig_err *e)
{
  struct brig_yaml *y = NULL;
  const struct brig_ynode *doc;
  bool started = false;
  int k, r_ = 0;

  if ((r_ = brig_ystream_open (buf, len, file, &y, e)) < 0)
    return r_;
  while ((k = brig_ystream_next (y, &doc, e)) > 0)
    {
      struct brig_workload *w = NULL;
      size_t n = 0;

      if (!brig_k8s_detect_doc (doc))
        {
          if (started || forced || doc == NULL
              || (doc->kind == BRIG_Y_SCALAR && brig_ystr (doc) == NULL))
            continue; /* empty, or not an object of the API: nothing to judge */
          break;      /* the first document is something else */
        }
      started = true;
      k = brig_parse_k8s_doc (doc, file, &w, &n, e);
      for (size_t i = 0; i < n && k == 0; i++)
        {
          size_t first = r->findings.n;
          brig_audit_workload (&w[i], o->level, o->version, &r->findings);
          brig_suppress_annotations (&w[i], o->today, &r->findings, first);
        }
      brig_workloads_free (w, n);
      if (k < 0)
        break;
    }
  brig_yaml_free (y);
  if (k < 0)
    return k;
  if (started)
    r->files++;
  return started ? 1 : 0;
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

static void
audit_buffer (const struct audit_opts *o, struct brig_audit_report *r, const char *name,
              const char *buf, size_t len, bool explicit)
{
  struct brig_err e = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_workload *w = NULL;
  size_t n = 0;
  char *file;
  enum audit_type type = o->type;
  bool none = false;

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
  if (type == TYPE_AUTO
      && (brig_dockerrun_name (base_name (file)) || brig_dockerrun_shebang (buf, len)))
    type = TYPE_DOCKER_RUN;
  if (type == TYPE_DOCKER_RUN)
    {
      audit_script (r, file, buf, len);
      return;
    }
  if (type == TYPE_K8S || (type == TYPE_AUTO && !brig_compose_name (base_name (file))))
    {
      int k = audit_k8s_stream (o, r, file, buf, len, type == TYPE_K8S, &e);
      if (k < 0)
        add_error (r, file, &e);
      if (k != 0)
        return;
      if (type == TYPE_K8S)
        {
          /* No Kubernetes object in it: not a format read as asked. */
          type = TYPE_AUTO;
          none = true;
        }
    }
  if (brig_yaml_load (buf, len, file, &y, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  if (type == TYPE_AUTO && !none)
    type = brig_compose_name (base_name (file)) ? TYPE_COMPOSE
           : brig_k8s_detect (y)                ? TYPE_K8S
           : brig_compose_detect (y)            ? TYPE_COMPOSE
                                                : TYPE_AUTO;
  if (type == TYPE_AUTO)
    {
      if (explicit)
        {
          brig_error (&e, 0,
                      "%s: not a format brig audit reads: expected Kubernetes manifests "
                      "(apiVersion and kind) or a compose file (services)",
                      file);
          add_error (r, file, &e);
        }
      else
        r->skipped++;
      brig_yaml_free (y);
      return;
    }
  if (type == TYPE_COMPOSE)
    {
      struct extends_files x = { .report = r, .file = file };
      struct brig_compose_loader loader = { load_extends, warn_extends, &x };
      if (brig_parse_compose (y, file, &loader, &w, &n, &e) < 0)
        add_error (r, file, &e);
      else
        {
          r->files++;
          for (size_t i = 0; i < n; i++)
            brig_audit_container (&w[i], &r->findings);
        }
      brig_workloads_free (w, n);
      extends_release (&x);
    }
  else if (brig_parse_k8s (y, file, &w, &n, &e) < 0)
    add_error (r, file, &e);
  else
    {
      r->files++;
      for (size_t i = 0; i < n; i++)
        {
          size_t first = r->findings.n;
          brig_audit_workload (&w[i], o->level, o->version, &r->findings);
          brig_suppress_annotations (&w[i], o->today, &r->findings, first);
        }
    }
  if (type != TYPE_COMPOSE)
    brig_workloads_free (w, n);
  brig_yaml_free (y);
}

/* Judge a file's text, then the comments in it that suppress findings
 * (in every format brig reads, so after the format's own judging). */
static void
audit_text (const struct audit_opts *o, struct brig_audit_report *r, const char *name,
            const char *buf, size_t len, bool explicit)
{
  size_t first = r->findings.n, files = r->files;

  audit_buffer (o, r, name, buf, len, explicit);
  if (r->files > files)
    brig_suppress_comments (buf, len, r->names[strv_len (r->names) - 1], o->today, &r->findings,
                            first);
}

/* Does .brig.yml exclude PATH? */
static bool
excluded (const struct audit_opts *o, const char *path)
{
  _cleanup_free_ char *abs = NULL;
  size_t rl;

  if (o->project.globs == NULL || o->project_root == NULL || (abs = realpath (path, NULL)) == NULL)
    return false;
  rl = strlen (o->project_root);
  if (strcmp (o->project_root, "/") == 0)
    return abs[1] && brig_project_excluded (&o->project, abs + 1);
  return strncmp (abs, o->project_root, rl) == 0 && abs[rl] == '/'
         && brig_project_excluded (&o->project, abs + rl + 1);
}

static void
audit_file (const struct audit_opts *o, struct brig_audit_report *r, const char *path,
            bool explicit)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  size_t len;

  if (excluded (o, path))
    {
      r->excluded++;
      return;
    }
  if (brig_read_file (path, BRIG_YAML_MAX_SIZE, &buf, &len, &e) < 0)
    {
      add_error (r, path, &e);
      return;
    }
  audit_text (o, r, path, buf, len, explicit);
}

/* Which files a walked directory gives to audit_buffer: by --type. */
static bool
audit_suffix (const struct audit_opts *o, const char *name)
{
  bool yaml = str_has_suffix (name, ".yaml") || str_has_suffix (name, ".yml")
              || str_has_suffix (name, ".json");

  switch (o->type)
    {
    case TYPE_K8S:
    case TYPE_COMPOSE:
      return yaml;
    case TYPE_DOCKER_RUN:
      return brig_dockerrun_name (name);
    case TYPE_DOCKERFILE:
      return brig_dockerfile_name (name);
    case TYPE_AUTO:
    default:
      return yaml || brig_dockerrun_name (name) || brig_dockerfile_name (name);
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
          if (S_ISDIR (st.st_mode) && excluded (o, path))
            r->excluded++;
          else if (S_ISDIR (st.st_mode))
            audit_dir (o, r, path, depth + 1);
          else if (S_ISREG (st.st_mode) && audit_suffix (o, name))
            audit_file (o, r, path, false);
        }
      free (ents[i]);
    }
  free (ents);
}

/* .brig.yml in DIR or above it, up to the repository's top (a directory
 * with .git) or /; NULL when there is none. */
static char *
find_project_file (void)
{
  _cleanup_free_ char *dir = getcwd (NULL, 0);
  bool here = true;

  while (dir)
    {
      _cleanup_free_ char *f = xasprintf ("%s/.brig.yml", strcmp (dir, "/") ? dir : "");
      _cleanup_free_ char *git = xasprintf ("%s/.git", strcmp (dir, "/") ? dir : "");
      struct stat st;
      char *slash;

      if (stat (f, &st) == 0 && S_ISREG (st.st_mode))
        return here ? xstrdup (".brig.yml") : steal_pointer (&f);
      if (lstat (git, &st) == 0 || strcmp (dir, "/") == 0)
        return NULL;
      slash = strrchr (dir, '/');
      slash[slash == dir] = '\0';
      here = false;
    }
  return NULL;
}

static int
load_project (struct audit_opts *o, struct brig_err *err)
{
  _cleanup_free_ char *path = NULL, *buf = NULL, *dir = NULL;
  size_t len;
  char *slash;

  if (o->no_config)
    return 0;
  path = o->config ? xstrdup (o->config) : find_project_file ();
  if (path == NULL)
    return 0;
  if (brig_read_file (path, 1 << 20, &buf, &len, err) < 0
      || brig_project_parse (buf, len, path, &o->project, err) < 0)
    return -1;
  dir = xstrdup (path);
  slash = strrchr (dir, '/');
  if (slash == NULL)
    o->project_root = realpath (".", NULL);
  else
    {
      slash[slash == dir] = '\0';
      o->project_root = realpath (dir, NULL);
    }
  if (o->project_root == NULL)
    return brig_error (err, errno, "%s: its directory", path);
  return 0;
}

static brig_date
today (void)
{
  time_t t = time (NULL);
  struct tm tm;

  if (localtime_r (&t, &tm) == NULL)
    return 0;
  return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
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
      if (o.sarif)
        brig_report_sarif (stdout, &r, NULL); /* the rules, no results */
      else
        (o.json ? brig_report_rules_json : brig_report_rules_text) (stdout);
      return 0;
    }
  if (paths == NULL)
    {
      brig_error (&err, 0, "audit: expected a file, a directory or - (see --help)");
      return brig_fail (2, &err);
    }
  if (load_project (&o, &err) < 0)
    {
      brig_project_release (&o.project);
      return brig_fail (2, &err);
    }
  o.today = today ();
  r.project = &o.project;
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
            audit_text (&o, &r, "-", buf, len, true);
        }
      else if (stat (paths[i], &st) == 0 && S_ISDIR (st.st_mode))
        audit_dir (&o, &r, paths[i], 0);
      else
        audit_file (&o, &r, paths[i], true);
    }
  /* .brig.yml's rules off and severities; what --severity hides is
   * neither shown nor counted. */
  brig_project_apply (&o.project, &r.findings);
  {
    size_t k = 0;
    for (size_t i = 0; i < r.findings.n; i++)
      if (r.findings.v[i].severity >= o.show)
        r.findings.v[k++] = r.findings.v[i];
      else
        brig_finding_release (&r.findings.v[i]);
    r.findings.n = k;
  }
  brig_report_sort (&r);
  if (o.sarif)
    {
      _cleanup_free_ char *cwd = getcwd (NULL, 0);
      brig_report_sarif (stdout, &r, cwd);
    }
  else if (o.json)
    brig_report_json (stdout, &r);
  else
    brig_report_text (stdout, &r, isatty (1) && getenv ("NO_COLOR") == NULL);
  for (size_t i = 0; i < r.findings.n && !o.fail_never; i++)
    if (r.findings.v[i].suppressed == NULL && r.findings.v[i].severity >= o.fail_on)
      status = 1;
  if (r.nerrors)
    status = 2;
  brig_report_release (&r);
  brig_project_release (&o.project);
  free (o.project_root);
  return status;
}
