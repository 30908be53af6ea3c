/* brig version */
#include "cmd/cmd.h"

#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>

#ifndef BRIG_VERSION
#define BRIG_VERSION "0.1.0"
#endif

int
cmd_version (int argc, char **argv)
{
  const struct scmp_version *v = seccomp_version ();

  (void)argc;
  (void)argv;
  printf ("brig version %s\n", BRIG_VERSION);
  printf ("spec: 1.2.0\n");
  printf ("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
  printf ("jansson: %s\n", jansson_version_str ());
  return 0;
}
