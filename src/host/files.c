/* Docker's and containerd's files as the CIS Docker Benchmark wants them:
 * owned by root with at most a given mode (section 3), and watched by
 * auditd (section 1.1).  Only what is there is judged; a missing file is
 * neither a finding nor an error. */
#include "host/machine.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Section 3: the files with a fixed place.  systemd units are looked for
 * where distributions and administrators put them. */
static const struct
{
  const char *path, *cis;
  unsigned max_mode;
} owned[] = {
  { "/lib/systemd/system/docker.service", "3.1, 3.2", 0644 },
  { "/usr/lib/systemd/system/docker.service", "3.1, 3.2", 0644 },
  { "/etc/systemd/system/docker.service", "3.1, 3.2", 0644 },
  { "/lib/systemd/system/docker.socket", "3.3, 3.4", 0644 },
  { "/usr/lib/systemd/system/docker.socket", "3.3, 3.4", 0644 },
  { "/etc/systemd/system/docker.socket", "3.3, 3.4", 0644 },
  { "/etc/docker", "3.5, 3.6", 0755 },
  { "/etc/default/docker", "3.19, 3.20", 0644 },
  { "/etc/sysconfig/docker", "3.21, 3.22", 0644 },
  { "/run/containerd/containerd.sock", "3.23, 3.24", 0660 },
};

/* daemon.json's TLS files (3.9-3.14). */
static const struct
{
  const char *key, *cis;
  unsigned max_mode;
} tls_files[] = {
  { "tlscacert", "3.9, 3.10", 0444 },
  { "tlscert", "3.11, 3.12", 0444 },
  { "tlskey", "3.13, 3.14", 0400 },
};

/* Section 1.1.3-1.1.18: what auditd should watch.  Debian installs the
 * daemons in /usr/sbin, others in /usr/bin. */
static const struct
{
  const char *path, *cis;
} watched[] = {
  { "/usr/bin/dockerd", "1.1.3" },
  { "/usr/sbin/dockerd", "1.1.3" },
  { "/run/containerd", "1.1.4" },
  { "/var/lib/docker", "1.1.5" },
  { "/etc/docker", "1.1.6" },
  { "/lib/systemd/system/docker.service", "1.1.7" },
  { "/usr/lib/systemd/system/docker.service", "1.1.7" },
  { "/run/containerd/containerd.sock", "1.1.8" },
  { "/lib/systemd/system/docker.socket", "1.1.9" },
  { "/usr/lib/systemd/system/docker.socket", "1.1.9" },
  { "/etc/default/docker", "1.1.10" },
  { "/etc/docker/daemon.json", "1.1.11" },
  { "/etc/containerd/config.toml", "1.1.12" },
  { "/etc/sysconfig/docker", "1.1.13" },
  { "/usr/bin/containerd", "1.1.14" },
  { "/usr/bin/containerd-shim", "1.1.15" },
  { "/usr/bin/containerd-shim-runc-v1", "1.1.16" },
  { "/usr/bin/containerd-shim-runc-v2", "1.1.17" },
  { "/usr/bin/runc", "1.1.18" },
  { "/usr/sbin/runc", "1.1.18" },
};

/* The files seen, by device and inode: with /lib a link to /usr/lib (a
 * merged /usr), one unit file is found at two paths. */
struct seen
{
  dev_t *dev;
  ino_t *ino;
  size_t n;
};

static bool
seen_before (struct seen *s, const struct stat *st)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->dev[i] == st->st_dev && s->ino[i] == st->st_ino)
      return true;
  s->dev = xreallocarray (s->dev, s->n + 1, sizeof *s->dev);
  s->ino = xreallocarray (s->ino, s->n + 1, sizeof *s->ino);
  s->dev[s->n] = st->st_dev;
  s->ino[s->n++] = st->st_ino;
  return false;
}

static void
seen_release (struct seen *s)
{
  free (s->dev);
  free (s->ino);
}

/* FULL (taken), when it is there: a link is judged by what it points to. */
static void
add_owned (struct brig_host_files *fs, struct seen *seen, char *full, const char *cis,
           unsigned max_mode)
{
  struct stat st;

  if (stat (full, &st) < 0 || seen_before (seen, &st))
    {
      free (full);
      return;
    }
  fs->owned = xreallocarray (fs->owned, fs->nowned + 1, sizeof *fs->owned);
  fs->owned[fs->nowned++] = (struct brig_host_file){
    full, cis, st.st_uid, st.st_gid, st.st_mode & 07777, max_mode,
  };
}

/* /etc/docker/certs.d/REGISTRY/FILE (3.7, 3.8). */
static void
add_registry_certs (const char *root, struct brig_host_files *fs, struct seen *seen)
{
  _cleanup_free_ char *top = xasprintf ("%s/etc/docker/certs.d", root);
  struct dirent **regs = NULL;
  int n = scandir (top, &regs, NULL, alphasort);

  for (int i = 0; i < n; i++)
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", top, regs[i]->d_name);
      struct dirent **certs = NULL;
      int m = regs[i]->d_name[0] == '.' ? -1 : scandir (dir, &certs, NULL, alphasort);

      for (int k = 0; k < m; k++)
        {
          if (certs[k]->d_name[0] != '.')
            add_owned (fs, seen, xasprintf ("%s/%s", dir, certs[k]->d_name), "3.7, 3.8", 0444);
          free (certs[k]);
        }
      free (certs);
      free (regs[i]);
    }
  free (regs);
}

static void
add_tls_files (const char *root, const char *daemon_json, struct brig_host_files *fs,
               struct seen *seen)
{
  json_t *j = daemon_json ? json_load_file (daemon_json, 0, NULL) : NULL;

  for (size_t i = 0; j && json_is_object (j) && i < ARRAY_SIZE (tls_files); i++)
    {
      const char *p = json_string_value (json_object_get (j, tls_files[i].key));
      if (p && p[0] == '/')
        add_owned (fs, seen, xasprintf ("%s%s", root, p), tls_files[i].cis, tls_files[i].max_mode);
    }
  json_decref (j);
}

/* The paths an audit rules file names: `-w PATH` and `-F dir=PATH`
 * (a tree) into DIRS, `-F path=PATH` (one file) into FILES. */
static void
read_audit_rules (const char *full, char ***dirs, char ***files)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  size_t len;
  char *save = NULL;

  if (brig_read_file (full, 1 << 20, &buf, &len, &e) < 0)
    {
      brig_err_release (&e);
      return;
    }
  for (char *line = strtok_r (buf, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *ws = NULL, *prev = NULL;
      for (char *t = strtok_r (line, " \t\r", &ws); t && t[0] != '#';
           prev = t, t = strtok_r (NULL, " \t\r", &ws))
        if (prev && strcmp (prev, "-w") == 0)
          strv_push (dirs, xstrdup (t));
        else if (prev && strcmp (prev, "-F") == 0 && str_has_prefix (t, "dir="))
          strv_push (dirs, xstrdup (t + 4));
        else if (prev && strcmp (prev, "-F") == 0 && str_has_prefix (t, "path="))
          strv_push (files, xstrdup (t + 5));
    }
}

/* Is PATH named by FILES, or inside one of DIRS? */
static bool
is_watched (const char *path, char **dirs, char **files)
{
  for (size_t i = 0; files && files[i]; i++)
    if (strcmp (files[i], path) == 0)
      return true;
  for (size_t i = 0; dirs && dirs[i]; i++)
    {
      size_t n = strlen (dirs[i]);
      while (n > 1 && dirs[i][n - 1] == '/')
        n--;
      if (strncmp (dirs[i], path, n) == 0 && (path[n] == '\0' || path[n] == '/'))
        return true;
    }
  return false;
}

static void
read_watches (const char *root, struct brig_host_files *fs)
{
  _cleanup_strv_ char **dirs = NULL, **files = NULL;
  _cleanup_free_ char *main_rules = xasprintf ("%s/etc/audit/audit.rules", root);
  _cleanup_free_ char *rules_d = xasprintf ("%s/etc/audit/rules.d", root);
  struct dirent **ents = NULL;
  struct seen seen = { 0 };
  bool docker = false;
  struct stat st;
  int n;

  for (size_t i = 0; i < ARRAY_SIZE (watched) && !docker; i++)
    if (strstr (watched[i].path, "bin/dockerd") || strstr (watched[i].path, "bin/containerd"))
      {
        _cleanup_free_ char *full = xasprintf ("%s%s", root, watched[i].path);
        docker = lstat (full, &st) == 0;
      }
  if (!docker)
    return;
  snprintf (fs->audit_source, sizeof fs->audit_source, "host:auditd");
  if (lstat (main_rules, &st) == 0)
    {
      fs->audit_rules = true;
      snprintf (fs->audit_source, sizeof fs->audit_source, "%s", main_rules);
      read_audit_rules (main_rules, &dirs, &files);
    }
  n = scandir (rules_d, &ents, NULL, alphasort);
  for (int i = 0; i < n; i++)
    {
      if (str_has_suffix (ents[i]->d_name, ".rules"))
        {
          _cleanup_free_ char *f = xasprintf ("%s/%s", rules_d, ents[i]->d_name);
          if (!fs->audit_rules)
            snprintf (fs->audit_source, sizeof fs->audit_source, "%s", f);
          fs->audit_rules = true;
          read_audit_rules (f, &dirs, &files);
        }
      free (ents[i]);
    }
  free (ents);
  for (size_t i = 0; i < ARRAY_SIZE (watched); i++)
    {
      _cleanup_free_ char *full = xasprintf ("%s%s", root, watched[i].path);
      bool w = is_watched (watched[i].path, dirs, files);
      if (stat (full, &st) < 0)
        continue;
      if (seen_before (&seen, &st))
        {
          /* Another name of a file listed already (its entry is the
             seen one's): a rule on either name will do. */
          for (size_t k = 0; k < seen.n; k++)
            if (seen.dev[k] == st.st_dev && seen.ino[k] == st.st_ino)
              fs->watch[k].watched |= w;
          continue;
        }
      fs->watch = xreallocarray (fs->watch, fs->nwatch + 1, sizeof *fs->watch);
      fs->watch[fs->nwatch++] = (struct brig_host_watch){
        xstrdup (watched[i].path),
        watched[i].cis,
        w,
      };
    }
  seen_release (&seen);
}

void
brig_host_read_files (const struct brig_host_paths *p, const char *daemon_json,
                      struct brig_host_files *fs)
{
  struct seen seen = { 0 };

  memset (fs, 0, sizeof *fs);
  for (size_t i = 0; i < ARRAY_SIZE (owned); i++)
    add_owned (fs, &seen, xasprintf ("%s%s", p->root, owned[i].path), owned[i].cis,
               owned[i].max_mode);
  if (daemon_json)
    add_owned (fs, &seen, xstrdup (daemon_json), "3.17, 3.18", 0644);
  add_registry_certs (p->root, fs, &seen);
  add_tls_files (p->root, daemon_json, fs, &seen);
  seen_release (&seen);
  read_watches (p->root, fs);
}
