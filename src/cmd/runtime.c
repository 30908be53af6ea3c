/* brig runtime / brig-runtime: the OCI runtime command line, as runc has it,
 * so that Docker, Podman and containerd can run containers through brig.
 *
 *   brig-runtime [--root DIR] [--log FILE] [--log-format text|json] [--debug]
 *                COMMAND [OPTIONS] ID
 *
 * Each verb is one entry of the table below.  A container's state lives in
 * ROOT/ID/state.json, beside ROOT/ID/exec.fifo until it is started. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "model/caps.h"
#include "model/container.h"
#include "parse/oci.h"
#include "parse/passwd.h"
#include "parse/units.h"
#include "policy/file.h"
#include "policy/policy.h"
#include "report/auditlog.h"
#include "report/oci_spec.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/unixsock.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BRIG_VERSION
#define BRIG_VERSION "0.1.0"
#endif
#define OCI_SPEC_VERSION "1.2.0"

struct globals
{
  char *root;
  char *log;
  bool log_json;
  bool debug;
};

static struct globals g;

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return xasprintf ("%s.%09ldZ", buf, ts.tv_nsec);
}

/* MSG as a JSON string; bytes that are not UTF-8 (a path can hold any)
 * become '?', so that the line is still written. */
static json_t *
json_text (const char *msg)
{
  json_t *j = json_string (msg);
  if (j == NULL)
    {
      _cleanup_free_ char *c = xstrdup (msg);
      for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80)
          *p = '?';
      j = json_string (c);
    }
  return j;
}

/* Errors and warnings go to stderr, and to --log too: with --log-format
 * json, as the one-object-per-line that containerd's shim reads back to
 * show the user; as text, logrus's key=value line with the message quoted. */
static void
log_msg (const char *level, const char *msg)
{
  _cleanup_free_ char *when = NULL;
  _cleanup_free_ char *line = NULL;
  FILE *f;

  fprintf (stderr, "brig-runtime: %s%s\n", strcmp (level, "error") ? "warning: " : "", msg);
  if (g.log == NULL || (f = fopen (g.log, "ae")) == NULL)
    return;
  when = now_rfc3339 ();
  if (g.log_json)
    {
      json_t *j
          = json_pack ("{s:s, s:o, s:s}", "level", level, "msg", json_text (msg), "time", when);
      line = j ? json_dumps (j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
      json_decref (j);
    }
  else
    {
      json_t *q = json_text (msg);
      _cleanup_free_ char *quoted = q ? json_dumps (q, JSON_ENCODE_ANY) : NULL;
      json_decref (q);
      if (quoted)
        line = xasprintf ("time=\"%s\" level=%s msg=%s", when, level, quoted);
    }
  if (line)
    fprintf (f, "%s\n", line);
  fclose (f);
}

static int
fail (struct brig_err *err)
{
  log_msg ("error", err->msg ? err->msg : "failed");
  brig_err_release (err);
  return 1;
}

static void
log_warnings (char *const *w)
{
  for (; w && *w; w++)
    log_msg ("warning", *w);
}

static int
valid_id (const char *id, struct brig_err *err)
{
  size_t n = strlen (id);

  if (n == 0 || n > 1024 || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    goto bad;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char)id[i]) && !strchr ("_+-.", id[i]))
      goto bad;
  return 0;
bad:
  return brig_error (err, 0,
                     "invalid container id `%s`: expected letters, digits, `_`, `+`, "
                     "`-` or `.`",
                     id);
}

static char *
container_dir (const char *id)
{
  return xasprintf ("%s/%s", g.root, id);
}

static int
load (const char *id, char **ret_dir, struct brig_oci_state *st, struct brig_err *err)
{
  int r;

  if ((r = valid_id (id, err)) < 0)
    return r;
  *ret_dir = container_dir (id);
  r = brig_oci_state_read (*ret_dir, st, err);
  if (r == -ENOENT)
    {
      brig_err_release (err);
      return brig_error (err, 0, "container `%s` does not exist", id);
    }
  return r;
}

/* Remove ROOT/ID and everything in it (only files brig wrote). */
static void
remove_container_dir (const char *dir)
{
  _cleanup_free_ char *state = xasprintf ("%s/state.json", dir);
  _cleanup_free_ char *fifo = xasprintf ("%s/exec.fifo", dir);
  _cleanup_free_ char *tmp = xasprintf ("%s/.state.json.tmp", dir);

  unlink (state);
  unlink (fifo);
  unlink (tmp);
  rmdir (dir);
}

static int
write_pid_file (const char *path, pid_t pid, struct brig_err *err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s.brig-tmp", path);
  char buf[32];
  int fd, n = snprintf (buf, sizeof buf, "%d", (int)pid);

  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return brig_error (err, errno, "pid file `%s`", path);
  if (brig_write_all (fd, buf, (size_t)n) < 0 || close (fd) < 0 || rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      return brig_error (err, e, "pid file `%s`", path);
    }
  return 0;
}

/* --- the verbs' options --------------------------------------------------- */

struct verb_opts
{
  char *config;    /* crun's --config: another file name in the bundle */
  bool stats;      /* events: once */
  int interval;    /* events: seconds */
  char *resources; /* update: a file of linux.resources JSON, or - */
  int64_t memory, memory_swap, pids, cpu_quota, cpu_period;
  char *bundle;
  char *pid_file;
  char *console_socket;
  char *pidfd_socket;
  char *format;
  unsigned preserve_fds;
  bool force, all, detach, keep, quiet, rootless, ignore_paused;
  /* exec */
  char *process;
  char *cwd;
  char *user;
  char **env;
  char *apparmor, *process_label;
  uint64_t caps;
  bool tty, no_new_privs;
};

/* A string option: the last one given wins. */
#define STR_SETTER(name, field)                                                                    \
  static int name (void *ctx, const char *arg, struct brig_err *err)                               \
  {                                                                                                \
    (void)err;                                                                                     \
    free (((struct verb_opts *)ctx)->field);                                                       \
    ((struct verb_opts *)ctx)->field = xstrdup (arg);                                              \
    return 0;                                                                                      \
  }

STR_SETTER (o_bundle, bundle)
STR_SETTER (o_config, config)

STR_SETTER (o_pid_file, pid_file)

STR_SETTER (o_console_socket, console_socket)
STR_SETTER (o_pidfd_socket, pidfd_socket)

static int
o_format (void *ctx, const char *arg, struct brig_err *err)
{
  if (strcmp (arg, "table") != 0 && strcmp (arg, "json") != 0)
    return brig_error (err, 0, "`%s`: expected table or json", arg);
  free (((struct verb_opts *)ctx)->format);
  ((struct verb_opts *)ctx)->format = xstrdup (arg);
  return 0;
}

static int
o_preserve_fds (void *ctx, const char *arg, struct brig_err *err)
{
  char *end;
  unsigned long n = strtoul (arg, &end, 10);
  if (!isdigit ((unsigned char)*arg) || *end || n > 1024)
    return brig_error (err, 0, "`%s`: expected a number of descriptors from 0 to 1024", arg);
  ((struct verb_opts *)ctx)->preserve_fds = (unsigned)n;
  return 0;
}

BRIG_OPT_FLAG (o_force, struct verb_opts, force)
BRIG_OPT_FLAG (o_all, struct verb_opts, all)
BRIG_OPT_FLAG (o_detach, struct verb_opts, detach)
BRIG_OPT_FLAG (o_keep, struct verb_opts, keep)
BRIG_OPT_FLAG (o_quiet, struct verb_opts, quiet)
BRIG_OPT_FLAG (o_rootless, struct verb_opts, rootless)
BRIG_OPT_FLAG (o_ignore_paused, struct verb_opts, ignore_paused)

static int
o_ignored (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  return 0;
}

static const struct brig_opt create_opts[] = {
  { 'b', "bundle", "DIR", "the bundle directory (default: the current directory)", o_bundle },
  { 'f', "config", "FILE", "the config file, relative to the bundle (default config.json)",
    o_config },
  { 0, "pid-file", "FILE", "write the container's pid to FILE", o_pid_file },
  { 0, "console-socket", "SOCKET", "send the terminal's master to SOCKET", o_console_socket },
  { 0, "preserve-fds", "N", "pass descriptors 3..3+N-1 on to the container", o_preserve_fds },
  { 0, "no-pivot", NULL, "accepted: brig always pivots into the root", o_ignored },
  { 0, "no-new-keyring", NULL, "accepted: the keyring is refused by seccomp anyway", o_ignored },
  { 0, "pidfd-socket", "SOCKET", "send a pidfd of the container's process to SOCKET",
    o_pidfd_socket },
  { 'd', "detach", NULL, "run: do not wait for the container", o_detach },
  { 0, "keep", NULL, "run: keep the stopped container's state", o_keep },
  { 0, NULL, NULL, NULL, NULL },
};

STR_SETTER (o_resources, resources)

#define NUM_SETTER(name, field, parse)                                                             \
  static int name (void *ctx, const char *arg, struct brig_err *err)                               \
  {                                                                                                \
    return parse (arg, &((struct verb_opts *)ctx)->field, err);                                    \
  }

static int
parse_count (const char *arg, int64_t *ret, struct brig_err *err)
{
  return brig_parse_int64 (arg, -1, INT64_MAX, ret, err);
}

NUM_SETTER (o_memory, memory, brig_parse_size)
NUM_SETTER (o_memory_swap, memory_swap, brig_parse_size)
NUM_SETTER (o_pids, pids, parse_count)
NUM_SETTER (o_cpu_quota, cpu_quota, parse_count)
NUM_SETTER (o_cpu_period, cpu_period, parse_count)

static const struct brig_opt update_opts[] = {
  { 'r', "resources", "FILE", "linux.resources as JSON (- for stdin)", o_resources },
  { 'm', "memory", "BYTES", "memory limit", o_memory },
  { 0, "memory-swap", "BYTES", "memory plus swap", o_memory_swap },
  { 0, "pids-limit", "N", "most processes", o_pids },
  { 0, "cpu-quota", "USEC", "CPU time per period", o_cpu_quota },
  { 0, "cpu-period", "USEC", "the CPU period", o_cpu_period },
  { 0, NULL, NULL, NULL, NULL },
};

BRIG_OPT_FLAG (o_stats, struct verb_opts, stats)

static int
o_interval (void *ctx, const char *arg, struct brig_err *err)
{
  char *end;
  long v = strtol (arg, &end, 10);
  if (end == arg || (*end && strcmp (end, "s") != 0) || v < 1 || v > 3600)
    return brig_error (err, 0, "`%s`: expected seconds from 1 to 3600, e.g. 5s", arg);
  ((struct verb_opts *)ctx)->interval = (int)v;
  return 0;
}

static const struct brig_opt events_opts[] = {
  { 0, "stats", NULL, "print the statistics once and exit", o_stats },
  { 0, "interval", "DURATION", "seconds between statistics (default 5s)", o_interval },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_opt delete_opts[] = {
  { 'f', "force", NULL, "kill a running container first", o_force },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_opt kill_opts[] = {
  { 'a', "all", NULL, "signal every process of the container", o_all },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_opt list_opts[] = {
  { 'f', "format", "FORMAT", "table or json", o_format },
  { 'q', "quiet", NULL, "ids only", o_quiet },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_opt spec_opts[] = {
  { 'b', "bundle", "DIR", "where to write config.json (default: here)", o_bundle },
  { 0, "rootless", NULL, "a config for an unprivileged user", o_rootless },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_opt no_opts[] = {
  { 0, NULL, NULL, NULL, NULL },
};

static void
verb_opts_release (struct verb_opts *o)
{
  free (o->resources);
  free (o->config);
  free (o->bundle);
  free (o->pid_file);
  free (o->console_socket);
  free (o->pidfd_socket);
  free (o->format);
  free (o->process);
  free (o->cwd);
  free (o->user);
  free (o->apparmor);
  free (o->process_label);
  strv_free (o->env);
}

STR_SETTER (o_process, process)

static int
o_cwd (void *ctx, const char *arg, struct brig_err *err)
{
  if (arg[0] != '/')
    return brig_error (err, 0, "`%s`: expected an absolute path", arg);
  free (((struct verb_opts *)ctx)->cwd);
  ((struct verb_opts *)ctx)->cwd = xstrdup (arg);
  return 0;
}

static int
o_user (void *ctx, const char *arg, struct brig_err *err)
{
  unsigned uid, gid;
  char c;
  if (sscanf (arg, "%u:%u%c", &uid, &gid, &c) != 2 && sscanf (arg, "%u%c", &uid, &c) != 1)
    return brig_error (err, 0, "`%s`: expected UID[:GID]", arg);
  free (((struct verb_opts *)ctx)->user);
  ((struct verb_opts *)ctx)->user = xstrdup (arg);
  return 0;
}

static int
o_env (void *ctx, const char *arg, struct brig_err *err)
{
  if (strchr (arg, '=') == NULL || arg[0] == '=')
    return brig_error (err, 0, "`%s`: expected NAME=VALUE", arg);
  strv_push (&((struct verb_opts *)ctx)->env, xstrdup (arg));
  return 0;
}

/* A capability name brig does not know is left out with a warning, as in
 * config.json (the runtime spec's rule; runc and crun treat --cap so):
 * leaving it out only takes privilege away. */
static int
o_cap (void *ctx, const char *arg, struct brig_err *err)
{
  uint64_t m;
  int r;

  if (brig_cap_from_name (arg) == -1)
    {
      _cleanup_free_ char *w
          = xasprintf ("exec: --cap: unknown capability `%s` left out: this kernel knows names "
                       "such as CAP_NET_BIND_SERVICE (see capabilities(7))",
                       arg);
      log_msg ("warning", w);
      return 0;
    }
  r = brig_cap_parse (arg, &m, err);
  if (r == 0)
    ((struct verb_opts *)ctx)->caps |= m;
  return r;
}

static int
o_tty (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct verb_opts *)ctx)->tty = true;
  return 0;
}

static int
o_nnp (void *ctx, const char *arg, struct brig_err *err)
{
  (void)arg;
  (void)err;
  ((struct verb_opts *)ctx)->no_new_privs = true;
  return 0;
}

STR_SETTER (o_apparmor, apparmor)
STR_SETTER (o_process_label, process_label)

static const struct brig_opt exec_opts[] = {
  { 'p', "process", "FILE", "the process to run, as an OCI process object", o_process },
  { 0, "console-socket", "SOCKET", "send the terminal's master to SOCKET", o_console_socket },
  { 0, "pid-file", "FILE", "write the process's pid to FILE", o_pid_file },
  { 'd', "detach", NULL, "do not wait for the process", o_detach },
  { 't', "tty", NULL, "give the process a terminal (needs --console-socket)", o_tty },
  { 0, "cwd", "DIR", "working directory in the container", o_cwd },
  { 'e', "env", "NAME=VALUE", "set a variable", o_env },
  { 'u', "user", "UID[:GID]", "run as this user", o_user },
  { 'c', "cap", "CAP", "add a capability (the policy still applies)", o_cap },
  { 0, "no-new-privs", NULL, "set no_new_privs (the policy sets it anyway)", o_nnp },
  { 0, "preserve-fds", "N", "pass descriptors 3..3+N-1 on", o_preserve_fds },
  { 0, "apparmor", "PROFILE", "the AppArmor profile (where the host runs AppArmor)", o_apparmor },
  { 0, "process-label", "LABEL", "the SELinux label (where the host runs SELinux)",
    o_process_label },
  { 0, "pidfd-socket", "SOCKET", "send a pidfd of the process to SOCKET", o_pidfd_socket },
  { 0, "ignore-paused", NULL, "exec even if the container is paused (the process starts frozen)",
    o_ignore_paused },
  { 0, NULL, NULL, NULL, NULL },
};

/* Parse the verb's options and require exactly NARGS operands (or at
 * least MIN when NARGS is -1). */
static int
verb_args (const struct brig_opt *opts, struct verb_opts *o, int argc, char **argv, int min,
           int max, char ***ret_args, struct brig_err *err)
{
  int optind, r;

  if ((r = brig_opt_parse (opts, o, argc, argv, &optind, err)) < 0)
    return brig_err_wrap (err, "%s", argv[0]);
  if (argc - optind < min || argc - optind > max)
    return brig_error (err, 0, "%s: expected %s", argv[0],
                       min == max ? (min ? "a container id" : "no arguments")
                                  : "a container id and a signal");
  *ret_args = argv + optind;
  return argc - optind;
}

/* --- create, start, run ---------------------------------------------------- */

#define DEFAULT_POLICY BRIG_POLICY_PATH

/* systemd socket activation: LISTEN_FDS descriptors from 3 on pass to the
 * container, which is told they are its own (LISTEN_PID=1), as runc does. */
static void
socket_activation (struct brig_container *c)
{
  const char *v = getenv ("LISTEN_FDS");
  char *end;
  unsigned long n;

  if (v == NULL || !isdigit ((unsigned char)*v))
    return;
  n = strtoul (v, &end, 10);
  if (*end || n == 0 || n > 1024)
    return;
  if (c->preserve_fds < n)
    c->preserve_fds = (unsigned)n;
  {
    _cleanup_free_ char *fds = xasprintf ("LISTEN_FDS=%lu", n);
    brig_container_setenv (c, fds);
    brig_container_setenv (c, "LISTEN_PID=1");
  }
}

/* HOME, when the config does not set it: the user's home in the image's
 * /etc/passwd, else / (what runc and crun do). */
static void
default_home (struct brig_container *c)
{
  _cleanup_free_ char *passwd = NULL;
  _cleanup_free_ char *home = NULL;
  struct brig_err e = { 0 };
  struct brig_pwent pw;
  char uid[16];
  size_t len;

  for (size_t i = 0; c->env && c->env[i]; i++)
    if (str_has_prefix (c->env[i], "HOME="))
      return;
  snprintf (uid, sizeof uid, "%u", (unsigned)c->uid);
  if (c->rootfs && brig_rootfs_read_file (c->rootfs, "/etc/passwd", 1 << 20, &passwd, &len, &e) == 0
      && brig_passwd_lookup (passwd, len, "/etc/passwd", uid, &pw, &e) == 0 && pw.home[0] == '/')
    home = xasprintf ("HOME=%s", pw.home);
  brig_err_release (&e);
  brig_container_setenv (c, home ? home : "HOME=/");
}

/* The policy gate: harden or refuse C, and write every decision to the
 * audit log. */
static int
gate (struct brig_container *c, struct brig_err *err)
{
  struct brig_policy *p = NULL;
  struct brig_decision *d = NULL;
  struct brig_auditlog log = { -1, NULL };
  _cleanup_free_ char *state = brig_state_dir ();
  _cleanup_free_ char *log_path = xasprintf ("%s/audit.log", state);
  size_t n = 0;
  int r;

  if ((r = brig_load_policy (&p, err)) < 0)
    return r;
  r = brig_policy_gate (p, c, &d, &n, err);
  if (brig_auditlog_open (log_path, &log, err) == 0)
    {
      for (size_t i = 0; i < n; i++)
        brig_audit_decision (&log, c, d[i].rule->id, brig_action_name (d[i].action), d[i].detail);
      brig_auditlog_close (&log);
    }
  else if (r == 0)
    r = brig_err_wrap (err, "audit log");
  brig_decisions_free (d, n);
  brig_policy_free (p);
  return r;
}

static int
load_bundle (const struct verb_opts *o, const char *id, bool attached, struct brig_container **ret,
             struct brig_err *err)
{
  char cwd[4096];
  _cleanup_free_ char *bundle = NULL;
  _cleanup_free_ char *path = NULL;
  _cleanup_free_ char *buf = NULL;
  size_t len;
  struct brig_container *c;
  int r;

  if (o->bundle)
    bundle = realpath (o->bundle, NULL);
  else if (getcwd (cwd, sizeof cwd))
    bundle = xstrdup (cwd);
  if (bundle == NULL)
    return brig_error (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  path = o->config && o->config[0] == '/'
             ? xstrdup (o->config)
             : xasprintf ("%s/%s", bundle, o->config ? o->config : "config.json");
  if ((r = brig_read_file (path, 16 << 20, &buf, &len, err)) < 0
      || (r = brig_parse_oci_config (buf, len, path, bundle, &c, err)) < 0)
    return r;
  log_warnings (c->warnings);
  default_home (c);
  c->id = xstrdup (id);
  c->image = xstrdup (bundle);
  c->rootless = !brig_is_host_root ();
  c->preserve_fds = o->preserve_fds;
  c->create_cwd = true;
  socket_activation (c);
  c->ns_host = brig_ns_host_mask (c);
  if ((r = gate (c, err)) < 0)
    {
      brig_container_free (c);
      return r;
    }
  if (c->unsupported)
    {
      r = brig_error (err, 0, "%s", c->unsupported);
      brig_container_free (c);
      return r;
    }
  if (c->terminal && o->console_socket == NULL && !attached)
    {
      brig_container_free (c);
      return brig_error (err, 0,
                         "%s: process.terminal is true, but no --console-socket was "
                         "given to send the terminal to",
                         path);
    }
  if (o->console_socket && !c->terminal)
    {
      r = brig_error (err, 0, "--console-socket was given, but process.terminal is false in %s",
                      path);
      brig_container_free (c);
      return r;
    }
  *ret = c;
  return 0;
}

/* Connect to the engine's console socket (a unix socket path), or -1. */
static int
console_connect (const char *path, struct brig_err *err)
{
  return path ? brig_unix_connect (path, "console socket", err) : -1;
}

/* The OCI state that hooks read on stdin. */
static char *
hook_state (const char *id, const char *status, pid_t pid, const char *bundle,
            char *const *annotations)
{
  json_t *ann = brig_annotations_json (annotations);
  json_t *j;
  char *s;

  j = json_pack ("{s:s, s:s, s:s, s:i, s:s, s:o}", "ociVersion", OCI_SPEC_VERSION, "id", id,
                 "status", status, "pid", (int)pid, "bundle", bundle, "annotations", ann);
  s = json_dumps (j, JSON_COMPACT);
  json_decref (j);
  return s;
}

/* The hooks that run on the host while the container is made, its
 * namespaces there and its root not yet entered: prestart (deprecated, run
 * as runc does) and createRuntime. */
static int
creation_hooks (void *data, pid_t pid, struct brig_err *err)
{
  const struct brig_container *c = data;
  _cleanup_free_ char *state = hook_state (c->id, "creating", pid, c->image, c->annotations);
  int r = brig_hooks_run (c, BRIG_HOOK_PRESTART, state, err);
  if (r == 0)
    r = brig_hooks_run (c, BRIG_HOOK_CREATE_RUNTIME, state, err);
  return r;
}

/* The container process state (runtime spec, config-linux.md) sent with
 * the seccomp listener to the agent: about process PID of container C,
 * whose PID 1 is INIT and whose status is STATUS. */
static char *
listener_state (const struct brig_container *c, pid_t pid, pid_t init, const char *status)
{
  _cleanup_free_ char *state = hook_state (c->id, status, init, c->image, c->annotations);
  json_t *j = json_pack ("{s:s, s:[s], s:i, s:s, s:o}", "ociVersion", OCI_SPEC_VERSION, "fds",
                         "seccompFd", "pid", (int)pid, "metadata",
                         c->seccomp->listener_metadata ? c->seccomp->listener_metadata : "",
                         "state", json_loads (state, 0, NULL));
  char *s = json_dumps (j, JSON_COMPACT);

  json_decref (j);
  return s;
}

/* What the container process is given to pass on: the state for the
 * hooks it runs, and what a seccomp agent gets. */
static char *
inner_state (void *data, pid_t pid, const char *what)
{
  const struct brig_container *c = data;

  if (strcmp (what, "listener") == 0)
    return c->seccomp ? listener_state (c, pid, pid, "creating") : NULL;
  return hook_state (c->id, what, pid, c->image, c->annotations);
}

/* poststart and poststop: a failure is a warning, as the spec says. */
static void
late_hooks (const struct brig_hook *h, size_t n, enum brig_hook_kind kind, const char *id,
            pid_t pid, const char *bundle, char *const *annotations)
{
  _cleanup_free_ char *state = NULL;
  struct brig_err err = { 0 };

  if (n == 0)
    return;
  state = hook_state (id, kind == BRIG_HOOK_POSTSTART ? "running" : "stopped", pid, bundle,
                      annotations);
  if (brig_hooks_run_list (h, n, kind, state, &err) < 0)
    log_msg ("warning", err.msg);
  brig_err_release (&err);
}

/* create: make the container and leave it waiting on its exec FIFO. */
static int
do_create (const struct verb_opts *o, const char *id, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL, *fifo = NULL;
  struct brig_container *c = NULL;
  struct brig_sandbox *sb = NULL;
  struct brig_sandbox_opts sopts = { 0 };
  struct brig_oci_state st = { 0 };
  int r;

  if ((r = valid_id (id, err)) < 0 || (r = load_bundle (o, id, false, &c, err)) < 0)
    return r;
  if ((r = brig_mkdir_p (g.root, 0700, err)) < 0)
    goto out;
  dir = container_dir (id);
  if (mkdir (dir, 0700) < 0)
    {
      r = errno == EEXIST ? brig_error (err, 0, "container `%s` already exists", id)
                          : brig_error (err, errno, "create `%s`", dir);
      free (dir);
      dir = NULL;
      goto out;
    }
  fifo = xasprintf ("%s/exec.fifo", dir);
  /* Writable by the container's root, whoever it maps to; the directory
   * (0700) keeps everyone else out. */
  if (mkfifo (fifo, 0622) < 0 || chmod (fifo, 0622) < 0)
    {
      r = brig_error (err, errno, "exec fifo `%s`", fifo);
      goto out;
    }
  sopts.exec_fifo = fifo;
  sopts.console_socket = -1;
  sopts.data = c;
  sopts.state = inner_state;
  sopts.hooks = creation_hooks;
  if (o->console_socket && (sopts.console_socket = console_connect (o->console_socket, err)) < 0)
    {
      r = sopts.console_socket;
      goto out;
    }
  r = brig_sandbox_create (c, &sopts, &sb, err);
  if (sopts.console_socket >= 0)
    close (sopts.console_socket);
  if (r < 0)
    goto out;
  st = (struct brig_oci_state){ .id = c->id,
                                .pid = brig_sandbox_pid (sb),
                                .start_time = brig_proc_start_time (brig_sandbox_pid (sb)),
                                .bundle = c->image,
                                .rootfs = c->rootfs,
                                .created = now_rfc3339 (),
                                .cgroups_path = c->cgroups_path,
                                .annotations = c->annotations,
                                .poststart = c->hooks[BRIG_HOOK_POSTSTART],
                                .npoststart = c->nhooks[BRIG_HOOK_POSTSTART],
                                .poststop = c->hooks[BRIG_HOOK_POSTSTOP],
                                .npoststop = c->nhooks[BRIG_HOOK_POSTSTOP] };
  r = brig_oci_state_write (dir, &st, err);
  free (st.created);
  if (r == 0 && o->pid_file)
    r = write_pid_file (o->pid_file, brig_sandbox_pid (sb), err);
  if (r == 0 && o->pidfd_socket)
    r = brig_proc_send_pidfd (st.pid, st.start_time, o->pidfd_socket, err);
  if (r < 0)
    goto out;
  log_warnings (brig_sandbox_warnings (sb));
  brig_sandbox_release (sb);
  sb = NULL;
  r = 0;
out:
  if (r < 0)
    {
      brig_sandbox_destroy (sb); /* kills it and removes its cgroup */
      if (dir)
        remove_container_dir (dir);
    }
  brig_container_free (c);
  return r;
}

/* start: open the FIFO for reading; the container, blocked opening it for
 * writing, writes a byte and execs. */
static int
do_start (const char *id, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL, *fifo = NULL;
  struct brig_oci_state st;
  _cleanup_close_ int fd = -1;
  struct pollfd p;
  char b;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  if (brig_oci_state_status (dir, &st) != BRIG_OCI_CREATED)
    {
      r = brig_error (err, 0, "cannot start container `%s`: it is %s, not created", id,
                      brig_oci_status_name (brig_oci_state_status (dir, &st)));
      goto out;
    }
  fifo = xasprintf ("%s/exec.fifo", dir);
  fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      r = brig_error (err, errno, "exec fifo `%s`", fifo);
      goto out;
    }
  p = (struct pollfd){ fd, POLLIN, 0 };
  for (int waited = 0;; waited += 100)
    {
      int n = poll (&p, 1, 100);
      if (n > 0 && read (fd, &b, 1) == 1)
        break;
      if (brig_proc_start_time (st.pid) != st.start_time || waited > 30000)
        {
          r = brig_error (err, 0, "container `%s` did not start: its process is gone", id);
          goto out;
        }
    }
  unlink (fifo);
  late_hooks (st.poststart, st.npoststart, BRIG_HOOK_POSTSTART, st.id, st.pid, st.bundle,
              st.annotations);
  r = 0;
out:
  brig_oci_state_release (&st);
  return r;
}

static int
do_delete (const char *id, bool force, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  enum brig_oci_status s;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    {
      /* As runc: forcing the delete of what is not there is done. */
      if (force && valid_id (id, err) == 0 && access (dir, F_OK) < 0)
        {
          brig_err_release (err);
          return 0;
        }
      return r;
    }
  s = brig_oci_state_status (dir, &st);
  if ((s == BRIG_OCI_RUNNING || s == BRIG_OCI_PAUSED) && !force)
    {
      r = brig_error (err, 0,
                      "cannot delete container `%s`: it is %s (use --force, or kill "
                      "it first)",
                      id, brig_oci_status_name (s));
      goto out;
    }
  if (s != BRIG_OCI_STOPPED)
    {
      /* Created (waiting on its FIFO) or forced: kill everything of it,
       * thawed first (a frozen task does not die until thawed). */
      struct brig_err e = { 0 };
      if (s == BRIG_OCI_PAUSED)
        brig_cgroup_freeze (st.cgroups_path, st.id, false, &e);
      brig_err_release (&e);
      brig_proc_signal (st.pid, st.start_time, SIGKILL);
      brig_cgroup_signal_all (st.cgroups_path, st.id, SIGKILL, &e);
      brig_err_release (&e);
      if (brig_proc_wait_exit (st.pid, st.start_time, 2000) < 0)
        {
          r = brig_error (err, 0,
                          "container `%s`: its process %d would not die (is it frozen in a "
                          "cgroup brig does not manage?); nothing was removed",
                          id, (int)st.pid);
          goto out;
        }
    }
  if ((r = brig_cgroup_remove (st.cgroups_path, st.id, err)) < 0)
    goto out;
  late_hooks (st.poststop, st.npoststop, BRIG_HOOK_POSTSTOP, st.id, st.pid, st.bundle,
              st.annotations);
  remove_container_dir (dir);
  r = 0;
out:
  brig_oci_state_release (&st);
  return r;
}

/* run: create, start, wait and delete in one process, attached. */
static int
do_run (const struct verb_opts *o, const char *id, int *ret_status, struct brig_err *err)
{
  struct brig_container *c = NULL;
  struct brig_sandbox *sb = NULL;
  struct brig_exit ex;
  pid_t pid = 0;
  int exec_errno, r;

  if (o->detach)
    {
      if ((r = do_create (o, id, err)) < 0)
        return r;
      if ((r = do_start (id, err)) < 0)
        {
          struct brig_err e = { 0 };
          do_delete (id, true, &e);
          brig_err_release (&e);
        }
      *ret_status = r < 0 ? 1 : 0;
      return r;
    }
  if ((r = valid_id (id, err)) < 0 || (r = load_bundle (o, id, true, &c, err)) < 0)
    return r;
  {
    struct brig_sandbox_opts sopts = { .console_socket = -1,
                                       .relay_terminal = c->terminal && o->console_socket == NULL,
                                       .data = c,
                                       .state = inner_state,
                                       .hooks = creation_hooks };
    if (o->console_socket && (sopts.console_socket = console_connect (o->console_socket, err)) < 0)
      {
        r = sopts.console_socket;
        goto out;
      }
    r = brig_sandbox_create (c, &sopts, &sb, err);
    if (sopts.console_socket >= 0)
      close (sopts.console_socket);
    if (r < 0)
      goto out;
  }
  if (o->pid_file && (r = write_pid_file (o->pid_file, brig_sandbox_pid (sb), err)) < 0)
    goto out;
  if ((r = brig_sandbox_start (sb, &exec_errno, err)) < 0)
    goto out;
  pid = brig_sandbox_pid (sb);
  late_hooks (c->hooks[BRIG_HOOK_POSTSTART], c->nhooks[BRIG_HOOK_POSTSTART], BRIG_HOOK_POSTSTART,
              c->id, pid, c->image, c->annotations);
  if ((r = brig_sandbox_wait (sb, &ex, err)) < 0)
    goto out;
  *ret_status = WIFEXITED (ex.status) ? WEXITSTATUS (ex.status) : 128 + WTERMSIG (ex.status);
out:
  brig_sandbox_destroy (sb);
  /* Deleted, as `delete` would have: now poststop. */
  if (pid > 0)
    late_hooks (c->hooks[BRIG_HOOK_POSTSTOP], c->nhooks[BRIG_HOOK_POSTSTOP], BRIG_HOOK_POSTSTOP,
                c->id, pid, c->image, c->annotations);
  brig_container_free (c);
  return r;
}

/* exec: the container's own config and policy, with the process the
 * engine asks for; hardened again by the gate. */
struct exec_ctx
{
  const char *pid_file;
  const char *pidfd_socket;
  struct brig_err *err;
  int r;
  const struct brig_container *c;
  pid_t init;
};

static char *
exec_listener_msg (void *data, pid_t pid)
{
  struct exec_ctx *x = data;
  return listener_state (x->c, pid, x->init, "running");
}

static void
exec_started (void *data, pid_t pid)
{
  struct exec_ctx *x = data;
  if (x->pid_file && x->r == 0)
    x->r = write_pid_file (x->pid_file, pid, x->err);
  if (x->pidfd_socket && x->r == 0)
    x->r = brig_proc_send_pidfd (pid, 0, x->pidfd_socket, x->err);
}

static int
do_exec (struct verb_opts *o, char **args, int nargs, int *status, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL, *path = NULL, *buf = NULL;
  struct brig_oci_state st;
  struct brig_container *c = NULL;
  struct brig_exec_opts eo
      = { .detach = o->detach, .console_socket = -1, .on_started = exec_started };
  struct brig_exec_result res;
  struct exec_ctx x = { .pid_file = o->pid_file, .pidfd_socket = o->pidfd_socket, .err = err };
  enum brig_oci_status s;
  size_t len;
  int r;

  if ((r = load (args[0], &dir, &st, err)) < 0)
    return r;
  s = brig_oci_state_status (dir, &st);
  if (s != BRIG_OCI_RUNNING && !(s == BRIG_OCI_PAUSED && o->ignore_paused))
    {
      r = brig_error (err, 0, "cannot exec in container `%s`: it is %s, not running", args[0],
                      brig_oci_status_name (s));
      goto out;
    }
  path = xasprintf ("%s/config.json", st.bundle);
  if ((r = brig_read_file (path, 16 << 20, &buf, &len, err)) < 0
      || (r = brig_parse_oci_config (buf, len, path, st.bundle, &c, err)) < 0)
    goto out;
  c->id = xstrdup (st.id);
  c->rootless = !brig_is_host_root ();
  free (c->cgroups_path);
  c->cgroups_path = st.cgroups_path ? xstrdup (st.cgroups_path) : NULL;
  if (o->process)
    {
      _cleanup_free_ char *pbuf = NULL;
      size_t plen;
      strv_free (c->warnings); /* said at create */
      c->warnings = NULL;
      if ((r = brig_read_file (o->process, 1 << 20, &pbuf, &plen, err)) < 0
          || (r = brig_parse_oci_process (pbuf, plen, o->process, c, err)) < 0)
        goto out;
      log_warnings (c->warnings);
    }
  else
    {
      if (nargs < 2)
        {
          r = brig_error (err, 0, "exec: expected a command after the container id, or --process");
          goto out;
        }
      strv_free (c->argv);
      c->argv = strv_copy (args + 1);
      c->terminal = o->tty;
    }
  if (o->cwd)
    {
      free (c->cwd);
      c->cwd = xstrdup (o->cwd);
    }
  for (size_t i = 0; o->env && o->env[i]; i++)
    brig_container_setenv (c, o->env[i]);
  if (o->user)
    {
      unsigned uid = 0, gid = 0;
      if (sscanf (o->user, "%u:%u", &uid, &gid) < 1)
        sscanf (o->user, "%u", &uid);
      c->uid = uid;
      c->gid = gid;
    }
  if (o->apparmor && *o->apparmor)
    {
      free (c->apparmor_profile);
      c->apparmor_profile = xstrdup (o->apparmor);
    }
  if (o->process_label && *o->process_label)
    {
      free (c->selinux_label);
      c->selinux_label = xstrdup (o->process_label);
    }
  c->caps.bounding |= o->caps;
  c->caps.effective |= o->caps;
  c->caps.permitted |= o->caps;
  if (o->no_new_privs)
    c->no_new_privs = true;
  default_home (c);
  c->preserve_fds = o->preserve_fds;
  if (c->terminal && o->console_socket == NULL)
    {
      r = brig_error (err, 0, "exec: a terminal was asked for, but no --console-socket given");
      goto out;
    }
  if ((r = gate (c, err)) < 0)
    goto out;
  eo.data = &x;
  eo.listener_msg = exec_listener_msg;
  free (c->image);
  c->image = xstrdup (st.bundle);
  x.c = c;
  x.init = st.pid;
  if (o->console_socket && (eo.console_socket = console_connect (o->console_socket, err)) < 0)
    {
      r = eo.console_socket;
      goto out;
    }
  r = brig_sandbox_exec (c, st.pid, st.start_time, &eo, &res, err);
  if (eo.console_socket >= 0)
    close (eo.console_socket);
  if (r == 0 && x.r < 0)
    r = x.r;
  if (r < 0 && res.exec_errno)
    *status = res.exec_errno == ENOENT ? 127 : 126;
  else if (r == 0)
    *status = o->detach ? 0 : res.status;
out:
  brig_container_free (c);
  brig_oci_state_release (&st);
  return r;
}

static int
do_freeze (const char *id, bool freeze, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  enum brig_oci_status s;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  s = brig_oci_state_status (dir, &st);
  if (s != (freeze ? BRIG_OCI_RUNNING : BRIG_OCI_PAUSED))
    r = brig_error (err, 0, "cannot %s container `%s`: it is %s", freeze ? "pause" : "resume", id,
                    brig_oci_status_name (s));
  else
    r = brig_cgroup_freeze (st.cgroups_path, st.id, freeze, err);
  brig_oci_state_release (&st);
  return r;
}

static int
do_ps (const struct verb_opts *o, const char *id, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  pid_t *pids = NULL;
  size_t n = 0;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  if (brig_oci_state_status (dir, &st) == BRIG_OCI_STOPPED)
    r = brig_error (err, 0, "container `%s` is not running", id);
  else
    r = brig_cgroup_pids (st.cgroups_path, st.id, &pids, &n, err);
  if (r == 0 && o->format && strcmp (o->format, "json") == 0)
    {
      fputc ('[', stdout);
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int)pids[i]);
      fputs ("]\n", stdout);
    }
  else if (r == 0)
    {
      printf ("%-8s %-8s %s\n", "PID", "PPID", "CMD");
      for (size_t i = 0; i < n; i++)
        {
          char path[64];
          _cleanup_free_ char *stat = NULL;
          struct brig_err e = { 0 };
          char *open, *close_p;
          int ppid = 0;

          snprintf (path, sizeof path, "/proc/%d/stat", (int)pids[i]);
          if (brig_read_file (path, 4096, &stat, NULL, &e) < 0)
            {
              brig_err_release (&e);
              continue;
            }
          open = strchr (stat, '(');
          close_p = strrchr (stat, ')');
          if (open && close_p && close_p > open)
            {
              sscanf (close_p + 2, "%*c %d", &ppid);
              *close_p = '\0';
              printf ("%-8d %-8d %s\n", (int)pids[i], ppid, open + 1);
            }
        }
    }
  free (pids);
  brig_oci_state_release (&st);
  return r;
}

/* update: new limits for a running container, within the policy's. */
static int
do_update (struct verb_opts *o, const char *id, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  struct brig_limits l = { o->memory, o->memory_swap, o->pids, 0, 0 };
  struct brig_policy *p = NULL;
  size_t idx;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  if (o->resources)
    {
      _cleanup_free_ char *buf = NULL;
      size_t len;
      json_error_t jerr;
      json_t *j;
      const char *name = strcmp (o->resources, "-") == 0 ? "<stdin>" : o->resources;

      r = strcmp (o->resources, "-") == 0 ? brig_read_fd (0, name, 1 << 20, &buf, &len, err)
                                          : brig_read_file (o->resources, 1 << 20, &buf, &len, err);
      if (r < 0)
        goto out;
      j = json_loadb (buf, len, 0, &jerr);
      if (j == NULL)
        {
          r = brig_error (err, 0, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
          goto out;
        }
      json_int_t v;
      if (json_unpack (j, "{s:{s:I}}", "memory", "limit", &v) == 0 && v > 0)
        l.memory = v;
      if (json_unpack (j, "{s:{s:I}}", "memory", "swap", &v) == 0 && v > 0)
        l.memory_swap = v;
      if (json_unpack (j, "{s:{s:I}}", "pids", "limit", &v) == 0 && v > 0)
        l.pids = v;
      if (json_unpack (j, "{s:{s:I}}", "cpu", "quota", &v) == 0 && v > 0)
        l.cpu_quota = (uint64_t)v;
      if (json_unpack (j, "{s:{s:I}}", "cpu", "period", &v) == 0 && v > 0)
        l.cpu_period = (uint64_t)v;
      json_decref (j);
    }
  if (o->cpu_quota > 0)
    l.cpu_quota = (uint64_t)o->cpu_quota;
  if (o->cpu_period > 0)
    l.cpu_period = (uint64_t)o->cpu_period;
  if (l.cpu_quota && !l.cpu_period)
    l.cpu_period = 100000;
  /* The policy's limits hold here too (BRIG-C010). */
  if ((r = brig_load_policy (&p, err)) < 0)
    goto out;
  if (brig_rule_find ("BRIG-C010", &idx) && p->actions[idx] >= BRIG_ACT_HARDEN)
    {
      if ((l.memory > p->max_memory || (l.memory_swap > p->max_memory)) && l.memory != 0)
        {
          r = brig_error (err, 0,
                          "update refused by policy rule BRIG-C010: memory above the policy's "
                          "limit of %" PRId64 " bytes (%s)",
                          p->max_memory, p->source);
          goto out;
        }
      if (l.pids > p->max_pids)
        {
          r = brig_error (err, 0,
                          "update refused by policy rule BRIG-C010: pids above the policy's limit "
                          "of %" PRId64 " (%s)",
                          p->max_pids, p->source);
          goto out;
        }
    }
  if (brig_oci_state_status (dir, &st) == BRIG_OCI_STOPPED)
    r = brig_error (err, 0, "container `%s` is not running", id);
  else
    r = brig_cgroup_update (st.cgroups_path, st.id, &l, err);
out:
  brig_policy_free (p);
  brig_oci_state_release (&st);
  return r;
}

/* events: statistics (runc's shape: data.cpu, data.memory, data.pids),
 * once with --stats, else every --interval until the container stops, with
 * an "oom" event when the memory controller kills. */
static json_t *
stats_json (const char *id, const struct brig_cgroup_stats *s)
{
  return json_pack ("{s:s, s:s, s:{s:{s:{s:I}}, s:{s:{s:I, s:I, s:I}}, s:{s:I, s:I}}}", "type",
                    "stats", "id", id, "data", "cpu", "usage", "total", (json_int_t)s->cpu_ns,
                    "memory", "usage", "usage", (json_int_t)s->memory, "limit",
                    (json_int_t)s->memory_limit, "max", (json_int_t)s->memory_max, "pids",
                    "current", (json_int_t)s->pids, "limit", (json_int_t)s->pids_limit);
}

static int
do_events (const struct verb_opts *o, const char *id, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  long ooms = -1;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  for (;;)
    {
      struct brig_cgroup_stats s;
      json_t *j;

      if (brig_oci_state_status (dir, &st) == BRIG_OCI_STOPPED)
        {
          if (o->stats)
            r = brig_error (err, 0, "container `%s` is not running", id);
          break;
        }
      if ((r = brig_cgroup_stats (st.cgroups_path, st.id, &s, err)) < 0)
        break;
      if (ooms >= 0 && s.oom_kills > ooms)
        {
          printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", st.id);
        }
      ooms = s.oom_kills;
      j = stats_json (st.id, &s);
      json_dumpf (j, stdout, JSON_COMPACT);
      putchar ('\n');
      fflush (stdout);
      json_decref (j);
      if (o->stats)
        break;
      sleep ((unsigned)(o->interval ? o->interval : 5));
    }
  brig_oci_state_release (&st);
  return r;
}

/* --- state, kill, list ------------------------------------------------------ */

static json_t *
state_json (const char *dir, const struct brig_oci_state *st)
{
  enum brig_oci_status s = brig_oci_state_status (dir, st);
  json_t *ann = brig_annotations_json (st->annotations);

  return json_pack ("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:o}", "ociVersion", OCI_SPEC_VERSION,
                    "id", st->id, "status", brig_oci_status_name (s), "pid",
                    s == BRIG_OCI_STOPPED ? 0 : (int)st->pid, "bundle", st->bundle, "rootfs",
                    st->rootfs, "created", st->created, "owner", "", "annotations", ann);
}

static int
do_state (const char *id, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  json_t *j;
  int r;

  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  j = state_json (dir, &st);
  json_dumpf (j, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  putchar ('\n');
  json_decref (j);
  brig_oci_state_release (&st);
  return 0;
}

static const struct
{
  const char *name;
  int sig;
} signals[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT }, { "ILL", SIGILL },
  { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },     { "IOT", SIGIOT },   { "BUS", SIGBUS },
  { "FPE", SIGFPE },   { "KILL", SIGKILL },     { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },     { "ALRM", SIGALRM }, { "TERM", SIGTERM },
  { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
  { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },   { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
  { "IO", SIGIO },     { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

static int
parse_signal (const char *s, struct brig_err *err)
{
  char *end;
  long n;

  if (isdigit ((unsigned char)*s))
    {
      n = strtol (s, &end, 10);
      if (*end == '\0' && n > 0 && n < NSIG)
        return (int)n;
    }
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < ARRAY_SIZE (signals); i++)
    if (strcasecmp (s, signals[i].name) == 0)
      return signals[i].sig;
  return brig_error (err, 0,
                     "unknown signal `%s`: expected a name such as TERM or SIGKILL, "
                     "or a number from 1 to %d",
                     s, NSIG - 1);
}

static int
do_kill (const char *id, const char *signame, bool all, struct brig_err *err)
{
  _cleanup_free_ char *dir = NULL;
  struct brig_oci_state st;
  enum brig_oci_status s;
  int sig = parse_signal (signame ? signame : "TERM", err), r;

  if (sig < 0)
    return sig;
  if ((r = load (id, &dir, &st, err)) < 0)
    return r;
  s = brig_oci_state_status (dir, &st);
  if (s == BRIG_OCI_STOPPED)
    r = brig_error (err, 0, "container `%s` is not running", id);
  else if (all)
    r = brig_cgroup_signal_all (st.cgroups_path, st.id, sig, err);
  else if ((r = brig_proc_signal (st.pid, st.start_time, sig)) < 0)
    r = brig_error (err, -r, "signal container `%s`", id);
  brig_oci_state_release (&st);
  return r;
}

static int
do_list (const struct verb_opts *o, struct brig_err *err)
{
  DIR *d = opendir (g.root);
  struct dirent *e;
  json_t *all = json_array ();
  bool json = o->format && strcmp (o->format, "json") == 0;

  if (d == NULL && errno != ENOENT)
    {
      json_decref (all);
      return brig_error (err, errno, "open `%s`", g.root);
    }
  if (!json && !o->quiet)
    printf ("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
  while (d && (e = readdir (d)))
    {
      _cleanup_free_ char *dir = NULL;
      struct brig_oci_state st;
      struct brig_err ignore = { 0 };
      json_t *j;

      if (e->d_name[0] == '.')
        continue;
      dir = container_dir (e->d_name);
      if (brig_oci_state_read (dir, &st, &ignore) < 0)
        {
          brig_err_release (&ignore);
          continue;
        }
      j = state_json (dir, &st);
      if (json)
        json_array_append (all, j);
      else if (o->quiet)
        printf ("%s\n", st.id);
      else
        printf ("%-24s %-8lld %-10s %-40s %s\n", st.id,
                json_integer_value (json_object_get (j, "pid")),
                json_string_value (json_object_get (j, "status")), st.bundle, st.created);
      json_decref (j);
      brig_oci_state_release (&st);
    }
  if (d)
    closedir (d);
  if (json)
    {
      json_dumpf (all, stdout, JSON_COMPACT);
      putchar ('\n');
    }
  json_decref (all);
  return 0;
}

/* --- spec, features, version ------------------------------------------------ */

static int
do_spec (const struct verb_opts *o, struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/config.json", o->bundle ? o->bundle : ".");
  struct brig_container *c = brig_container_new_hardened ();
  int fd, r;

  c->rootfs = xstrdup ("rootfs");
  strv_push (&c->argv, xstrdup ("sh"));
  c->hostname = xstrdup ("brig");
  c->terminal = true;
  brig_container_setenv (c, "TERM=xterm");
  if (o->rootless)
    {
      c->uidmap[0] = (struct brig_idmap){ 0, (uint32_t)geteuid (), 1 };
      c->gidmap[0] = (struct brig_idmap){ 0, (uint32_t)getegid (), 1 };
      c->limits = (struct brig_limits){ BRIG_UNLIMITED, BRIG_UNLIMITED, BRIG_UNLIMITED, 0, 0 };
    }
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      r = brig_error (err, errno, "%s", errno == EEXIST ? "" : "create");
      brig_err_release (err);
      r = errno == EEXIST ? brig_error (err, 0, "`%s` exists already: remove it first", path)
                          : brig_error (err, errno, "create `%s`", path);
      brig_container_free (c);
      return r;
    }
  r = brig_oci_spec_write (fd, c, err);
  if (close (fd) < 0 && r == 0)
    r = brig_error (err, errno, "write `%s`", path);
  if (r < 0)
    unlink (path);
  brig_container_free (c);
  return r;
}

static int
do_features (void)
{
  json_t *j = brig_oci_features ();
  json_dumpf (j, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  putchar ('\n');
  json_decref (j);
  return 0;
}

static void
print_version (void)
{
  printf ("brig-runtime version %s\ncommit: brig-%s\nspec: %s\n", BRIG_VERSION, BRIG_VERSION,
          OCI_SPEC_VERSION);
}

/* --- dispatch ---------------------------------------------------------------- */

/* What a verb is called with: its options, its operands, where an exit
 * status goes (run, exec), and the error. */
struct verb_call
{
  struct verb_opts *o;
  char **args;
  int n;
  int *status;
  struct brig_err *err;
};

static int
v_create (const struct verb_call *v)
{
  return do_create (v->o, v->args[0], v->err);
}

static int
v_run (const struct verb_call *v)
{
  return do_run (v->o, v->args[0], v->status, v->err);
}

static int
v_start (const struct verb_call *v)
{
  return do_start (v->args[0], v->err);
}

static int
v_exec (const struct verb_call *v)
{
  return do_exec (v->o, v->args, v->n, v->status, v->err);
}

static int
v_update (const struct verb_call *v)
{
  return do_update (v->o, v->args[0], v->err);
}

static int
v_events (const struct verb_call *v)
{
  return do_events (v->o, v->args[0], v->err);
}

static int
v_pause (const struct verb_call *v)
{
  return do_freeze (v->args[0], true, v->err);
}

static int
v_resume (const struct verb_call *v)
{
  return do_freeze (v->args[0], false, v->err);
}

static int
v_ps (const struct verb_call *v)
{
  return do_ps (v->o, v->args[0], v->err);
}

static int
v_state (const struct verb_call *v)
{
  return do_state (v->args[0], v->err);
}

static int
v_kill (const struct verb_call *v)
{
  return do_kill (v->args[0], v->n > 1 ? v->args[1] : NULL, v->o->all, v->err);
}

static int
v_delete (const struct verb_call *v)
{
  return do_delete (v->args[0], v->o->force, v->err);
}

static int
v_list (const struct verb_call *v)
{
  return do_list (v->o, v->err);
}

static int
v_spec (const struct verb_call *v)
{
  return do_spec (v->o, v->err);
}

static int
v_features (const struct verb_call *v)
{
  (void)v;
  return do_features ();
}

static const struct
{
  const char *name;
  int (*fn) (const struct verb_call *v);
  const struct brig_opt *opts;
  int min, max; /* operands */
  const char *summary;
} verbs[] = {
  { "create", v_create, create_opts, 1, 1, "create a container from a bundle; it waits for start" },
  { "start", v_start, no_opts, 1, 1, "start a created container" },
  { "run", v_run, create_opts, 1, 1, "create, start, wait for and delete a container" },
  { "state", v_state, no_opts, 1, 1, "print a container's OCI state" },
  { "pause", v_pause, no_opts, 1, 1, "freeze every process of a container" },
  { "update", v_update, update_opts, 1, 1, "change a running container's limits" },
  { "events", v_events, events_opts, 1, 1, "statistics of a container (--stats: once)" },
  { "resume", v_resume, no_opts, 1, 1, "thaw a paused container" },
  { "ps", v_ps, list_opts, 1, 4096, "list a container's processes (--format json: pids)" },
  { "exec", v_exec, exec_opts, 1, 4096, "run a new process in a running container" },
  { "kill", v_kill, kill_opts, 1, 2, "send a signal to a container (default TERM)" },
  { "delete", v_delete, delete_opts, 1, 1, "delete a stopped (or, with --force, any) container" },
  { "list", v_list, list_opts, 0, 0, "list the containers under --root" },
  { "spec", v_spec, spec_opts, 0, 0, "write a hardened config.json" },
  { "features", v_features, no_opts, 0, 0, "print the OCI features document" },
};

static const char *const unsupported_verbs[] = { "checkpoint", "restore" };

static void
runtime_usage (FILE *f)
{
  fputs ("Usage: brig-runtime [--root DIR] [--log FILE] [--log-format text|json] COMMAND "
         "[OPTIONS] ID\n\nThe OCI runtime command line of runc, with brig's sandbox.\n\n"
         "Commands:\n",
         f);
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    fprintf (f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
  fputs (
      "\nEvery bundle passes the policy gate: the file named by BRIG_POLICY, else\n" DEFAULT_POLICY
      ", else the built-in policy.  What it refuses, hardens and audits,\n"
      "and the device nodes it allows (\"allowed_devices\"), are in docs/policy.md.\n",
      f);
}

static int
g_root (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  if (arg[0] != '/')
    return brig_error (err, 0, "`%s`: expected an absolute path", arg);
  free (g.root);
  g.root = xstrdup (arg);
  return 0;
}

static int
g_log (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)err;
  free (g.log);
  g.log = xstrdup (arg);
  return 0;
}

static int
g_log_format (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  if (strcmp (arg, "json") != 0 && strcmp (arg, "text") != 0)
    return brig_error (err, 0, "`%s`: expected text or json", arg);
  g.log_json = strcmp (arg, "json") == 0;
  return 0;
}

static int
g_debug (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  g.debug = true;
  return 0;
}

static int
g_systemd_cgroup (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  return brig_error (err, 0,
                     "the systemd cgroup driver is not supported: brig manages "
                     "cgroupfs paths (use cgroupfs in the engine's settings)");
}

static int
g_rootless (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  if (strcmp (arg, "true") == 0 || strcmp (arg, "false") == 0 || strcmp (arg, "auto") == 0)
    return 0; /* brig decides from who runs it */
  return brig_error (err, 0, "`%s`: expected true, false or auto", arg);
}

static int
g_cgroup_manager (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  if (strcmp (arg, "cgroupfs") == 0 || strcmp (arg, "disabled") == 0)
    return 0;
  return brig_error (err, 0, "`%s`: brig supports the cgroupfs manager only", arg);
}

static bool version_requested, help_requested;

static int
g_help (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  help_requested = true;
  return 0;
}
static int
g_version (void *ctx, const char *arg, struct brig_err *err)
{
  (void)ctx;
  (void)arg;
  (void)err;
  version_requested = true;
  return 0;
}

static const struct brig_opt global_opts[] = {
  { 0, "root", "DIR", "where container state is kept (default /run/brig/oci)", g_root },
  { 0, "log", "FILE", "also write errors to FILE", g_log },
  { 0, "log-format", "FORMAT", "text or json", g_log_format },
  { 0, "debug", NULL, "accepted", g_debug },
  { 0, "systemd-cgroup", NULL, "refused: cgroupfs only", g_systemd_cgroup },
  { 0, "rootless", "BOOL", "accepted: brig knows who runs it", g_rootless },
  { 0, "cgroup-manager", "MANAGER", "cgroupfs (crun's flag)", g_cgroup_manager },
  { 'v', "version", NULL, "print the version", g_version },
  { 'h', "help", NULL, "show the commands", g_help },
  { 0, NULL, NULL, NULL, NULL },
};

int
cmd_runtime (int argc, char **argv)
{
  struct brig_err err = { 0 };
  struct verb_opts o = { 0 };
  char **args = NULL;
  const char *verb;
  int optind, n, r, status = 0;

  if (brig_opt_parse (global_opts, NULL, argc, argv, &optind, &err) < 0)
    return fail (&err);
  if (g.root == NULL)
    {
      _cleanup_free_ char *rundir = brig_runtime_dir ();
      g.root = xasprintf ("%s/oci", rundir);
    }
  if (version_requested || (optind < argc && strcmp (argv[optind], "version") == 0))
    {
      print_version ();
      return 0;
    }
  if (help_requested || optind >= argc || strcmp (argv[optind], "help") == 0)
    {
      runtime_usage (help_requested || optind < argc ? stdout : stderr);
      return help_requested || optind < argc ? 0 : 1;
    }
  verb = argv[optind];
  argc -= optind;
  argv += optind;
  for (size_t i = 0; i < ARRAY_SIZE (unsupported_verbs); i++)
    if (strcmp (verb, unsupported_verbs[i]) == 0)
      {
        brig_error (&err, 0, "`%s` is not supported by brig-runtime yet", verb);
        return fail (&err);
      }
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    if (strcmp (verb, verbs[i].name) == 0)
      {
        n = verb_args (verbs[i].opts, &o, argc, argv, verbs[i].min, verbs[i].max, &args, &err);
        if ((r = n) >= 0)
          r = verbs[i].fn (&(struct verb_call){ &o, args, n, &status, &err });
        goto done;
      }
  r = brig_error (&err, 0, "unknown command `%s` (see brig-runtime --help)", verb);
done:
  verb_opts_release (&o);
  if (r < 0)
    {
      int s = fail (&err);
      return status ? status : s; /* exec: 126/127 when the command could not run */
    }
  return status;
}
