/* Podman's and containerd's configuration files: the few keys the host
 * rules read, from TOML read line by line (sections, `key = value`, arrays
 * over several lines), each with its file, line and column. */
#include "host/machine.h"
#include "util/cleanup.h"
#include "util/mem.h"

#include <dirent.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct want
{
  const char *section, *key;
  struct brig_host_setting *into;
};

static char *
trim (char *s)
{
  char *e;
  while (*s == ' ' || *s == '\t')
    s++;
  e = s + strlen (s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
    *--e = '\0';
  return s;
}

/* VALUE without its quotes and a trailing comment. */
static char *
unquote (const char *v)
{
  if (v[0] == '"' || v[0] == '\'')
    {
      const char *end = strchr (v + 1, v[0]);
      return xstrndup (v + 1, end ? (size_t)(end - v - 1) : strlen (v + 1));
    }
  return xstrndup (v, strcspn (v, "#"));
}

/* Read PATH; the keys of WANT it sets replace what an earlier file set.
 * False when PATH cannot be opened. */
static bool
read_toml (const char *root, const char *path, const struct want *want, size_t n)
{
  _cleanup_free_ char *full = xasprintf ("%s%s", root, path);
  _cleanup_fclose_ FILE *f = fopen (full, "re");
  _cleanup_free_ char *line = NULL, *section = xstrdup ("");
  size_t cap = 0;
  int no = 0;

  if (f == NULL)
    return false;
  while (getline (&line, &cap, f) > 0)
    {
      char *s = trim (line), *eq;
      no++;
      if (s[0] == '#' || s[0] == '\0')
        continue;
      if (s[0] == '[')
        {
          char *end = strrchr (s, ']');
          free (section);
          section = xstrndup (s + 1, end ? (size_t)(end - s - 1) : strlen (s + 1));
          continue;
        }
      eq = strchr (s, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      for (size_t i = 0; i < n; i++)
        if (strcmp (section, want[i].section) == 0 && strcmp (trim (s), want[i].key) == 0)
          {
            struct brig_host_setting *w = want[i].into;
            char *v = trim (eq + 1);
            free (w->value);
            snprintf (w->file, sizeof w->file, "%s", path);
            w->loc = (struct brig_loc){ no, (int)(s - line) + 1, 0, 0 };
            if (v[0] == '[')
              {
                /* An array, maybe over lines: its text up to `]`. */
                char *text = xstrdup (v);
                while (!strchr (text, ']') && getline (&line, &cap, f) > 0)
                  {
                    char *more = xasprintf ("%s %s", text, trim (line));
                    no++;
                    free (text);
                    text = more;
                  }
                w->value = text;
              }
            else
              w->value = unquote (v);
            break;
          }
    }
  return true;
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The drop-ins of DIR (under ROOT), as Podman reads them: the regular
 * files named *.conf, in byte order of their names; DIR/NAME each
 * (without ROOT), or NULL for none. */
static char **
conf_dropins (const char *root, const char *dir)
{
  _cleanup_free_ char *full = xasprintf ("%s%s", root, dir);
  DIR *d = opendir (full);
  struct dirent *ent;
  char **v = NULL;
  size_t n = 0;

  if (d == NULL)
    return NULL;
  while ((ent = readdir (d)) != NULL)
    {
      _cleanup_free_ char *path = NULL;
      struct stat st;
      if (!str_has_suffix (ent->d_name, ".conf") || strlen (ent->d_name) == 5)
        continue;
      path = xasprintf ("%s/%s", full, ent->d_name);
      if (stat (path, &st) < 0 || !S_ISREG (st.st_mode))
        continue;
      strv_push (&v, xasprintf ("%s/%s", dir, ent->d_name));
      n++;
    }
  closedir (d);
  if (n > 1)
    qsort (v, n, sizeof *v, by_name);
  return v;
}

void
brig_host_read_engines (const struct brig_host_paths *p, struct brig_host_engines *e)
{
  /* In Podman's order, the later winning: each file, then its drop-in
     directory (Podman 4.3 has only /etc's; later ones read both). */
  static const char *const podman_files[]
      = { "/usr/share/containers/containers.conf", "/etc/containers/containers.conf" };
  const struct want podman[] = {
    { "containers", "seccomp_profile", &e->seccomp_profile },
    { "containers", "apparmor_profile", &e->apparmor_profile },
    { "containers", "label", &e->label },
    { "containers", "userns", &e->userns },
    { "containers", "default_capabilities", &e->default_capabilities },
  };
  const struct want containerd[] = {
    { "plugins.\"io.containerd.grpc.v1.cri\"", "disable_apparmor", &e->disable_apparmor },
    { "plugins.\"io.containerd.grpc.v1.cri\"", "enable_unprivileged_ports",
      &e->enable_unprivileged_ports },
  };

  for (size_t i = 0; i < ARRAY_SIZE (podman_files); i++)
    {
      _cleanup_free_ char *dir = xasprintf ("%s.d", podman_files[i]);
      char **dropins = conf_dropins (p->root, dir);
      if (read_toml (p->root, podman_files[i], podman, ARRAY_SIZE (podman)))
        {
          e->podman = true;
          snprintf (e->podman_file, sizeof e->podman_file, "%s", podman_files[i]);
        }
      for (size_t k = 0; dropins && dropins[k]; k++)
        if (read_toml (p->root, dropins[k], podman, ARRAY_SIZE (podman)))
          {
            e->podman = true;
            snprintf (e->podman_file, sizeof e->podman_file, "%s", dropins[k]);
          }
      strv_free (dropins);
    }
  if (read_toml (p->root, "/etc/containerd/config.toml", containerd, ARRAY_SIZE (containerd)))
    {
      e->containerd = true;
      snprintf (e->containerd_file, sizeof e->containerd_file, "/etc/containerd/config.toml");
    }
}
