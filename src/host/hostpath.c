/* Host paths of binds: see hostpath.h. */
#include "host/hostpath.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40

/* P without its last component ("/a/b" -> "/a", "/a" -> ""). */
static void
drop_last (char *p)
{
  char *slash = strrchr (p, '/');
  if (slash)
    *slash = '\0';
}

int
brig_host_path_resolve (const char *path, char **ret_real, char ***ret_via, struct brig_err *err)
{
  _cleanup_free_ char *todo = xstrdup (path); /* what is left to walk */
  _cleanup_free_ char *done = xstrdup ("");   /* resolved so far, "" for / */
  char **via = NULL;
  size_t pos = 0;
  int links = 0;

  if (path[0] != '/')
    return brig_error (err, EINVAL, "`%s` is not an absolute path", path);
  strv_push (&via, xstrdup (path));
  while (todo[pos])
    {
      size_t len;
      _cleanup_free_ char *name = NULL, *next = NULL;
      struct stat st;

      while (todo[pos] == '/')
        pos++;
      len = strcspn (todo + pos, "/");
      if (len == 0)
        break;
      name = xstrndup (todo + pos, len);
      pos += len;
      if (strcmp (name, ".") == 0)
        continue;
      if (strcmp (name, "..") == 0)
        {
          drop_last (done);
          continue;
        }
      next = xasprintf ("%s/%s", done, name);
      if (lstat (next, &st) < 0)
        {
          int e = errno;
          strv_free (via);
          return brig_error (err, e, "host path `%s`: `%s`", path, next);
        }
      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t n = readlink (next, target, sizeof target - 1);
          char *rest;

          if (n < 0 || ++links > MAX_LINKS)
            {
              int e = n < 0 ? errno : ELOOP;
              strv_free (via);
              return brig_error (err, e, "host path `%s`: `%s`", path, next);
            }
          target[n] = '\0';
          strv_push (&via, xstrdup (next));
          rest = target[0] == '/' ? xasprintf ("%s%s", target, todo + pos)
                                  : xasprintf ("%s/%s%s", done, target, todo + pos);
          strv_push (&via, xstrdup (rest));
          free (todo);
          todo = rest;
          pos = 0;
          done[0] = '\0'; /* REST is absolute: walked again from / */
          continue;
        }
      if (todo[pos] == '/' && !S_ISDIR (st.st_mode))
        {
          strv_free (via);
          return brig_error (err, ENOTDIR, "host path `%s`: `%s`", path, next);
        }
      free (done);
      done = steal_pointer (&next);
    }
  *ret_real = done[0] ? steal_pointer (&done) : xstrdup ("/");
  *ret_via = via;
  return 0;
}

/* Is P at or below DIR (both resolved)? */
static bool
at_or_below (const char *p, const char *dir)
{
  size_t n = strcmp (dir, "/") == 0 ? 0 : strlen (dir);
  return strncmp (p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static void
add_sockets (const char *dir, char ***holds)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  char *line, *o;

  if (brig_read_file ("/proc/net/unix", 64 << 20, &buf, NULL, &e) < 0)
    {
      brig_err_release (&e);
      return;
    }
  o = buf;
  while ((line = strsep (&o, "\n")) != NULL)
    {
      /* Num RefCount Protocol Flags Type St Inode Path */
      char *f = line, *w = NULL;
      int field = 0;
      _cleanup_free_ char *real = NULL;
      struct stat st;

      for (char *tok; (tok = strsep (&f, " ")) != NULL;)
        if (*tok && ++field == 8)
          {
            w = tok;
            break;
          }
      if (w == NULL || w[0] != '/')
        continue; /* the header, unnamed or abstract sockets */
      if ((real = realpath (w, NULL)) == NULL || lstat (real, &st) < 0 || !S_ISSOCK (st.st_mode)
          || !at_or_below (real, dir))
        continue;
      {
        _cleanup_free_ char *entry = xasprintf ("socket %s", real);
        if (!strv_contains (*holds, entry))
          strv_push (holds, steal_pointer (&entry));
      }
    }
}

static void
add_mounts (const char *dir, char ***holds)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err e = { 0 };
  char *line, *o;

  if (brig_read_file ("/proc/self/mountinfo", 64 << 20, &buf, NULL, &e) < 0)
    {
      brig_err_release (&e);
      return;
    }
  o = buf;
  while ((line = strsep (&o, "\n")) != NULL)
    {
      struct brig_mountinfo mi;
      if (*line && brig_mountinfo_parse (line, &mi) && at_or_below (mi.target, dir))
        strv_push (holds, xasprintf ("%s %s", mi.fstype, mi.target));
    }
}

char **
brig_host_path_holds (const char *dir)
{
  char **holds = NULL;

  add_sockets (dir, &holds);
  add_mounts (dir, &holds);
  return holds;
}
