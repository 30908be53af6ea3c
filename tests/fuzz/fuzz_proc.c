/* Fuzz brig ps's /proc readers: a made-up /proc with the host (pid 1) and
 * one container (pid 100, namespaces of its own), in which the first byte
 * picks the file the rest replaces: the container's status, mountinfo
 * (whose mount points the container's users choose), cgroup or uid_map,
 * or its memory limit files (v2 and v1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/proc.h"
#include "util/fileio.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char root[] = "/tmp/brig-fuzz-proc.XXXXXX";
static char **made; /* every file, for the cleanup */

static void
put (const char *rel, const void *text, size_t len)
{
  struct brig_err err = { 0 };
  char *path = xasprintf ("%s/%s", root, rel);
  char *dir = xstrdup (path);
  FILE *f;

  *strrchr (dir, '/') = '\0';
  if (brig_mkdir_p (dir, 0755, &err) < 0)
    abort ();
  f = fopen (path, "we");
  if (f == NULL)
    abort ();
  fwrite (text, 1, len, f);
  fclose (f);
  free (dir);
  if (!strv_contains (made, path))
    strv_push (&made, path);
  else
    free (path);
}

static void
puts_ (const char *rel, const char *text)
{
  put (rel, text, strlen (text));
}

static void
cleanup (void)
{
  /* Files, then their directories, deepest first (rmdir of a non-empty
   * one fails harmlessly). */
  for (size_t i = 0; made && made[i]; i++)
    unlink (made[i]);
  for (int pass = 0; pass < 8; pass++)
    for (size_t i = 0; made && made[i]; i++)
      {
        char *d = xstrdup (made[i]), *s;
        while ((s = strrchr (d, '/')) && s > d + strlen (root))
          {
            *s = '\0';
            rmdir (d);
          }
        free (d);
      }
  rmdir (root);
  strv_free (made);
}

static const struct
{
  const char *rel, *text;
} files[] = {
  { "proc/100/status", "Name:\tapp\nUid:\t0\t0\t0\t0\nPPid:\t50\nNSpid:\t100\t1\n"
                       "CapEff:\t00000000a82425fb\nCapBnd:\t00000000a82425fb\n"
                       "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\n" },
  { "proc/100/mountinfo", "10 9 0:50 / / ro,relatime - overlay overlay rw\n"
                          "15 10 8:1 /srv/my\\040data /data ro - ext4 /dev/sda1 rw\n" },
  { "proc/100/cgroup", "4:memory:/docker/abc\n0::/system.slice/docker-abc.scope\n" },
  { "proc/100/uid_map", "         0     100000      65536\n" },
  { "v2/system.slice/docker-abc.scope/memory.max", "67108864\n" },
  { "memory/docker/abc/memory.limit_in_bytes", "67108864\n" },
};

static void
setup (void)
{
  static const char *const nss[] = { "pid", "net", "ipc", "uts", "user", "cgroup", "mnt" };
  char *mi;

  if (mkdtemp (root) == NULL)
    abort ();
  atexit (cleanup);
  puts_ ("proc/sys/kernel/cap_last_cap", "40\n");
  for (size_t i = 0; i < 7; i++)
    {
      char *a = xasprintf ("proc/1/ns/%s", nss[i]), *b = xasprintf ("proc/100/ns/%s", nss[i]);
      puts_ (a, "");
      puts_ (b, "");
      free (a);
      free (b);
    }
  puts_ ("proc/1/status", "Name:\tinit\nCapBnd:\t000001ffffffffff\n");
  mi = xasprintf ("1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
                  "3 1 0:40 / %s/v2 rw - cgroup2 cgroup2 rw\n"
                  "4 1 0:41 / %s/memory rw - cgroup cgroup rw,memory\n",
                  root, root);
  puts_ ("proc/1/mountinfo", mi);
  free (mi);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    puts_ (files[i].rel, files[i].text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_observed_list l = { 0 };
  struct brig_err err = { 0 };
  char *proc;
  size_t k;

  if (size == 0)
    return 0;
  if (made == NULL)
    setup ();
  k = data[0] % (sizeof files / sizeof files[0]);
  put (files[k].rel, data + 1, size - 1);
  proc = xasprintf ("%s/proc", root);
  (void)brig_proc_scan (proc, &l, &err);
  brig_observed_list_release (&l);
  brig_err_release (&err);
  free (proc);
  /* The next input starts from the same tree. */
  puts_ (files[k].rel, files[k].text);
  return 0;
}
