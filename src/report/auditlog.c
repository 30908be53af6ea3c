#include "report/auditlog.h"
#include "report/oci_spec.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
brig_auditlog_open (const char *path, struct brig_auditlog *ret, struct brig_err *err)
{
  _cleanup_free_ char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  int r;

  if (slash && slash != dir)
    {
      *slash = '\0';
      if ((r = brig_mkdir_p (dir, 0700, err)) < 0)
        return brig_err_wrap (err, "audit log `%s`", path);
    }
  ret->fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (ret->fd < 0)
    return brig_error (err, errno, "open audit log `%s`", path);
  ret->path = xstrdup (path);
  return 0;
}

void
brig_auditlog_close (struct brig_auditlog *log)
{
  if (log->fd >= 0)
    close (log->fd);
  log->fd = -1;
  free (log->path);
  log->path = NULL;
}

static json_t *
event (const char *name, const struct brig_container *c)
{
  struct timespec ts;
  struct tm tm;
  char when[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  return json_pack ("{s:s+, s:s, s:s, s:s?, s:s}", "time", when, "Z", "event", name, "id", c->id,
                    "name", c->name, "image", c->image);
}

static int
emit (struct brig_auditlog *log, json_t *j)
{
  char *line;
  int r;

  if (j == NULL)
    return -ENOMEM;
  line = json_dumps (j, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref (j);
  if (line == NULL)
    return -ENOMEM;
  {
    _cleanup_free_ char *full = xasprintf ("%s\n", line);
    free (line);
    r = brig_write_all (log->fd, full, strlen (full));
  }
  return r;
}

int
brig_audit_created (struct brig_auditlog *log, const struct brig_container *c)
{
  json_t *j = event ("created", c);
  size_t n;
  struct brig_relaxation *rel = brig_container_relaxations (c, &n);
  json_t *argv = json_array ();

  for (size_t i = 0; c->argv && c->argv[i]; i++)
    json_array_append_new (argv, json_string (c->argv[i]));
  json_object_set_new (j, "rootfs", json_string (c->rootfs));
  json_object_set_new (j, "argv", argv);
  json_object_set_new (j, "user", json_sprintf ("%u:%u", (unsigned)c->uid, (unsigned)c->gid));
  json_object_set_new (j, "rootless", json_boolean (c->rootless));
  json_object_set_new (j, "relaxations", json_integer ((json_int_t)n));
  brig_relaxations_free (rel, n);
  return emit (log, j);
}

int
brig_audit_relaxations (struct brig_auditlog *log, const struct brig_container *c)
{
  size_t n;
  struct brig_relaxation *rel = brig_container_relaxations (c, &n);
  int r = 0;

  for (size_t i = 0; i < n && r == 0; i++)
    {
      json_t *j = event ("relaxation", c);
      json_object_set_new (j, "kind", json_string (rel[i].kind));
      json_object_set_new (j, "detail", json_string (rel[i].detail));
      r = emit (log, j);
    }
  brig_relaxations_free (rel, n);
  return r;
}

int
brig_audit_started (struct brig_auditlog *log, const struct brig_container *c, pid_t pid)
{
  json_t *j = event ("started", c);
  json_object_set_new (j, "pid", json_integer (pid));
  return emit (log, j);
}

int
brig_audit_exited (struct brig_auditlog *log, const struct brig_container *c, int status,
                   bool oom_killed, const char *reason)
{
  json_t *j = event ("exited", c);

  if (status >= 0 && WIFEXITED (status))
    json_object_set_new (j, "status", json_integer (WEXITSTATUS (status)));
  else if (status >= 0 && WIFSIGNALED (status))
    {
      json_object_set_new (j, "status", json_integer (128 + WTERMSIG (status)));
      json_object_set_new (j, "signal", json_integer (WTERMSIG (status)));
    }
  json_object_set_new (j, "oom_killed", json_boolean (oom_killed));
  if (reason)
    json_object_set_new (j, "reason", json_string (reason));
  return emit (log, j);
}

int
brig_audit_image_ran (struct brig_auditlog *log, const struct brig_container *c,
                      const struct brig_audit_image_info *info)
{
  json_t *j = event ("image", c);
  json_object_set_new (j, "ref", json_string (info->ref));
  json_object_set_new (j, "digest", json_string (info->digest));
  json_object_set_new (j, "image_id", json_string (info->image_id));
  json_object_set_new (j, "pinned", json_boolean (info->pinned));
  if (info->exposed_ports)
    json_object_set_new (j, "exposed_ports", brig_strv_json (info->exposed_ports));
  if (info->healthcheck)
    json_object_set_new (j, "healthcheck", brig_strv_json (info->healthcheck));
  return emit (log, j);
}

int
brig_audit_decision (struct brig_auditlog *log, const struct brig_container *c, const char *rule,
                     const char *action, const char *detail)
{
  json_t *j = event ("policy", c);
  json_object_set_new (j, "rule", json_string (rule));
  json_object_set_new (j, "action", json_string (action));
  json_object_set_new (j, "detail", json_string (detail));
  return emit (log, j);
}
