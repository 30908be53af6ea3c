/* brig audit: the policy as a checker for the files that describe
 * containers.  Kubernetes manifests (YAML or JSON, many documents, Lists,
 * every kind with a pod template) are judged by the Pod Security Standards
 * at --level for --k8s-version; compose files and docker run lines in shell
 * scripts and Makefiles by the container rules (policy/container_rules.c).
 * Exit: 0 nothing at or above --fail-on, 1 something, 2 usage errors or
 * input brig could not read. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "emit/fix.h"
#include "image/scan.h"
#include "parse/compose.h"
#include "parse/daemonjson.h"
#include "parse/dockerfile.h"
#include "parse/dockerrun.h"
#include "parse/envfile.h"
#include "parse/k8s.h"
#include "parse/ocifile.h"
#include "parse/yaml.h"
#include "policy/daemon.h"
#include "policy/image.h"
#include "policy/oci_audit.h"
#include "policy/project.h"
#include "policy/stored_image.h"
#include "policy/suppress.h"
#include "report/findings.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/gitignore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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
  TYPE_DAEMON_JSON,
  TYPE_OCI,
  TYPE_DEFER, /* a compose file met off the main thread: judged on it, in order */
};

struct audit_queue;

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
  bool help, help_man;
  enum brig_pss_level level;
  int version;
  enum brig_severity fail_on;
  bool fail_never;
  enum brig_severity show;
  bool fix;           /* --fix: write the hardened version */
  bool dry_run;       /* with --fix: print the diff instead */
  const char *target; /* --target: the Dockerfiles' final stage */
  bool no_gitignore;
  int jobs;                      /* --jobs: threads that judge files */
  struct compose_state *compose; /* NULL off the main thread */
  struct audit_queue *queue;     /* a walk queues files here, when not NULL */
  char **images;                 /* --image */
};

/* A compose file an `include:` names, to be judged in its own file once the
 * including one is done. */
struct pending_include
{
  char *path;
  char **env_files;  /* include's env_file, or NULL: the .env of its directory */
  char *project_dir; /* include's project_directory, or NULL */
  char *where;       /* "FILE:LINE:COL" of the include entry, for warnings */
  int depth;
};

struct compose_state
{
  char **judged; /* the real paths of the compose files judged, each once */
  struct pending_include *queue;
  size_t nqueue;
  const struct pending_include *now; /* the include being judged, or NULL */
};

static int
o_format (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  return brig_format_arg (arg, &o->json, &o->sarif, err);
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
                { "dockerfile", TYPE_DOCKERFILE },
                { "daemon-json", TYPE_DAEMON_JSON },
                { "oci", TYPE_OCI } };
  struct audit_opts *o = ctx;

  for (size_t i = 0; i < ARRAY_SIZE (types); i++)
    if (strcmp (arg, types[i].name) == 0)
      {
        o->type = types[i].type;
        return 0;
      }
  return brig_error (
      err, 0, "`%s`: expected auto, k8s, compose, docker-run, dockerfile, daemon-json or oci", arg);
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
o_fail_on (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  return brig_severity_arg (arg, &o->fail_on, &o->fail_never, err);
}

static int
o_severity (void *ctx, const char *arg, struct brig_err *err)
{
  struct audit_opts *o = ctx;
  return brig_severity_arg (arg, &o->show, NULL, err);
}

BRIG_OPT_FLAG (o_list_rules, struct audit_opts, list_rules)
BRIG_OPT_FLAG (o_fix, struct audit_opts, fix)
BRIG_OPT_FLAG (o_dry_run, struct audit_opts, dry_run)
BRIG_OPT_FLAG (o_no_config, struct audit_opts, no_config)
BRIG_OPT_FLAG (o_no_gitignore, struct audit_opts, no_gitignore)

static int
o_config (void *ctx, const char *arg, struct brig_err *err)
{
  (void)err;
  ((struct audit_opts *)ctx)->config = arg;
  return 0;
}
BRIG_OPT_FLAG (o_help, struct audit_opts, help)
BRIG_OPT_FLAG (o_help_man, struct audit_opts, help_man)

static int
o_jobs (void *ctx, const char *arg, struct brig_err *err)
{
  char *end;
  long n;

  errno = 0;
  n = strtol (arg, &end, 10);
  if (errno || end == arg || *end || n < 1 || n > 64)
    return brig_error (err, 0, "--jobs %s: expected a number of threads from 1 to 64", arg);
  ((struct audit_opts *)ctx)->jobs = (int)n;
  return 0;
}

static int
o_image (void *ctx, const char *arg, struct brig_err *err)
{
  if (arg[0] == '\0')
    return brig_error (err, 0,
                       "--image: expected an image of the store, docker-archive:FILE, "
                       "oci-archive:FILE, oci:DIR or the path of an archive");
  strv_push (&((struct audit_opts *)ctx)->images, xstrdup (arg));
  return 0;
}

static int
o_target (void *ctx, const char *arg, struct brig_err *err)
{
  if (arg[0] == '\0')
    return brig_error (err, 0, "--target: expected a stage's name");
  ((struct audit_opts *)ctx)->target = arg;
  return 0;
}

static const struct brig_opt options[] = {
  { 0, "type", "TYPE",
    "how to read the files: auto (default: by name and content), k8s, compose, docker-run, "
    "dockerfile, daemon-json (Docker's daemon.json) or oci (a bundle's config.json)",
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
  { 0, "fix", NULL,
    "write the hardened version of each file (the least edit, comments kept), then report what "
    "is left; with - the fixed text goes to standard output",
    o_fix },
  { 0, "dry-run", NULL, "with --fix: print the changes as a unified diff, change nothing",
    o_dry_run },
  { 0, "no-gitignore", NULL,
    "walk directories without leaving out what the .gitignore files of their git work tree "
    "ignore",
    o_no_gitignore },
  { 0, "target", "STAGE",
    "judge Dockerfiles as docker build --target STAGE builds them: that stage is the final one "
    "for the rules about the final image (USER, a shell in it...); a Dockerfile without it is "
    "judged as written, with a warning",
    o_target },
  { 0, "image", "REF",
    "judge an image by the image rules (BRIG-C018, BRIG-Innn): its config and the files of its "
    "layers, "
    "read through the store's verified reads with whiteouts applied, never unpacked.  REF is "
    "an image of brig's store (NAME[:TAG], NAME@sha256:DIGEST, a digest or an id prefix, as "
    "brig run takes), docker-archive:FILE[:NAME] (docker save, podman save), "
    "oci-archive:FILE[:NAME], oci:DIR[:NAME] (an OCI layout, as skopeo copy writes it), or the "
    "path of an archive or layout (with a /, or ending in .tar, .tar.gz, .tgz or .tar.zst); "
    "repeatable, and PATHs may be given too",
    o_image },
  { 'j', "jobs", "N",
    "judge files on N threads (default: the CPUs brig may run on, at most 8), each file on its "
    "own (a LimitRange or ServiceAccount counts within its file only); the report is the same "
    "whatever N is",
    o_jobs },
  { 0, "list-rules", NULL, "print the rule table and exit", o_list_rules },
  { 'h', "help", NULL, "show this help", o_help },
  { 0, "help-man", NULL, NULL, o_help_man }, /* hidden: brig-audit(1), made at build time */
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help help = {
  "brig audit [OPTIONS] PATH... [--image REF...]",
  "check files that describe containers against the hardening policy",
  "Reads Kubernetes manifests (YAML or JSON, several documents, List objects; Pod and every kind "
  "with a pod template), compose files (a top-level `services`; compose.yaml, "
  "docker-compose.*.yml...) and the docker run, docker create and podman run (and exec) lines "
  "of shell scripts and Makefiles (*.sh, Makefile, *.mk, or a shell's #! line), and Dockerfiles "
  "and Containerfiles (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*..., or a first "
  "instruction FROM or ARG), Docker's daemon.json (by its name, or a JSON object whose keys are "
  "all dockerd options) and OCI bundles' config.json (by its name and an ociVersion) from "
  "files, directories (walked for .yaml, .yml, .json, .sh, .mk, "
  "Makefiles and Dockerfiles; hidden ones skipped; in a git work tree, what its .gitignore "
  "files and .git/info/exclude ignore is left out, as git reads them, unless --no-gitignore) or "
  "- for standard input.  Manifests are "
  "judged by the Pod Security Standards at --level, and at every level by the rest of the "
  "hardening advice (BRIG-K2nn: read-only root, limits, pinned images, no service account "
  "token, high ids; BRIG-C003: no engine socket or / in a hostPath; BRIG-R003: no writable "
  "mount of a sensitive hostPath such as /etc); a LimitRange (its default limits) and a "
  "ServiceAccount (its automountServiceAccountToken) count for the pods of their namespace in "
  "the same file or stream only, wherever they are in it, as the API server applies them; "
  "compose services and docker "
  "run lines (also those inside sh -c \"...\", su -c, ssh HOST \"...\" and eval strings, and "
  "$(...)) by the "
  "container rules (BRIG-Cnnn, the ids brig run's policy gate uses for the same rule, and "
  "BRIG-Rnnn); Dockerfiles by the image rules (BRIG-Dnnn); daemon.json by the daemon rules "
  "(BRIG-Hnnn, the CIS Docker Benchmark's section 2); config.json by the runtime's policy "
  "gate itself, in audit mode (BRIG-Cnnn); images (--image: of brig's store, or an archive "
  "or OCI layout) by the image rules (BRIG-C018: root user; BRIG-Innn: only :latest, secrets in "
  "Env, "
  "shells and package managers, setuid and world-writable files, sensitive ports, no "
  "Healthcheck), at NAME@DIGEST or NAME@DIGEST:/path.  Each finding is reported at its "
  "file:line:col (the key or the flag) with the "
  "rule, the severity and the fix.  A file that cannot be parsed is an error (exit 2) with its "
  "line and column; the others are still judged.\n\n"
  "Compose files are read as Compose reads them: values interpolated ($VAR, ${VAR}, "
  "${VAR:-default}, ${VAR-default}, ${VAR:+alt}, ${VAR:?err}, $$) with the variables of the .env "
  "beside the file (one that cannot be read is a warning), never brig's own environment (a "
  "variable without a value keeps its text and is not judged); extends (a service of the same "
  "file or of another) is merged, own values winning and lists adding up; the files a top-level "
  "include: names are judged each in its own file, relative to the including one, with its "
  "env_file or its own .env.  A file extends or include names that is not there, or a remote "
  "one, is a warning.\n\n"
  "A finding is suppressed by a comment on its line or in the comment lines right above it, "
  "`# brig:ignore=RULE[,RULE...] REASON [until=YYYY-MM-DD]`, or by an annotation of its object "
  "(or pod template), `brig.dev/ignore: \"RULE[,RULE...]: REASON; until=YYYY-MM-DD\"`, or a "
  "label of an image's config in the same syntax.  Other "
  "tools' suppressions silence the brig rule that does their check (--list-rules names them): "
  "`# checkov:skip=ID: REASON` and `checkov.io/skipN: ID=REASON`, `# trivy:ignore:ID`, "
  "`ignore-check.kube-linter.io/CHECK: REASON`, `# hadolint ignore=ID`.  A suppression without "
  "a reason is reported (BRIG-S001); an expired one silences nothing (BRIG-S002); one naming no "
  "rule or with a bad date is reported (BRIG-S003).  JSON has no comments: in daemon.json and "
  "config.json, .brig.yml is the way to turn a rule off.\n\n"
  "The project file .brig.yml (in the working directory or above it, up to the repository's "
  "top; or --config FILE) turns rules off (`rules: {BRIG-K005: off}`), changes their severity "
  "(`BRIG-K102: high`) and excludes paths (`exclude: [vendor, \"charts/*/tests\"]`); a mistake in "
  "it is an error at its FILE:LINE:COL.\n\n"
  "--fix writes each file's hardened version, changing only what the fixes need: for manifests "
  "the securityContext settings (allowPrivilegeEscalation: false, runAsNonRoot: true, "
  "seccompProfile RuntimeDefault, capabilities.drop [ALL], readOnlyRootFilesystem: true, "
  "privileged and host namespaces false...), a 512Mi memory limit, no service account "
  "token and readOnly: true on writable mounts of a sensitive hostPath; for compose services and "
  "docker run lines cap_drop ALL, no-new-privileges, "
  "read_only with tmpfs /tmp and /run, a 512m memory and 1024 pids limit, user 10001:10001, "
  "ports on 127.0.0.1 and sensitive binds read-only; for Dockerfiles a USER, COPY for a plain "
  "ADD and apt-get/apk hygiene.  Findings with no safe fix (hostPath volumes, engine sockets, "
  "image pins, a uid of 0, CPU limits) are left and reported, as are daemon.json and "
  "config.json.  The file is replaced atomically, keeping its mode; the report and the exit "
  "status are those of the fixed files.  --fix --dry-run prints a "
  "unified diff and changes nothing.",
};

static void
add_error (struct brig_audit_report *r, const char *file, struct brig_err *e)
{
  r->errors = xreallocarray (r->errors, r->nerrors + 1, sizeof *r->errors);
  r->errors[r->nerrors++]
      = (struct brig_audit_error){ xstrdup (file), xstrdup (e->msg ? e->msg : "error") };
  brig_err_release (e);
}

/* A warning about FILE: judged, but not all of it or not as asked.  Takes
 * MESSAGE. */
static void
add_warning (struct brig_audit_report *r, const char *file, char *message)
{
  r->warnings = xreallocarray (r->warnings, r->nwarnings + 1, sizeof *r->warnings);
  r->warnings[r->nwarnings++] = (struct brig_audit_error){ xstrdup (file), message };
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

/* P (as written in FILE) relative to FILE's directory. */
static char *
relative_to (const char *file, const char *p)
{
  const char *slash = strrchr (file, '/');

  if (p[0] == '/')
    return xstrdup (p);
  return slash ? xasprintf ("%.*s/%s", (int)(slash - file), file, p) : xstrdup (p);
}

static void
warn_extends (void *ctx, const char *message)
{
  struct extends_files *x = ctx;

  add_warning (x->report, x->file, xstrdup (message));
}

static int
load_extends (void *ctx, const char *from, const char *path, const struct brig_yaml **ret_y,
              const char **ret_name, struct brig_err *err)
{
  struct extends_files *x = ctx;
  _cleanup_free_ char *full = relative_to (from, path), *buf = NULL;
  struct brig_yaml *y = NULL;
  size_t len;
  int r;

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
  struct brig_k8s_env *env = NULL;
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
      /* This file's LimitRanges and ServiceAccounts, wherever they are in
         it, before its first pod is judged. */
      if (!started && (k = brig_k8s_env_scan (buf, len, file, &env, e)) < 0)
        break;
      started = true;
      k = brig_parse_k8s_doc (doc, file, &w, &n, e);
      for (size_t i = 0; i < n && k == 0; i++)
        {
          size_t first = r->findings.n;
          brig_k8s_env_apply (env, &w[i]);
          brig_audit_workload (&w[i], o->level, o->version, &r->findings);
          brig_suppress_annotations (&w[i], o->today, &r->findings, first);
        }
      brig_workloads_free (w, n);
      if (k < 0)
        break;
    }
  brig_yaml_free (y);
  brig_k8s_env_free (env);
  if (k < 0)
    return k;
  if (started)
    r->files++;
  return started ? 1 : 0;
}

static void
audit_dockerfile (const struct audit_opts *o, struct brig_audit_report *r, const char *file,
                  const char *buf, size_t len)
{
  struct brig_err e = { 0 };
  struct brig_image *img = NULL;

  if (brig_parse_dockerfile (buf, len, file, &img, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  r->files++;
  if (o->target && brig_image_target (img, o->target) < 0)
    add_warning (r, file,
                 xasprintf ("%s: no stage named `%s` (--target): the last stage is judged as the "
                            "final one",
                            file, o->target));
  brig_audit_image (img, &r->findings);
  brig_image_free (img);
}

/* A Docker daemon.json. */
static void
audit_daemon_json (struct brig_audit_report *r, const char *file, const struct brig_yaml *y)
{
  struct brig_err e = { 0 };
  struct brig_daemon *d = NULL;

  if (brig_parse_daemon_json (y, file, &d, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  r->files++;
  brig_audit_daemon (d, &r->findings);
  brig_daemon_free (d);
}

/* An OCI bundle's config.json (Y: its text as YAML, or NULL). */
static void
audit_oci (struct brig_audit_report *r, const char *file, const char *buf, size_t len,
           const struct brig_yaml *y)
{
  struct brig_err e = { 0 };
  struct brig_container *c = NULL;
  struct brig_locmap where = { 0 };

  if (brig_parse_oci_located (buf, len, file, y, &c, &where, &e) < 0)
    add_error (r, file, &e);
  else
    {
      r->files++;
      brig_audit_oci (c, &where, file, &r->findings);
      brig_container_free (c);
    }
  brig_locmap_release (&where);
}

/* --type daemon-json or oci: the file is read as that, whatever it is. */
static void
audit_engine_forced (enum audit_type type, struct brig_audit_report *r, const char *file,
                     const char *buf, size_t len)
{
  struct brig_err e = { 0 };
  struct brig_yaml *y = NULL;

  if (type == TYPE_OCI)
    {
      audit_oci (r, file, buf, len, NULL);
      return;
    }
  if (brig_yaml_load (buf, len, file, &y, &e) < 0)
    add_error (r, file, &e);
  else
    audit_daemon_json (r, file, y);
  brig_yaml_free (y);
}

/* By name and content: daemon.json (or a JSON object of dockerd options
 * alone), config.json with an ociVersion; TYPE_AUTO for neither. */
static enum audit_type
engine_type (const char *file, const char *buf, size_t len, const struct brig_yaml *y)
{
  const char *base = base_name (file);

  if (brig_daemon_json_name (base) || brig_daemon_json_detect (buf, len, y))
    return TYPE_DAEMON_JSON;
  if (brig_oci_config_name (base) && brig_oci_config_detect (y))
    return TYPE_OCI;
  return TYPE_AUTO;
}

static bool
dockerfile_named (const char *path)
{
  const char *base = strrchr (path, '/');
  return brig_dockerfile_name (base ? base + 1 : path);
}

/* NAME (taken) at the end of R->names, for findings to point into.  The
 * array doubles (from 8): a tree of many files is not walked once per file. */
static char *
name_take (struct brig_audit_report *r, char *name)
{
  size_t n = r->nnames;

  if (n == 0 || (n + 1 >= 8 && ((n + 1) & n) == 0))
    r->names = xreallocarray (r->names, n ? 2 * (n + 1) : 8, sizeof *r->names);
  r->names[n] = name;
  r->names[n + 1] = NULL;
  r->nnames = n + 1;
  return name;
}

static char *
add_name (struct brig_audit_report *r, const char *name)
{
  return name_take (r, xstrdup (name));
}

/* A compose file's variables: its include's env_file, or the .env beside
 * it (in the include's project_directory); never brig's own environment,
 * which is not the one the file is deployed with. */
static char **
compose_env (const struct audit_opts *o, struct brig_audit_report *r, const char *file)
{
  const struct pending_include *now = o->compose->now;
  char **env = NULL;

  if (now && now->env_files)
    for (size_t i = 0; now->env_files[i]; i++)
      {
        _cleanup_free_ char *buf = NULL;
        struct brig_err e = { 0 };
        size_t len;
        if (brig_read_file (now->env_files[i], 1 << 20, &buf, &len, &e) < 0)
          {
            add_warning (r, file,
                         xasprintf ("%s: include: env_file %s: its variables are not known",
                                    now->where, e.msg));
            brig_err_release (&e);
          }
        else
          brig_parse_dotenv (buf, len, &env);
      }
  else if (strcmp (file, "-") != 0)
    {
      _cleanup_free_ char *path = now && now->project_dir ? xasprintf ("%s/.env", now->project_dir)
                                                          : relative_to (file, ".env");
      _cleanup_free_ char *buf = NULL;
      struct brig_err e = { 0 };
      size_t len;
      if (brig_read_file (path, 1 << 20, &buf, &len, &e) == 0)
        brig_parse_dotenv (buf, len, &env);
      else if (e.code != ENOENT) /* none is the usual case */
        add_warning (r, file, xasprintf ("%s: its variables are not known", e.msg));
      brig_err_release (&e);
    }
  return env;
}

/* The files FILE's `include:` names, queued to be judged after it. */
static void
queue_includes (const struct audit_opts *o, struct brig_audit_report *r, const char *file,
                const struct brig_yaml *y, char *const *env)
{
  struct compose_state *c = o->compose;
  struct brig_compose_include *inc = NULL;
  struct brig_err e = { 0 };
  size_t n = 0;

  if (brig_compose_includes (y, file, env, &inc, &n, &e) < 0)
    {
      add_error (r, file, &e);
      return;
    }
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; inc[i].paths[k]; k++)
      {
        struct pending_include *p;
        c->queue = xreallocarray (c->queue, c->nqueue + 1, sizeof *c->queue);
        p = &c->queue[c->nqueue++];
        *p = (struct pending_include){
          relative_to (file, inc[i].paths[k]), NULL,
          inc[i].project_directory ? relative_to (file, inc[i].project_directory) : NULL,
          xasprintf ("%s:%d:%d", file, inc[i].loc.line, inc[i].loc.col),
          c->now ? c->now->depth + 1 : 1
        };
        for (size_t j = 0; inc[i].env_files && inc[i].env_files[j]; j++)
          strv_push (&p->env_files, relative_to (file, inc[i].env_files[j]));
      }
  brig_compose_includes_free (inc, n);
}

/* Judge the compose file Y (FILE), unless an include already had it. */
static void
audit_compose (const struct audit_opts *o, struct brig_audit_report *r, const char *file,
               const struct brig_yaml *y)
{
  struct extends_files x = { .report = r, .file = file };
  struct brig_compose_loader loader = { load_extends, warn_extends, &x };
  struct brig_workload *w = NULL;
  struct brig_err e = { 0 };
  _cleanup_strv_ char **env = NULL;
  _cleanup_free_ char *real = strcmp (file, "-") ? realpath (file, NULL) : NULL;
  size_t n = 0;

  if (real && strv_contains (o->compose->judged, real))
    return; /* judged already, through an include or as itself */
  if (real)
    strv_push (&o->compose->judged, steal_pointer (&real));
  env = compose_env (o, r, file);
  loader.env = env;
  if (brig_parse_compose (y, file, &loader, &w, &n, &e) < 0)
    add_error (r, file, &e);
  else
    {
      r->files++;
      for (size_t i = 0; i < n; i++)
        brig_audit_container (&w[i], &r->findings);
      queue_includes (o, r, file, y, env);
    }
  brig_workloads_free (w, n);
  extends_release (&x);
}

static void
audit_buffer (const struct audit_opts *o, struct brig_audit_report *r, const char *name,
              const char *buf, size_t len, bool explicit, enum audit_type *ret_type)
{
  struct brig_err e = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_workload *w = NULL;
  size_t n = 0;
  char *file;
  enum audit_type type = o->type;
  bool none = false;

  file = add_name (r, name);
  if (o->type == TYPE_DOCKERFILE
      || (o->type == TYPE_AUTO
          && (dockerfile_named (name) || (explicit && brig_dockerfile_detect (buf, len)))))
    {
      *ret_type = TYPE_DOCKERFILE;
      audit_dockerfile (o, r, file, buf, len);
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
  if (type == TYPE_DAEMON_JSON || type == TYPE_OCI)
    {
      *ret_type = type; /* nothing for --fix to do */
      audit_engine_forced (type, r, file, buf, len);
      return;
    }
  if (type == TYPE_AUTO
      && (brig_dockerrun_name (base_name (file)) || brig_dockerrun_shebang (buf, len)))
    type = TYPE_DOCKER_RUN;
  if (type == TYPE_DOCKER_RUN)
    {
      *ret_type = TYPE_DOCKER_RUN;
      audit_script (r, file, buf, len);
      return;
    }
  if (type == TYPE_K8S || (type == TYPE_AUTO && !brig_compose_name (base_name (file))))
    {
      int k = audit_k8s_stream (o, r, file, buf, len, type == TYPE_K8S, &e);
      *ret_type = TYPE_K8S;
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
                                                : engine_type (file, buf, len, y);
  if (type == TYPE_DAEMON_JSON || type == TYPE_OCI)
    {
      *ret_type = type; /* nothing for --fix to do */
      if (type == TYPE_DAEMON_JSON)
        audit_daemon_json (r, file, y);
      else
        audit_oci (r, file, buf, len, y);
      brig_yaml_free (y);
      return;
    }
  if (type == TYPE_AUTO)
    {
      if (explicit)
        {
          brig_error (&e, 0,
                      "%s: not a format brig audit reads: expected Kubernetes manifests "
                      "(apiVersion and kind), a compose file (services), a Docker daemon.json "
                      "or an OCI config.json (ociVersion)",
                      file);
          add_error (r, file, &e);
        }
      else
        r->skipped++;
      brig_yaml_free (y);
      return;
    }
  if (type == TYPE_COMPOSE && o->compose == NULL)
    {
      /* Compose files share state (the includes judged, each once): the
         main thread judges them, in their turn. */
      *ret_type = TYPE_DEFER;
      brig_yaml_free (y);
      return;
    }
  *ret_type = type;
  if (type == TYPE_COMPOSE)
    audit_compose (o, r, file, y);
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

static bool excluded (const struct audit_opts *o, const char *path);

static void
pending_release (struct pending_include *p)
{
  free (p->path);
  strv_free (p->env_files);
  free (p->project_dir);
  free (p->where);
}

static void
compose_state_release (struct compose_state *c)
{
  for (size_t i = 0; i < c->nqueue; i++)
    pending_release (&c->queue[i]);
  free (c->queue);
  strv_free (c->judged);
  *c = (struct compose_state){ 0 };
}

static enum audit_type audit_text (const struct audit_opts *o, struct brig_audit_report *r,
                                   const char *name, const char *buf, size_t len, bool explicit);

/* The compose files that the files judged so far include, each in its own
 * file (its findings, its suppression comments), read as compose files. */
static void
audit_includes (const struct audit_opts *o, struct brig_audit_report *r)
{
  struct compose_state *c = o->compose;

  while (c->nqueue)
    {
      struct pending_include p = c->queue[--c->nqueue];
      const struct pending_include *outer = c->now;
      struct audit_opts sub = *o;
      _cleanup_free_ char *buf = NULL;
      struct brig_err e = { 0 };
      size_t len;

      sub.type = TYPE_COMPOSE;
      if (strstr (p.path, "://") || str_has_prefix (p.path, "git@"))
        add_warning (r, p.path,
                     xasprintf ("%s: include: %s: a remote file, not read: its services are "
                                "not judged",
                                p.where, p.path));
      else if (p.depth > 16)
        add_warning (r, p.path,
                     xasprintf ("%s: include: %s: includes nested more than 16 deep: not read",
                                p.where, p.path));
      else if (excluded (o, p.path))
        r->excluded++;
      else if (brig_read_file (p.path, BRIG_YAML_MAX_SIZE, &buf, &len, &e) < 0)
        {
          /* As a file extends names: often kept elsewhere. */
          if (e.code == ENOENT)
            add_warning (
                r, p.path,
                xasprintf ("%s: include: %s: its services are not judged", p.where, e.msg));
          else
            add_error (r, p.path, &e);
          brig_err_release (&e);
        }
      else
        {
          c->now = &p;
          audit_text (&sub, r, p.path, buf, len, true);
          c->now = outer;
        }
      pending_release (&p);
    }
}

/* Judge a file's text, then the comments in it that suppress findings
 * (in every format brig reads, so after the format's own judging). */
static enum audit_type
audit_text (const struct audit_opts *o, struct brig_audit_report *r, const char *name,
            const char *buf, size_t len, bool explicit)
{
  size_t first = r->findings.n, files = r->files;
  enum audit_type type = TYPE_AUTO;

  audit_buffer (o, r, name, buf, len, explicit, &type);
  if (type == TYPE_DEFER)
    return TYPE_DEFER;
  if (r->files > files)
    brig_suppress_comments (buf, len, r->names[r->nnames - 1], o->today, &r->findings, first);
  if (o->compose)
    audit_includes (o, r);
  return r->files > files ? type : TYPE_AUTO;
}

/* What --severity and .brig.yml leave of F, in place. */
static void
in_force (const struct audit_opts *o, struct brig_findings *f)
{
  size_t k = 0;

  brig_project_apply (&o->project, f);
  for (size_t i = 0; i < f->n; i++)
    if (f->v[i].severity >= o->show)
      f->v[k++] = f->v[i];
    else
      brig_finding_release (&f->v[i]);
  f->n = k;
}

/* One pass of --fix: judge TEXT, and make the edits its findings in force
 * have fixes for.  The new text (NULL: no edit), and in *RET_FIXED how
 * many findings the edits fix; -1 and ERR when a fixer failed. */
static char *
fix_pass (const struct audit_opts *o, const struct brig_project *project, const char *name,
          const char *text, size_t len, bool explicit, size_t *ret_len, int *ret_fixed,
          struct brig_err *err)
{
  struct brig_audit_report t = { .project = project };
  struct brig_edits e;
  struct brig_finding *live;
  char *out = NULL;
  size_t nlive = 0;
  /* Its own record of the compose files judged: this text is judged
   * again, fixed, when the pass is done. */
  struct compose_state cs = { 0 };
  struct audit_opts mine = *o;
  enum audit_type type;
  int fixed = 0;

  mine.compose = &cs;
  type = audit_text (&mine, &t, name, text, len, explicit);
  compose_state_release (&cs);
  in_force (o, &t.findings);
  live = xcalloc (t.findings.n + 1, sizeof *live);
  /* This file's: what a compose include brought is another file's. */
  for (size_t i = 0; i < t.findings.n; i++)
    if (t.findings.v[i].suppressed == NULL && t.nnames && t.findings.v[i].file == t.names[0])
      live[nlive++] = t.findings.v[i];
  brig_edits_init (&e, text, len);
  if (t.nerrors == 0 && nlive > 0)
    {
      const char *file = t.names[0];
      switch (type)
        {
        case TYPE_K8S:
          fixed = brig_fix_k8s (&e, file, live, nlive, err);
          break;
        case TYPE_COMPOSE:
          fixed = brig_fix_compose (&e, file, live, nlive, err);
          break;
        case TYPE_DOCKER_RUN:
          fixed = brig_fix_dockerrun (&e, file, brig_dockerrun_make (base_name (name)), live, nlive,
                                      err);
          break;
        case TYPE_DOCKERFILE:
          fixed = brig_fix_dockerfile (&e, file, o->target, live, nlive, err);
          break;
        case TYPE_AUTO:
        default:
          break;
        }
    }
  if (fixed >= 0 && e.n > 0)
    out = brig_edits_apply (&e, ret_len);
  brig_edits_release (&e);
  free (live);
  brig_report_release (&t);
  *ret_fixed = fixed;
  return out;
}

/* A compose file NAME that --fix changed may have been judged already,
 * before it was fixed, through an earlier file's include: that judgement
 * (its findings and its count) goes, so that NAME is judged again as it
 * now reads. */
static void
forget_judged (const struct audit_opts *o, struct brig_audit_report *r, const char *name)
{
  _cleanup_free_ char *real = realpath (name, NULL);
  struct compose_state *c = o->compose;
  struct brig_findings *f = &r->findings;
  const char *same = NULL, *other = NULL;
  size_t i, k = 0, n = 0;

  if (real == NULL || c == NULL || !strv_contains (c->judged, real))
    return;
  for (i = 0; c->judged[i]; i++)
    if (strcmp (c->judged[i], real) == 0)
      free (c->judged[i]);
    else
      c->judged[n++] = c->judged[i];
  c->judged[n] = NULL;
  /* One file's findings share its name: realpath once per name. */
  for (i = 0; i < f->n; i++)
    {
      bool drop = f->v[i].file == same;
      if (!drop && f->v[i].file != other)
        {
          _cleanup_free_ char *fr = realpath (f->v[i].file, NULL);
          drop = fr && strcmp (fr, real) == 0;
          *(drop ? &same : &other) = f->v[i].file;
        }
      if (drop)
        brig_finding_release (&f->v[i]);
      else
        f->v[k++] = f->v[i];
    }
  f->n = k;
  if (same && r->files)
    r->files--;
}

/* --fix: fix the text, and judge the fix again until no fix is left (a
 * fix can bring up a finding the first one hid: cap_drop once privileged
 * is gone), at most a few times; then write the result (PATH NULL:
 * standard output), or with --dry-run print the diff.  The report gets
 * the judgement of the text as it is now (or would be). */
static void
fix_text (const struct audit_opts *o, struct brig_audit_report *r, const char *name,
          const char *path, const char *buf, size_t len, bool explicit)
{
  _cleanup_free_ char *cur = NULL;
  size_t curlen = len, total = 0;
  struct brig_err err = { 0 };

  for (int pass = 0; pass < 4; pass++)
    {
      struct brig_audit_report check = { .project = r->project };
      size_t outlen = 0;
      int fixed = 0;
      char *out = fix_pass (o, r->project, name, cur ? cur : buf, curlen, explicit, &outlen, &fixed,
                            &err);
      if (fixed < 0)
        {
          add_error (r, name, &err);
          break;
        }
      if (out == NULL)
        break;
      /* The fixed text must read as the original did: else it is brig's
       * bug, and it is not used. */
      {
        struct compose_state cs = { 0 };
        struct audit_opts mine = *o;
        mine.compose = &cs;
        audit_text (&mine, &check, name, out, outlen, explicit);
        compose_state_release (&cs);
      }
      if (check.nerrors > 0)
        {
          brig_error (&err, 0, "%s: the fixed text does not parse (%s): a bug in brig; not written",
                      name, check.errors[0].message);
          add_error (r, name, &err);
          brig_report_release (&check);
          free (out);
          break;
        }
      brig_report_release (&check);
      free (cur);
      cur = out;
      curlen = outlen;
      total += (size_t)fixed;
    }
  if (cur == NULL)
    {
      if (path == NULL && !o->dry_run)
        fwrite (buf, 1, len, stdout); /* nothing to fix: the text as it was */
      audit_text (o, r, name, buf, len, explicit);
      return;
    }
  if (o->dry_run)
    {
      _cleanup_free_ char *diff
          = brig_diff (name[0] == '/' ? name + 1 : name, buf, len, cur, curlen);
      if (diff)
        fputs (diff, stdout);
    }
  else if (path == NULL)
    fwrite (cur, 1, curlen, stdout);
  else if (brig_replace_file (path, cur, curlen, &err) < 0)
    {
      add_error (r, name, &err);
      audit_text (o, r, name, buf, len, explicit);
      return;
    }
  r->fixed += total;
  r->fixed_files++;
  if (path)
    forget_judged (o, r, path);
  audit_text (o, r, name, cur, curlen, explicit);
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

/* PATH, which is NAME in the directory DIRFD (AT_FDCWD: NAME is PATH): a
 * walk opens each file by its name in its directory's descriptor, not by a
 * path the kernel would walk again from the top for every file.  Returns
 * TYPE_DEFER for a compose file met off the main thread (nothing judged). */
static enum audit_type
audit_file (const struct audit_opts *o, struct brig_audit_report *r, int dirfd, const char *name,
            const char *path, bool explicit)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  size_t len;

  if (excluded (o, path))
    {
      r->excluded++;
      return TYPE_AUTO;
    }
  if (brig_read_file_at (dirfd, name, BRIG_YAML_MAX_SIZE, &buf, &len, &e) < 0)
    {
      if (name != path)
        {
          /* The message names the file as the user knows it. */
          struct brig_err full = { 0 };
          brig_error (&full, 0, "%s: %s", path, e.msg ? e.msg : "cannot be read");
          full.code = e.code;
          brig_err_release (&e);
          e = full;
        }
      add_error (r, path, &e);
      return TYPE_AUTO;
    }
  if (o->fix)
    {
      fix_text (o, r, path, path, buf, len, explicit);
      return TYPE_AUTO;
    }
  return audit_text (o, r, path, buf, len, explicit);
}

/* Judging files on several threads.  The paths are queued first (a walk
 * is quick); then each thread takes the next file and judges it into a
 * report of its own, and the main thread merges those reports in the
 * queue's order, so that the output is the same whatever --jobs is.
 * Compose files, which share the includes' state, and standard input are
 * judged by the main thread itself when their turn comes. */
enum job_kind
{
  JOB_FILE,
  JOB_STDIN,
  JOB_ERROR, /* a walk's error, already in the job's report */
};

struct audit_job
{
  enum job_kind kind;
  bool explicit;
  bool serial; /* for the main thread, in its turn */
  bool done;   /* under the queue's lock */
  char *path;
  struct brig_audit_report r;
};

struct audit_queue
{
  struct audit_job *v;
  size_t n;
  atomic_size_t next; /* the next job to take */
  const struct audit_opts *o;
  struct audit_opts off_main; /* O without the compose state */
  pthread_mutex_t lock;
  pthread_cond_t done;
};

static struct audit_job *
queue_push (struct audit_queue *q, enum job_kind kind, const char *path, bool explicit)
{
  struct audit_job *j;

  /* Doubling from 64: a tree of many files is not copied once per file. */
  if (q->n >= 64 && (q->n & (q->n - 1)) == 0)
    q->v = xreallocarray (q->v, 2 * q->n, sizeof *q->v);
  else if (q->n == 0)
    q->v = xreallocarray (NULL, 64, sizeof *q->v);
  j = &q->v[q->n++];
  *j = (struct audit_job){ .kind = kind, .explicit = explicit, .path = xstrdup (path) };
  j->serial = kind == JOB_STDIN;
  return j;
}

/* A walk's error about PATH, in its place among the files. */
static void
walk_error (const struct audit_opts *o, struct brig_audit_report *r, const char *path,
            struct brig_err *e)
{
  add_error (o->queue ? &queue_push (o->queue, JOB_ERROR, path, false)->r : r, path, e);
}

/* Judge job I off the main thread (or mark it for the main thread). */
static void
job_judge (struct audit_queue *q, size_t i)
{
  struct audit_job *j = &q->v[i];

  if (j->kind == JOB_FILE
      && audit_file (&q->off_main, &j->r, AT_FDCWD, j->path, j->path, j->explicit) == TYPE_DEFER)
    {
      brig_report_release (&j->r);
      j->serial = true;
    }
  pthread_mutex_lock (&q->lock);
  j->done = true;
  pthread_cond_broadcast (&q->done);
  pthread_mutex_unlock (&q->lock);
}

static void *
job_worker (void *arg)
{
  struct audit_queue *q = arg;
  size_t i;

  while ((i = atomic_fetch_add (&q->next, 1)) < q->n)
    job_judge (q, i);
  return NULL;
}

/* Move FROM's findings, errors, warnings, names and counts to the end of
 * R's.  The findings keep pointing into the names, which move as they are. */
static void
report_take (struct brig_audit_report *r, struct brig_audit_report *from)
{
  struct brig_findings *f = &r->findings;

  for (size_t i = 0; i < from->nnames; i++)
    name_take (r, from->names[i]);
  if (f->cap - f->n < from->findings.n)
    {
      f->cap = f->n + from->findings.n > 2 * f->cap ? f->n + from->findings.n : 2 * f->cap;
      f->v = xreallocarray (f->v, f->cap, sizeof *f->v);
    }
  if (from->findings.n)
    memcpy (f->v + f->n, from->findings.v, from->findings.n * sizeof *f->v);
  f->n += from->findings.n;
  r->errors = xreallocarray (r->errors, r->nerrors + from->nerrors + 1, sizeof *r->errors);
  for (size_t i = 0; i < from->nerrors; i++)
    r->errors[r->nerrors++] = from->errors[i];
  r->warnings
      = xreallocarray (r->warnings, r->nwarnings + from->nwarnings + 1, sizeof *r->warnings);
  for (size_t i = 0; i < from->nwarnings; i++)
    r->warnings[r->nwarnings++] = from->warnings[i];
  r->files += from->files;
  r->skipped += from->skipped;
  r->excluded += from->excluded;
  free (from->findings.v);
  free (from->errors);
  free (from->warnings);
  free (from->names);
  *from = (struct brig_audit_report){ 0 };
}

/* The main thread's part of job J: merge what a thread judged, or judge
 * it here with the compose state. */
static void
job_finish (const struct audit_opts *o, struct brig_audit_report *r, struct audit_job *j)
{
  struct brig_err e = { 0 };

  if (!j->serial)
    report_take (r, &j->r);
  else if (j->kind == JOB_FILE)
    audit_file (o, r, AT_FDCWD, j->path, j->path, j->explicit);
  else
    {
      _cleanup_free_ char *buf = NULL;
      size_t len;
      if (brig_read_fd (0, "standard input", BRIG_YAML_MAX_SIZE, &buf, &len, &e) < 0)
        add_error (r, "-", &e);
      else
        audit_text (o, r, "-", buf, len, true);
    }
  free (j->path);
  j->path = NULL;
}

/* How many threads judge files: --jobs, else the CPUs brig may run on (at
 * most 8), never more than there are files. */
static size_t
job_threads (const struct audit_opts *o, size_t files)
{
  cpu_set_t set;
  size_t n = 1;

  if (o->jobs)
    n = (size_t)o->jobs;
  else if (sched_getaffinity (0, sizeof set, &set) == 0)
    n = (size_t)CPU_COUNT (&set);
  if (!o->jobs && n > 8)
    n = 8;
  return n < files ? n : files ? files : 1;
}

/* Judge the queued files into R, in the queue's order. */
static void
queue_run (const struct audit_opts *o, struct brig_audit_report *r, struct audit_queue *q)
{
  size_t nthreads = job_threads (o, q->n), started = 0, merged = 0;
  pthread_t *threads = xreallocarray (NULL, nthreads, sizeof *threads);

  q->o = o;
  q->off_main = *o;
  q->off_main.compose = NULL;
  q->off_main.queue = NULL;
  pthread_mutex_init (&q->lock, NULL);
  pthread_cond_init (&q->done, NULL);
  /* The main thread is one of them; when it cannot start the others it
     judges every file itself. */
  while (started + 1 < nthreads && pthread_create (&threads[started], NULL, job_worker, q) == 0)
    started++;
  if (started == 0)
    {
      atomic_store (&q->next, q->n);
      for (size_t i = 0; i < q->n; i++)
        {
          q->v[i].serial = q->v[i].kind != JOB_ERROR;
          job_finish (o, r, &q->v[i]);
        }
      merged = q->n;
    }
  while (merged < q->n)
    {
      size_t i = atomic_fetch_add (&q->next, 1);
      bool wait = i >= q->n;

      if (!wait)
        job_judge (q, i);
      /* Merge what is done, in order; once nothing is left to take,
         wait for the rest. */
      while (merged < q->n)
        {
          bool done;
          pthread_mutex_lock (&q->lock);
          while (wait && !q->v[merged].done)
            pthread_cond_wait (&q->done, &q->lock);
          done = q->v[merged].done;
          pthread_mutex_unlock (&q->lock);
          if (!done)
            break;
          job_finish (o, r, &q->v[merged++]);
        }
    }
  for (size_t i = 0; i < started; i++)
    pthread_join (threads[i], NULL);
  free (threads);
  pthread_mutex_destroy (&q->lock);
  pthread_cond_destroy (&q->done);
  free (q->v);
  *q = (struct audit_queue){ 0 };
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
    case TYPE_DAEMON_JSON:
    case TYPE_OCI:
      return str_has_suffix (name, ".json");
    case TYPE_DOCKER_RUN:
      return brig_dockerrun_name (name);
    case TYPE_DOCKERFILE:
      return brig_dockerfile_name (name);
    case TYPE_AUTO:
    default:
      return yaml || brig_dockerrun_name (name) || brig_dockerfile_name (name);
    }
}

/* DIR (an absolute path, or one with a `/`) made its parent, in place:
 * "/a/b" -> "/a", "/a" -> "/". */
static void
to_parent (char *dir)
{
  char *slash = strrchr (dir, '/');
  slash[slash == dir] = '\0';
}

/* Where a walk is in a git work tree: the .gitignore patterns that apply
 * there (the top's .git/info/exclude, then each directory's .gitignore from
 * the top down), and the directory relative to the top. */
struct gitwalk
{
  struct brig_gitignore gi;
  char *rel;
};

/* DIR/FILE's patterns, for the directory BASE of the work tree. */
static void
gitignore_read (struct gitwalk *gw, const char *dir, const char *file, const char *base)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", dir, file), *buf = NULL;
  struct brig_err e = { 0 };
  size_t len;

  if (brig_read_file (path, 1 << 20, &buf, &len, &e) == 0)
    brig_gitignore_add (&gw->gi, base, buf, len);
  brig_err_release (&e);
}

/* A work tree's top at TOP (it has .git): its own exclude file. */
static void
gitwalk_top (struct gitwalk *gw, const char *top)
{
  _cleanup_free_ char *git = xasprintf ("%s/.git", top);
  struct stat st;

  gw->rel = xstrdup ("");
  if (lstat (git, &st) == 0 && S_ISDIR (st.st_mode))
    gitignore_read (gw, git, "info/exclude", "");
}

/* Is DIR in a git work tree?  Then GW has the patterns of the directories
 * above it, from the top down (DIR's own are read as it is walked). */
static bool
gitwalk_init (struct gitwalk *gw, const char *dir)
{
  _cleanup_free_ char *real = realpath (dir, NULL), *top = NULL;
  size_t tl;

  if (real == NULL)
    return false;
  top = xstrdup (real);
  for (;;)
    {
      _cleanup_free_ char *git = xasprintf ("%s/.git", strcmp (top, "/") ? top : "");
      struct stat st;

      if (lstat (git, &st) == 0)
        break;
      if (strcmp (top, "/") == 0)
        return false;
      to_parent (top);
    }
  gitwalk_top (gw, top);
  tl = strcmp (top, "/") ? strlen (top) : 0;
  if (real[tl] == '\0' || strcmp (real, "/") == 0)
    return true;
  free (gw->rel);
  gw->rel = xstrdup (real + tl + 1);
  /* The directories from the top down to DIR's parent. */
  gitignore_read (gw, top, ".gitignore", "");
  for (const char *p = gw->rel; (p = strchr (p, '/')); p++)
    {
      _cleanup_free_ char *base = xstrndup (gw->rel, (size_t)(p - gw->rel));
      _cleanup_free_ char *d = xasprintf ("%s/%s", tl ? top : "", base);
      gitignore_read (gw, d, ".gitignore", base);
    }
  return true;
}

static void
gitwalk_release (struct gitwalk *gw)
{
  brig_gitignore_release (&gw->gi);
  free (gw->rel);
}

static void walk_dir (const struct audit_opts *o, struct brig_audit_report *r, const char *dir,
                      int depth, struct gitwalk *gw);

/* Walk DIR; inside a git work tree (unless --no-gitignore), what its
 * .gitignore files ignore is left out (counted as excluded). */
static void
audit_dir (const struct audit_opts *o, struct brig_audit_report *r, const char *dir, int depth)
{
  struct gitwalk gw = { 0 };
  bool git = !o->no_gitignore && gitwalk_init (&gw, dir);

  walk_dir (o, r, dir, depth, git ? &gw : NULL);
  gitwalk_release (&gw);
}

/* A subdirectory PATH (NAME) of a walk: in the same work tree, or the top
 * of another (a nested repository, which the outer patterns do not reach),
 * or not in one. */
static void
walk_subdir (const struct audit_opts *o, struct brig_audit_report *r, const char *path,
             const char *name, int depth, struct gitwalk *gw)
{
  _cleanup_free_ char *git = xasprintf ("%s/.git", path);
  struct stat st;

  if (!o->no_gitignore && lstat (git, &st) == 0)
    {
      struct gitwalk inner = { 0 };
      gitwalk_top (&inner, path);
      walk_dir (o, r, path, depth, &inner);
      gitwalk_release (&inner);
    }
  else if (gw)
    {
      char *saved = gw->rel;
      gw->rel = saved[0] ? xasprintf ("%s/%s", saved, name) : xstrdup (name);
      walk_dir (o, r, path, depth, gw);
      free (gw->rel);
      gw->rel = saved;
    }
  else
    walk_dir (o, r, path, depth, NULL);
}

static void
walk_dir (const struct audit_opts *o, struct brig_audit_report *r, const char *dir, int depth,
          struct gitwalk *gw)
{
  struct dirent **ents = NULL;
  struct brig_err e = { 0 };
  size_t mark = gw ? gw->gi.n : 0;
  _cleanup_close_ int dfd = -1;
  int n;

  if (depth > 64)
    {
      brig_error (&e, ELOOP, "%s: directories nested too deep", dir);
      walk_error (o, r, dir, &e);
      return;
    }
  n = scandir (dir, &ents, NULL, alphasort);
  if (n < 0)
    {
      brig_error (&e, errno, "%s", dir);
      walk_error (o, r, dir, &e);
      return;
    }
  if (gw)
    gitignore_read (gw, dir, ".gitignore", gw->rel);
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < n; i++)
    {
      const char *name = ents[i]->d_name;
      _cleanup_free_ char *path = xasprintf ("%s/%s", dir, name);
      _cleanup_free_ char *rel
          = gw ? (gw->rel[0] ? xasprintf ("%s/%s", gw->rel, name) : xstrdup (name)) : NULL;
      struct stat st;
      /* The type the directory gives (an lstat less per file), or lstat's. */
      int type = ents[i]->d_type;

      if (name[0] != '.' && type == DT_UNKNOWN)
        type = lstat (path, &st) == 0 ? (int)IFTODT (st.st_mode) : DT_UNKNOWN;
      /* Hidden entries (.git) are not walked; symlinks are not followed. */
      if (name[0] != '.')
        {
          bool isdir = type == DT_DIR, reg = type == DT_REG;
          if (gw && (isdir || (reg && audit_suffix (o, name)))
              && brig_gitignore_ignored (&gw->gi, rel, isdir))
            r->excluded++;
          else if (isdir && excluded (o, path))
            r->excluded++;
          else if (isdir)
            walk_subdir (o, r, path, name, depth + 1, gw);
          else if (reg && audit_suffix (o, name) && o->queue)
            queue_push (o->queue, JOB_FILE, path, false);
          else if (reg && audit_suffix (o, name))
            audit_file (o, r, dfd >= 0 ? dfd : AT_FDCWD, dfd >= 0 ? name : path, path, false);
        }
      free (ents[i]);
    }
  free (ents);
  if (gw)
    brig_gitignore_truncate (&gw->gi, mark);
}

/* --- brig audit --image ------------------------------------------------------ */

#define IMAGE_REF_HELP                                                                             \
  "expected an image of the store (see brig images), docker-archive:FILE, oci-archive:FILE, "      \
  "oci:DIR or the path of an archive"

static const struct brig_load_opts image_bounds
    = { .max_layer = UINT64_C (16) << 30, .max_entries = 1000000 };

/* The image DIGEST of store S, judged: its config and files into R's
 * findings, named NAME@DIGEST.  TAGS: the names it has; PINNED: the
 * reference named its digest. */
static void
judge_stored_image (struct brig_audit_report *r, struct brig_store *s, const char *digest,
                    const char *ref, const char *name, char *const *tags, bool pinned,
                    brig_date today)
{
  struct brig_err e = { 0 };
  struct brig_stored_image img = { 0 };
  struct brig_image_scan scan = { 0 };
  struct brig_scan_opts so = { .watch = brig_image_watch, .bounds = &image_bounds };
  _cleanup_free_ char *label = NULL;
  const char *own = NULL;
  size_t first = r->findings.n;

  if (brig_store_load_image (s, digest, &img, &e) < 0
      || brig_image_scan (s, &img, &so, &scan, &e) < 0)
    {
      brig_err_wrap (&e, "image `%s`", ref);
      add_error (r, ref, &e);
      brig_stored_image_release (&img);
      brig_image_scan_release (&scan);
      return;
    }
  scan.ref = xstrdup (ref);
  scan.pinned = pinned;
  scan.tags = tags ? strv_copy (tags) : NULL;
  label = xasprintf ("%s@%s", name, digest);
  brig_image_scan_name (&scan, label);
  r->files++;
  brig_audit_stored_image (&scan, &r->findings);
  brig_suppress_labels (scan.labels, scan.name, today, &r->findings, first);
  /* The findings point into the report's names, which outlive SCAN. */
  for (size_t i = first; i < r->findings.n; i++)
    {
      struct brig_finding *x = &r->findings.v[i];
      if (x->file == scan.name)
        x->file = own ? own : (own = add_name (r, scan.name));
      else
        x->file = add_name (r, x->file);
    }
  brig_stored_image_release (&img);
  brig_image_scan_release (&scan);
}

/* REF, an image of brig's store. */
static void
audit_store_image (struct brig_audit_report *r, const char *ref, brig_date today)
{
  _cleanup_free_ char *root = brig_store_root (), *tag = NULL;
  _cleanup_strv_ char **tags = NULL;
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  struct brig_err e = { 0 };
  char digest[BRIG_DIGEST_LEN];
  int rc;

  if ((rc = brig_store_open (root, false, &s, &e)) == 0
      && (rc = brig_store_read_refs (&s, &refs, &e)) == 0
      && (rc = brig_store_resolve (&s, &refs, ref, digest, &tag, &e)) == 0)
    {
      for (size_t i = 0; i < refs.ntags; i++)
        if (strcmp (refs.tags[i].digest, digest) == 0)
          strv_push (&tags, xstrdup (refs.tags[i].name));
      judge_stored_image (r, &s, digest, ref,
                          tag    ? tag
                          : tags ? tags[0]
                                 : ref,
                          tags, tag == NULL || strchr (ref, '@') != NULL, today);
    }
  else
    {
      if (rc == -ENOENT)
        brig_err_wrap (&e, "--image %s: " IMAGE_REF_HELP, ref);
      else
        brig_err_wrap (&e, "--image %s", ref);
      add_error (r, ref, &e);
    }
  brig_refs_release (&refs);
  brig_store_close (&s);
}

/* REF, an archive or layout at PATH (a directory when IS_DIR), or only
 * its image named WANT (or NULL): loaded into a store of its own in
 * $TMPDIR (every blob checked, as brig load does), judged, removed. */
static void
audit_archive_image (struct brig_audit_report *r, const char *ref, const char *path, bool is_dir,
                     const char *want, brig_date today)
{
  const char *tmpdir = getenv ("TMPDIR");
  _cleanup_free_ char *tmp
      = xasprintf ("%s/brig-audit.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  _cleanup_free_ char *wanted = NULL;
  struct brig_store s = { NULL, -1, -1 };
  struct brig_loaded *l = NULL;
  struct brig_err e = { 0 };
  size_t n = 0, judged = 0;

  if (want && (wanted = brig_ref_normalize (want, &e)) == NULL)
    {
      brig_err_wrap (&e, "--image %s", ref);
      add_error (r, ref, &e);
      return;
    }
  if (mkdtemp (tmp) == NULL)
    {
      brig_error (&e, errno, "--image %s: a directory for it in `%s`", ref, tmp);
      add_error (r, ref, &e);
      return;
    }
  if (brig_store_open (tmp, true, &s, &e) < 0
      || brig_image_load (&s, path, is_dir, &image_bounds, &l, &n, &e) < 0)
    {
      brig_err_wrap (&e, "--image %s", ref);
      add_error (r, ref, &e);
    }
  for (size_t i = 0; i < n; i++)
    {
      if (wanted && !strv_contains (l[i].names, wanted))
        continue;
      judged++;
      judge_stored_image (r, &s, l[i].digest, ref, l[i].names[0] ? l[i].names[0] : ref, l[i].names,
                          false, today);
    }
  if (n && judged == 0)
    {
      _cleanup_free_ char *names = NULL;
      for (size_t i = 0; i < n; i++)
        for (size_t k = 0; l[i].names[k]; k++)
          str_append (&names, ", ", l[i].names[k]);
      brig_error (&e, 0, "--image %s: no image named `%s` in it (it has: %s)", ref, want,
                  names ? names : "no names");
      add_error (r, ref, &e);
    }
  brig_loaded_free (l, n);
  brig_store_close (&s);
  {
    char *slash = strrchr (tmp, '/');
    _cleanup_close_ int parent = -1;
    *slash = '\0';
    parent = open (tmp[0] ? tmp : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (parent >= 0)
      brig_remove_tree_at (parent, slash + 1, NULL);
  }
}

/* REF as skopeo names images: TRANSPORT:PATH[:NAME], where PATH may hold
 * colons when it names what is there. */
static const struct
{
  const char *prefix;
  bool dir;
} transports[] = { { "docker-archive:", false }, { "oci-archive:", false }, { "oci:", true } };

static bool
archive_named (const char *ref)
{
  static const char *const suffixes[] = { ".tar", ".tar.gz", ".tgz", ".tar.zst" };
  for (size_t i = 0; i < ARRAY_SIZE (suffixes); i++)
    if (str_has_suffix (ref, suffixes[i]))
      return true;
  return strchr (ref, '/') != NULL;
}

static void
audit_image (struct brig_audit_report *r, const char *ref, brig_date today)
{
  struct stat st;

  for (size_t i = 0; i < ARRAY_SIZE (transports); i++)
    if (str_has_prefix (ref, transports[i].prefix))
      {
        _cleanup_free_ char *path = xstrdup (ref + strlen (transports[i].prefix));
        const char *want = NULL;
        struct brig_err e = { 0 };
        int sr = stat (path, &st);
        /* PATH:NAME, where NAME (name:tag) may hold a colon too: the
         * shortest PATH that is there. */
        for (char *colon = path; sr < 0 && (colon = strchr (colon, ':')); colon++)
          {
            *colon = '\0';
            if (stat (path, &st) == 0)
              {
                want = colon + 1;
                sr = 0;
                break;
              }
            *colon = ':';
          }
        if (sr < 0)
          sr = stat (path, &st);
        if (sr < 0 || (bool)S_ISDIR (st.st_mode) != transports[i].dir)
          {
            if (sr < 0)
              brig_error (&e, errno, "--image %s: `%s`", ref, path);
            else
              brig_error (&e, 0, "--image %s: `%s` is not %s", ref, path,
                          transports[i].dir ? "a directory (an OCI layout)" : "a file");
            add_error (r, ref, &e);
            return;
          }
        audit_archive_image (r, ref, path, transports[i].dir, want, today);
        return;
      }
  if (archive_named (ref) && stat (ref, &st) == 0)
    audit_archive_image (r, ref, ref, S_ISDIR (st.st_mode), NULL, today);
  else
    audit_store_image (r, ref, today);
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

      if (stat (f, &st) == 0 && S_ISREG (st.st_mode))
        return here ? xstrdup (".brig.yml") : steal_pointer (&f);
      if (lstat (git, &st) == 0 || strcmp (dir, "/") == 0)
        return NULL;
      to_parent (dir);
      here = false;
    }
  return NULL;
}

static int
load_project (struct audit_opts *o, struct brig_err *err)
{
  _cleanup_free_ char *path = NULL, *buf = NULL, *dir = NULL;
  size_t len;

  if (o->no_config)
    return 0;
  path = o->config ? xstrdup (o->config) : find_project_file ();
  if (path == NULL)
    return 0;
  if (brig_read_file (path, 1 << 20, &buf, &len, err) < 0
      || brig_project_parse (buf, len, path, &o->project, err) < 0)
    return -1;
  dir = xstrdup (path);
  if (strchr (dir, '/') == NULL)
    o->project_root = realpath (".", NULL);
  else
    {
      to_parent (dir);
      o->project_root = realpath (dir, NULL);
    }
  if (o->project_root == NULL)
    return brig_error (err, errno, "%s: its directory", path);
  return 0;
}

static void
audit_opts_images_free (struct audit_opts *o)
{
  strv_free (o->images);
}

int
cmd_audit (int argc, char **argv)
{
  __attribute__ ((cleanup (audit_opts_images_free))) struct audit_opts o
      = { .level = BRIG_PSS_RESTRICTED,
          .version = BRIG_K8S_LATEST,
          .fail_on = BRIG_SEV_HIGH,
          .show = BRIG_SEV_LOW };
  struct brig_audit_report r = { 0 };
  struct compose_state compose = { 0 };
  struct brig_err err = { 0 };
  _cleanup_strv_ char **paths = NULL;
  bool stdin_used = false;
  int status = 0;

  /* Each file's buffers are freed before the next is read: keep a
     megabyte at the top of the heap rather than give it back and ask
     for it again (a brk or two per file). */
  mallopt (M_TOP_PAD, 1 << 20);
  /* The same for the other threads' heaps, which M_TOP_PAD does not reach:
     each would be trimmed after every file and faulted in again. */
  mallopt (M_TRIM_THRESHOLD, 8 << 20);

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
  if (o.help_man)
    {
      brig_opt_man_page (stdout, "brig-audit", &help, options);
      return 0;
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
  if (o.dry_run && !o.fix)
    {
      brig_error (&err, 0, "audit: --dry-run goes with --fix");
      return brig_fail (2, &err);
    }
  if (o.fix && o.images)
    {
      brig_error (&err, 0, "audit: --fix does not apply to --image (an image is not edited)");
      return brig_fail (2, &err);
    }
  if (paths == NULL && o.images == NULL)
    {
      brig_error (&err, 0, "audit: expected a file, a directory, - or --image REF (see --help)");
      return brig_fail (2, &err);
    }
  if (load_project (&o, &err) < 0)
    {
      brig_project_release (&o.project);
      return brig_fail (2, &err);
    }
  o.today = brig_today ();
  o.compose = &compose;
  r.project = &o.project;
  if (!o.fix)
    {
      /* Queue every file, then judge them on --jobs threads. */
      struct audit_queue q = { 0 };
      o.queue = &q;
      for (size_t i = 0; paths && paths[i]; i++)
        {
          struct stat st;
          if (strcmp (paths[i], "-") == 0)
            queue_push (&q, JOB_STDIN, "-", true);
          else if (stat (paths[i], &st) == 0 && S_ISDIR (st.st_mode))
            audit_dir (&o, &r, paths[i], 0);
          else
            queue_push (&q, JOB_FILE, paths[i], true);
        }
      o.queue = NULL;
      queue_run (&o, &r, &q);
    }
  for (size_t i = 0; o.fix && paths && paths[i]; i++)
    {
      struct stat st;
      if (strcmp (paths[i], "-") == 0)
        {
          stdin_used = true;
          _cleanup_free_ char *buf = NULL;
          size_t len;
          if (brig_read_fd (0, "standard input", BRIG_YAML_MAX_SIZE, &buf, &len, &err) < 0)
            add_error (&r, "-", &err);
          else if (o.fix)
            fix_text (&o, &r, "-", NULL, buf, len, true);
          else
            audit_text (&o, &r, "-", buf, len, true);
        }
      else if (stat (paths[i], &st) == 0 && S_ISDIR (st.st_mode))
        audit_dir (&o, &r, paths[i], 0);
      else
        audit_file (&o, &r, AT_FDCWD, paths[i], paths[i], true);
    }
  for (size_t i = 0; o.images && o.images[i]; i++)
    audit_image (&r, o.images[i], o.today);
  /* .brig.yml's rules off and severities; what --severity hides is
   * neither shown nor counted. */
  in_force (&o, &r.findings);
  {
    /* With --fix, standard output may carry a diff or the fixed text: the
     * report goes to standard error then. */
    bool to_err = o.fix && (o.dry_run || stdin_used);
    _cleanup_free_ char *cwd = getcwd (NULL, 0);
    status = brig_report_finish (to_err ? stderr : stdout, &r, o.json, o.sarif, cwd, o.fail_on,
                                 o.fail_never);
    if (o.fix)
      fprintf (stderr, "brig audit --fix: %zu finding%s %s in %zu file%s\n", r.fixed,
               r.fixed == 1 ? "" : "s", o.dry_run ? "would be fixed" : "fixed", r.fixed_files,
               r.fixed_files == 1 ? "" : "s");
  }
  brig_report_release (&r);
  brig_project_release (&o.project);
  free (o.project_root);
  compose_state_release (&compose);
  return status;
}
