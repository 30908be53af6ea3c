/* brig pull in the static binary: libcurl cannot be linked statically
 * from Debian's packages (its GSSAPI, LDAP, RTMP, SSH and PSL libraries
 * ship no static archives), so the pull runs in brig-pull, the same
 * program linked dynamically, installed beside brig (as git keeps its
 * curl in git-remote-https).  Only the Makefile's static link uses this
 * file; build/brig-pull and the ASan build have src/cmd/pull.c. */
#include "cmd/cmd.h"
#include "util/cleanup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
cmd_pull (int argc, char **argv)
{
  char self[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  _cleanup_free_ char *helper = NULL;
  char **args = xcalloc ((size_t)argc + 2, sizeof *args);

  if (n <= 0)
    {
      fprintf (stderr, "brig: pull: cannot find brig's own path (/proc/self/exe): %s\n",
               strerror (errno));
      free (args);
      return 125;
    }
  self[n] = '\0';
  *strrchr (self, '/') = '\0';
  helper = xasprintf ("%s/brig-pull", self);
  args[0] = (char *)"brig";
  for (int i = 0; i < argc; i++)
    args[i + 1] = argv[i];
  execv (helper, args);
  fprintf (stderr,
           "brig: pull: cannot run `%s` (it does the network part of brig pull and is "
           "installed beside brig): %s\n",
           helper, strerror (errno));
  free (args);
  return 125;
}
