/* Fuzz brig run's -v and --mount readers: each input is tried as both.  A
 * mount they accept must be well formed: an absolute target, a bind with
 * an absolute source or a valid volume name, read-only unless rw. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/volume.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (const struct brig_mount *m)
{
  assert (m->dest && m->dest[0] == '/' && strcmp (m->dest, "/") != 0);
  assert (strstr (m->dest, "/../") == NULL && strstr (m->dest, "//") == NULL);
  if (strcmp (m->type, "bind") == 0)
    assert ((m->source && m->source[0] == '/' && m->volume == NULL)
            || (m->source == NULL && m->volume && brig_volume_name_valid (m->volume)));
  else
    assert (strcmp (m->type, "tmpfs") == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  struct brig_err err = { 0 };
  struct brig_mount m;

  memcpy (s, data, size);
  s[size] = '\0';
  if (brig_parse_volume (s, &m, &err) == 0)
    {
      check (&m);
      brig_mount_release (&m);
    }
  brig_err_release (&err);
  if (brig_parse_mount (s, &m, &err) == 0)
    {
      check (&m);
      brig_mount_release (&m);
    }
  brig_err_release (&err);
  brig_volume_name_valid (s);
  free (s);
  return 0;
}
