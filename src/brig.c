/* brig: the command table.  Each command is one line here and one file in
 * src/cmd/; preconditions are checked in one place, run_command(). */
#include "cmd/cmd.h"
#include "util/cleanup.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum cmd_flags
{
  NEEDS_USERNS = 1 << 0, /* creates user namespaces */
};

struct cmd
{
  const char *name;
  int (*fn) (int argc, char **argv);
  unsigned flags;
  const char *summary;
};

static const struct cmd commands[] = {
  { "audit", cmd_audit, 0,
    "check manifests, compose files, docker run lines and Dockerfiles against the policy" },
  { "gc", cmd_gc, 0, "remove the image store's blobs and layers no image uses" },
  { "host", cmd_host, 0, "audit this machine: virtualisation, kernel, Docker daemon" },
  { "images", cmd_images, 0, "list the images in the local store" },
  { "inspect", cmd_inspect, 0, "show an image of the store as JSON" },
  { "load", cmd_load, 0, "load images from docker/podman save archives or OCI layouts" },
  { "probe", cmd_probe, 0, "inside a container: try what an attacker would, report what held" },
  { "ps", cmd_ps, 0, "list running containers and the hardening the kernel enforces on them" },
  { "pull", cmd_pull, 0, "pull an image from a registry (distribution API v2) into the store" },
  { "rmi", cmd_rmi, 0, "remove images (tags) from the local store" },
  { "run", cmd_run, NEEDS_USERNS, "run a command in a new hardened container" },
  { "runtime", cmd_runtime, NEEDS_USERNS,
    "the OCI runtime (runc's command line), also installed as brig-runtime" },
  { "tag", cmd_tag, 0, "give an image of the store another name" },
  { "volume", cmd_volume, 0, "create, list, inspect and remove named volumes for brig run -v" },
  { "version", cmd_version, 0, "print brig's version and what it was built with" },
};

static void
usage (FILE *f)
{
  fputs ("Usage: brig COMMAND [OPTIONS] [ARG...]\n\n"
         "brig runs containers whose defaults are the hardened setup.\n\nCommands:\n",
         f);
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    fprintf (f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fputs ("\nRun `brig COMMAND --help` for a command's options; see brig-run(1).\n", f);
}

static int
check_preconditions (const struct cmd *c, struct brig_err *err)
{
  if (c->flags & NEEDS_USERNS)
    {
      FILE *f = fopen ("/proc/sys/user/max_user_namespaces", "re");
      long n = -1;
      if (f)
        {
          if (fscanf (f, "%ld", &n) != 1)
            n = -1;
          fclose (f);
        }
      if (n == 0)
        return brig_error (err, 0,
                           "user namespaces are disabled on this host "
                           "(/proc/sys/user/max_user_namespaces is 0); brig needs "
                           "them for every container");
    }
  return 0;
}

static int
run_command (const struct cmd *c, int argc, char **argv)
{
  struct brig_err err = { 0 };

  if (check_preconditions (c, &err) < 0)
    return brig_fail (125, &err);
  return c->fn (argc, argv);
}

int
main (int argc, char **argv)
{
  const char *self = strrchr (argv[0], '/') ? strrchr (argv[0], '/') + 1 : argv[0];

  /* Installed as brig-runtime, brig is the OCI runtime: Docker, Podman and
   * containerd call it with runc's command line. */
  if (strcmp (self, "brig-runtime") == 0)
    return cmd_runtime (argc, argv);
  if (strcmp (self, "brig-probe") == 0)
    return cmd_probe (argc, argv);
  if (argc < 2)
    {
      usage (stderr);
      return 125;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    return cmd_version (1, argv);
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return run_command (&commands[i], argc - 1, argv + 1);
  fprintf (stderr, "brig: unknown command `%s`: expected one of", argv[1]);
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    fprintf (stderr, "%s %s", i ? "," : "", commands[i].name);
  fputs (" (see brig --help)\n", stderr);
  return 125;
}
