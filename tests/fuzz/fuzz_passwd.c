/* Fuzz the /etc/passwd, /etc/group and /etc/subuid readers. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/passwd.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_pwent pw;
  gid_t g, *groups = NULL;
  size_t n = 0;
  unsigned start, count;
  const char *buf = (const char *)data;

  brig_passwd_lookup (buf, size, "passwd", "user", &pw, &err);
  brig_err_release (&err);
  brig_passwd_lookup (buf, size, "passwd", "1000", &pw, &err);
  brig_err_release (&err);
  brig_group_lookup (buf, size, "group", "wheel", &g, &err);
  brig_err_release (&err);
  brig_group_members (buf, size, "user", &groups, &n);
  free (groups);
  brig_subid_lookup (buf, size, "root", 0, &start, &count);
  return 0;
}
