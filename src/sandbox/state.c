/* The runtime record of a running container: <runtime dir>/<id>.json, and
 * <runtime dir>/names/<name> holding the id while the name is taken. */
#include "sandbox/internal.h"
#include "sandbox/sandbox.h"
#include "sandbox/state.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/unixsock.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/file.h>
#include <unistd.h>

static int
ensure_dir (const char *dir, struct brig_err *err)
{
  struct stat st;
  int r = brig_mkdir_p (dir, 0700, err);

  if (r < 0)
    return r;
  if (lstat (dir, &st) < 0)
    return brig_error (err, errno, "stat `%s`", dir);
  if (!S_ISDIR (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 022))
    return brig_error (err, 0,
                       "`%s` must be a directory owned by uid %u and writable "
                       "by no one else",
                       dir, (unsigned)geteuid ());
  return 0;
}

int
brig_state_claim_name (const char *dir, const char *name, const char *id, int *ret_fd,
                       char **ret_path, struct brig_err *err)
{
  _cleanup_free_ char *names = xasprintf ("%s/names", dir);
  _cleanup_free_ char *path = xasprintf ("%s/%s", names, name);
  int r;

  if ((r = ensure_dir (names, err)) < 0)
    return r;
  /* The claim is an flock held for the container's life (the cleaner
   * shares it): a name whose file is not locked is free, whatever the file
   * says.  The file must still be the one at PATH once locked. */
  for (int attempt = 0; attempt < 8; attempt++)
    {
      _cleanup_close_ int fd
          = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
      struct stat a, b;

      if (fd < 0)
        return brig_error (err, errno, "claim the name `%s`: `%s`", name, path);
      if (flock (fd, LOCK_EX | LOCK_NB) < 0)
        {
          _cleanup_free_ char *owner = NULL;
          struct brig_err e = { 0 };
          if (errno != EWOULDBLOCK)
            return brig_error (err, errno, "lock `%s`", path);
          brig_read_fd (fd, path, 256, &owner, NULL, &e);
          brig_err_release (&e);
          return brig_error (err, 0, "the name `%s` is already in use by container %.12s", name,
                             owner ? owner : "?");
        }
      if (fstat (fd, &a) < 0 || stat (path, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
        continue; /* unlinked by its last owner meanwhile: try again */
      if (ftruncate (fd, 0) < 0 || brig_write_all (fd, id, strlen (id)) < 0)
        return brig_error (err, errno, "write `%s`", path);
      *ret_fd = steal_fd (&fd);
      *ret_path = steal_pointer (&path);
      return 0;
    }
  return brig_error (err, EAGAIN, "claim the name `%s`", name);
}

/* Write J (taken) to TMP, then rename it over PATH: a reader sees the old
 * state or the new one, never half of it. */
static int
dump_atomically (json_t *j, const char *tmp, const char *path, struct brig_err *err)
{
  int r = json_dump_file (j, tmp, JSON_COMPACT);

  json_decref (j);
  if (r < 0 || rename (tmp, path) < 0)
    {
      r = brig_error (err, errno, "write state `%s`", path);
      unlink (tmp);
      return r;
    }
  return 0;
}

char *
brig_state_path (const char *dir, const char *id)
{
  return xasprintf ("%s/%s.json", dir, id);
}

int
brig_state_write (const char *dir, const struct brig_container *c, pid_t pid, pid_t brig_pid,
                  const char *cgroup_mode, struct brig_err *err)
{
  _cleanup_free_ char *path = brig_state_path (dir, c->id);
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp", path);
  json_t *j;
  int r;

  if ((r = ensure_dir (dir, err)) < 0)
    return r;
  j = json_pack ("{s:s, s:s?, s:s, s:s, s:i, s:I, s:i, s:I, s:s, s:b}", "id", c->id, "name",
                 c->name, "image", c->image, "rootfs", c->rootfs, "pid", (int)pid, "start_time",
                 (json_int_t)brig_proc_start_time (pid), "brig_pid", (int)brig_pid, "created",
                 (json_int_t)time (NULL), "cgroup", cgroup_mode, "rootless", c->rootless);
  if (j == NULL)
    return brig_error (err, ENOMEM, "state of container %s", c->id);
  {
    json_t *vols = json_array ();
    for (size_t i = 0; i < c->nmounts; i++)
      if (c->mounts[i].volume)
        json_array_append_new (vols, json_string (c->mounts[i].volume));
    json_object_set_new (j, "volumes", vols);
  }
  return dump_atomically (j, tmp, path, err);
}

char **
brig_state_volume_users (const char *dir, const char *volume)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  char **users = NULL;

  while (d && (e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *path = NULL;
      json_t *j, *vols, *v;
      json_int_t pid = 0;
      const char *id = NULL, *name = NULL;
      size_t i;
      bool uses = false;

      if (!str_has_suffix (e->d_name, ".json") || e->d_name[0] == '.')
        continue;
      path = xasprintf ("%s/%s", dir, e->d_name);
      if ((j = json_load_file (path, 0, NULL)) == NULL)
        continue;
      vols = json_object_get (j, "volumes");
      json_array_foreach (vols, i, v) uses
          |= json_is_string (v) && strcmp (json_string_value (v), volume) == 0;
      id = json_string_value (json_object_get (j, "id"));
      name = json_string_value (json_object_get (j, "name"));
      pid = json_integer_value (json_object_get (j, "pid"));
      if (id && uses && pid > 0 && kill ((pid_t)pid, 0) == 0)
        strv_push (&users, name ? xasprintf ("%.12s (%s)", id, name) : xasprintf ("%.12s", id));
      json_decref (j);
    }
  if (d)
    closedir (d);
  return users;
}

static const char *const status_names[] = {
  [BRIG_OCI_CREATING] = "creating", [BRIG_OCI_CREATED] = "created", [BRIG_OCI_RUNNING] = "running",
  [BRIG_OCI_PAUSED] = "paused",     [BRIG_OCI_STOPPED] = "stopped",
};

const char *
brig_oci_status_name (enum brig_oci_status s)
{
  return status_names[s];
}

int
brig_proc_signal (pid_t pid, unsigned long long start_time, int sig)
{
  int pidfd = (int)syscall (SYS_pidfd_open, pid, 0), r = 0;

  if (pidfd < 0)
    return -errno;
  if (start_time && brig_proc_start_time (pid) != start_time)
    r = -ESRCH;
  else if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    r = -errno;
  close (pidfd);
  return r;
}

int
brig_proc_send_pidfd (pid_t pid, unsigned long long start_time, const char *socket_path,
                      struct brig_err *err)
{
  _cleanup_close_ int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  _cleanup_close_ int sock = -1;
  int r;

  if (pidfd < 0)
    return brig_error (err, errno, "pidfd of process %d", (int)pid);
  if (start_time && brig_proc_start_time (pid) != start_time)
    return brig_error (err, ESRCH, "pidfd of process %d: it is gone", (int)pid);
  if ((sock = brig_unix_connect (socket_path, "pidfd socket", err)) < 0)
    return sock;
  if ((r = brig_send_fd (sock, "pidfd", 5, pidfd)) < 0)
    return brig_error (err, -r, "send the pidfd to `%s`", socket_path);
  return 0;
}

int
brig_proc_wait_exit (pid_t pid, unsigned long long start_time, int timeout_ms)
{
  int pidfd = (int)syscall (SYS_pidfd_open, pid, 0), r;
  struct pollfd p;

  if (pidfd < 0)
    return errno == ESRCH ? 0 : -errno;
  if (start_time && brig_proc_start_time (pid) != start_time)
    {
      close (pidfd);
      return 0; /* another process now */
    }
  /* Readable once the process has exited, zombie or not. */
  p = (struct pollfd){ pidfd, POLLIN, 0 };
  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  close (pidfd);
  return r > 0 ? 0 : r == 0 ? -ETIMEDOUT : -errno;
}

unsigned long long
brig_proc_start_time (pid_t pid)
{
  char path[64];
  _cleanup_free_ char *buf = NULL;
  struct brig_err err = { 0 };
  unsigned long long t = 0;
  char *p;

  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  if (brig_read_file (path, 4096, &buf, NULL, &err) < 0)
    {
      brig_err_release (&err);
      return 0;
    }
  /* The command may contain anything; fields resume after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL
      || sscanf (p + 2,
                 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
                 "%*d %*d %llu",
                 &t)
             != 1)
    return 0;
  return t;
}

json_t *
brig_annotations_json (char *const *kv)
{
  json_t *ann = json_object ();

  for (size_t i = 0; kv && kv[i]; i++)
    {
      const char *eq = strchr (kv[i], '=');
      _cleanup_free_ char *k = eq ? xstrndup (kv[i], (size_t)(eq - kv[i])) : xstrdup (kv[i]);
      json_object_set_new (ann, k, json_string (eq ? eq + 1 : ""));
    }
  return ann;
}

static json_t *
hooks_json (const struct brig_hook *h, size_t n)
{
  json_t *a = json_array ();

  for (size_t i = 0; i < n; i++)
    {
      json_t *o = json_pack ("{s:s}", "path", h[i].path);
      json_t *args = json_array (), *env = json_array ();
      for (size_t k = 0; h[i].args && h[i].args[k]; k++)
        json_array_append_new (args, json_string (h[i].args[k]));
      for (size_t k = 0; h[i].env && h[i].env[k]; k++)
        json_array_append_new (env, json_string (h[i].env[k]));
      json_object_set_new (o, "args", args);
      if (h[i].env)
        json_object_set_new (o, "env", env);
      else
        json_decref (env);
      if (h[i].timeout > 0)
        json_object_set_new (o, "timeout", json_integer (h[i].timeout));
      json_array_append_new (a, o);
    }
  return a;
}

static char **
strv_from_json (json_t *a)
{
  char **v = NULL;
  size_t i;
  json_t *e;

  if (!json_is_array (a))
    return NULL;
  v = xcalloc (json_array_size (a) + 1, sizeof *v);
  json_array_foreach (a, i, e) v[i] = xstrdup (json_is_string (e) ? json_string_value (e) : "");
  return v;
}

/* What hooks_json wrote (brig wrote it; a hand-edited state only loses
 * what it broke). */
static void
hooks_from_json (json_t *a, struct brig_hook **ret, size_t *ret_n)
{
  size_t i;
  json_t *o;

  *ret = NULL;
  *ret_n = 0;
  if (!json_is_array (a) || json_array_size (a) == 0)
    return;
  *ret = xcalloc (json_array_size (a), sizeof **ret);
  json_array_foreach (a, i, o)
  {
    json_t *path = json_object_get (o, "path");
    if (!json_is_string (path))
      continue;
    (*ret)[*ret_n].path = xstrdup (json_string_value (path));
    (*ret)[*ret_n].args = strv_from_json (json_object_get (o, "args"));
    (*ret)[*ret_n].env = strv_from_json (json_object_get (o, "env"));
    (*ret)[*ret_n].timeout = (int)json_integer_value (json_object_get (o, "timeout"));
    (*ret_n)++;
  }
}

int
brig_oci_state_write (const char *dir, const struct brig_oci_state *st, struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/state.json", dir);
  _cleanup_free_ char *tmp = xasprintf ("%s/.state.json.tmp", dir);
  json_t *ann = brig_annotations_json (st->annotations);
  json_t *j;

  j = json_pack ("{s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:o}", "ociVersion", "1.2.0", "id", st->id,
                 "pid", (int)st->pid, "start_time", (json_int_t)st->start_time, "bundle",
                 st->bundle, "rootfs", st->rootfs, "created", st->created, "annotations", ann);
  if (j == NULL)
    return brig_error (err, ENOMEM, "state of container %s", st->id);
  if (st->cgroups_path)
    json_object_set_new (j, "cgroups_path", json_string (st->cgroups_path));
  if (st->npoststart || st->npoststop)
    json_object_set_new (j, "hooks",
                         json_pack ("{s:o, s:o}", "poststart",
                                    hooks_json (st->poststart, st->npoststart), "poststop",
                                    hooks_json (st->poststop, st->npoststop)));
  return dump_atomically (j, tmp, path, err);
}

int
brig_oci_state_read (const char *dir, struct brig_oci_state *ret, struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/state.json", dir);
  json_error_t jerr;
  json_t *j = json_load_file (path, 0, &jerr);
  json_t *ann;
  const char *id = NULL, *bundle = NULL, *rootfs = NULL, *created = NULL, *cg = NULL;
  int pid = 0;
  json_int_t start = 0;

  memset (ret, 0, sizeof *ret);
  if (j == NULL)
    {
      if (access (path, F_OK) < 0 && errno == ENOENT)
        return brig_error (err, ENOENT, "state `%s`", path), -ENOENT;
      return brig_error (err, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    }
  if (json_unpack (j, "{s:s, s:i, s?I, s:s, s:s, s:s, s?s}", "id", &id, "pid", &pid, "start_time",
                   &start, "bundle", &bundle, "rootfs", &rootfs, "created", &created,
                   "cgroups_path", &cg)
      < 0)
    {
      json_decref (j);
      return brig_error (err, 0, "%s: not a brig container state", path);
    }
  ret->id = xstrdup (id);
  ret->pid = pid;
  ret->start_time = (unsigned long long)start;
  ret->bundle = xstrdup (bundle);
  ret->rootfs = xstrdup (rootfs);
  ret->created = xstrdup (created);
  ret->cgroups_path = cg ? xstrdup (cg) : NULL;
  hooks_from_json (json_object_get (json_object_get (j, "hooks"), "poststart"), &ret->poststart,
                   &ret->npoststart);
  hooks_from_json (json_object_get (json_object_get (j, "hooks"), "poststop"), &ret->poststop,
                   &ret->npoststop);
  ann = json_object_get (j, "annotations");
  if (json_is_object (ann))
    {
      const char *k;
      json_t *v;
      json_object_foreach (ann, k, v) if (json_is_string (v))
          strv_push (&ret->annotations, xasprintf ("%s=%s", k, json_string_value (v)));
    }
  json_decref (j);
  return 0;
}

void
brig_oci_state_release (struct brig_oci_state *st)
{
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->cgroups_path);
  strv_free (st->annotations);
  brig_hooks_free (st->poststart, st->npoststart);
  brig_hooks_free (st->poststop, st->npoststop);
  memset (st, 0, sizeof *st);
}

enum brig_oci_status
brig_oci_state_status (const char *dir, const struct brig_oci_state *st)
{
  _cleanup_free_ char *fifo = xasprintf ("%s/exec.fifo", dir);
  unsigned long long t = st->pid > 0 ? brig_proc_start_time (st->pid) : 0;
  char state = 0;

  if (t == 0 || (st->start_time && t != st->start_time))
    return BRIG_OCI_STOPPED;
  /* A zombie has exited: stopped, though not yet reaped. */
  {
    char path[64];
    _cleanup_free_ char *buf = NULL;
    struct brig_err err = { 0 };
    snprintf (path, sizeof path, "/proc/%d/stat", (int)st->pid);
    if (brig_read_file (path, 4096, &buf, NULL, &err) == 0 && strrchr (buf, ')'))
      state = strrchr (buf, ')')[2];
    brig_err_release (&err);
  }
  if (state == 'Z' || state == 'X')
    return BRIG_OCI_STOPPED;
  if (access (fifo, F_OK) == 0)
    return BRIG_OCI_CREATED;
  return brig_cgroup_frozen (st->cgroups_path, st->id) ? BRIG_OCI_PAUSED : BRIG_OCI_RUNNING;
}

static int
state_find (const char *dir, const char *ref, pid_t *ret_pid, unsigned long long *ret_start,
            struct brig_err *err)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int found = 0;
  size_t rlen = strlen (ref);

  if (d == NULL)
    return brig_error (err, 0, "no running container `%s`", ref);
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *path = NULL;
      json_t *j;
      const char *id, *name;
      size_t n = strlen (e->d_name);

      if (n < 6 || strcmp (e->d_name + n - 5, ".json") != 0)
        continue;
      path = xasprintf ("%s/%s", dir, e->d_name);
      if ((j = json_load_file (path, 0, NULL)) == NULL)
        continue;
      id = json_string_value (json_object_get (j, "id"));
      name = json_string_value (json_object_get (j, "name"));
      if ((id && rlen >= 4 && strncmp (id, ref, rlen) == 0) || (name && strcmp (name, ref) == 0))
        {
          *ret_pid = (pid_t)json_integer_value (json_object_get (j, "pid"));
          *ret_start = (unsigned long long)json_integer_value (json_object_get (j, "start_time"));
          found++;
        }
      json_decref (j);
    }
  closedir (d);
  if (found > 1)
    return brig_error (err, 0, "`%s` names %d containers: give more of the id", ref, found);
  if (found == 0 || *ret_pid <= 0 || kill (*ret_pid, 0) < 0)
    return brig_error (err, 0, "no running container `%s` (an id of 4 digits or more, or a name)",
                       ref);
  return 0;
}

int
brig_state_find (const char *dir, const char *ref, pid_t *ret_pid, struct brig_err *err)
{
  unsigned long long start;
  return state_find (dir, ref, ret_pid, &start, err);
}

int
brig_state_peer_netns (const char *dir, const char *ref, struct brig_err *err)
{
  unsigned long long start = 0;
  pid_t pid = 0;
  char path[64];
  int fd, r;

  if ((r = state_find (dir, ref, &pid, &start, err)) < 0)
    return r;
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int)pid);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return brig_error (err, errno, "open `%s`", path);
  /* Checked after the open: a pid reused before it shows another start. */
  if (start == 0 || brig_proc_start_time (pid) != start)
    r = brig_error (err, 0,
                    "container `%s`: its pid %d is no longer its process (%s); is it still "
                    "running?",
                    ref, (int)pid,
                    start ? "another started since" : "its record has no start time");
  else if (brig_ns_is_host_netns (fd))
    r = brig_error (err, 0,
                    "container `%s`: pid %d is in the host's network namespace (or brig's own), "
                    "not a container's: refused",
                    ref, (int)pid);
  if (r < 0)
    {
      close (fd);
      return r;
    }
  return fd;
}
