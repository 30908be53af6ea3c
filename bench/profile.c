/* profile: print brig's default seccomp profile, resolved for a container
 * with no capabilities, in the OCI runtime spec's linux.seccomp form, so
 * that crun and runc are measured filtering exactly what brig filters. */
#include <jansson.h>
#include <stdio.h>

#include "model/seccomp.h"
#include "report/oci_spec.h"

int
main (void)
{
  struct brig_seccomp *p = brig_seccomp_default ();
  json_t *root = brig_oci_seccomp_json (p, 0);

  json_dumpf (root, stdout, JSON_INDENT (1));
  putchar ('\n');
  json_decref (root);
  brig_seccomp_free (p);
  return 0;
}
