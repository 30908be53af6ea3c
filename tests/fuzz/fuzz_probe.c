/* Fuzz brig probe's cgroup limit reader (brig_probe_cgroup_limit): the
 * first byte picks which of /proc/self/mountinfo and /proc/self/cgroup
 * the rest replaces (bit 0) and which hierarchy and limit file is asked
 * for (bits 1-2), or with bit 6 the rest is a /proc/PID/stat for
 * brig_probe_kthread; the other stream is a fixed text that points into a
 * made-up cgroup tree.  The tree's mount points are relative to a private
 * directory the harness works in, so that a seed can name them. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/probe.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char root[] = "/tmp/brig-fuzz-probe.XXXXXX";
static bool ready;

static const char mountinfo[] = "30 23 0:27 / sys rw - tmpfs tmpfs rw\n"
                                "35 30 0:31 / v1 rw,relatime - cgroup cgroup rw,memory\n"
                                "36 30 0:32 /docker/x v1p rw - cgroup cgroup rw,pids\n"
                                "40 30 0:40 / v2 rw,nosuid - cgroup2 cgroup2 rw\n";
static const char cgroup[] = "5:pids:/docker/x\n4:memory:/a/b\n0::/c\n";

static const struct
{
  const char *ctrl, *file;
} asks[] = {
  { "memory", "memory.limit_in_bytes" },
  { "pids", "pids.max" },
  { NULL, "memory.max" },
  { NULL, "pids.max" },
};

/* The tree, in the order it is made (and undone in reverse). */
static const struct
{
  const char *rel, *text; /* text NULL: a directory */
} tree[] = {
  { "v1", NULL },
  { "v1/memory.limit_in_bytes", "9223372036854771712\n" },
  { "v1/a", NULL },
  { "v1/a/memory.limit_in_bytes", "104857600\n" },
  { "v1/a/b", NULL },
  { "v1/a/b/memory.limit_in_bytes", "209715200\n" },
  { "v1p", NULL },
  { "v1p/pids.max", "60\n" },
  { "v2", NULL },
  { "v2/c", NULL },
  { "v2/c/pids.max", "max\n" },
  { "v2/c/memory.max", "67108864\n" },
};

static void
cleanup (void)
{
  for (size_t i = sizeof tree / sizeof tree[0]; i-- > 0;)
    {
      if (tree[i].text)
        unlink (tree[i].rel);
      else
        rmdir (tree[i].rel);
    }
  if (chdir ("/") == 0)
    rmdir (root);
}

static void
setup (void)
{
  if (mkdtemp (root) == NULL || chdir (root) < 0)
    abort ();
  atexit (cleanup);
  for (size_t i = 0; i < sizeof tree / sizeof tree[0]; i++)
    {
      FILE *f;
      if (tree[i].text == NULL)
        {
          if (mkdir (tree[i].rel, 0755) < 0)
            abort ();
          continue;
        }
      f = fopen (tree[i].rel, "we");
      if (f == NULL)
        abort ();
      fputs (tree[i].text, f);
      fclose (f);
    }
  ready = true;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FILE *mi, *cg;
  uint64_t n = 0;
  char *dir = NULL;
  size_t k;

  if (size == 0)
    return 0;
  if (data[0] & 0x40)
    {
      (void)brig_probe_kthread ((const char *)data + 1, size - 1);
      return 0;
    }
  if (!ready)
    setup ();
  k = (size_t)(data[0] >> 1) % (sizeof asks / sizeof asks[0]);
  /* fmemopen of zero bytes fails; an empty stream is a NULL one here, as
   * for a file that cannot be opened. */
  if (data[0] & 1)
    {
      mi = fmemopen ((void *)mountinfo, sizeof mountinfo - 1, "r");
      cg = size > 1 ? fmemopen ((void *)(data + 1), size - 1, "r") : NULL;
    }
  else
    {
      mi = size > 1 ? fmemopen ((void *)(data + 1), size - 1, "r") : NULL;
      cg = fmemopen ((void *)cgroup, sizeof cgroup - 1, "r");
    }
  (void)brig_probe_cgroup_limit (mi, cg, asks[k].ctrl, asks[k].file, &n, &dir);
  free (dir);
  if (mi)
    fclose (mi);
  if (cg)
    fclose (cg);
  return 0;
}
