/* The image model of a stored image (imagescan.h). */
#include "model/imagescan.h"
#include "util/mem.h"

#include <stdlib.h>

void
brig_image_scan_name (struct brig_image_scan *s, const char *name)
{
  free (s->name);
  s->name = xstrdup (name);
  for (size_t i = 0; i < s->nfiles; i++)
    {
      free (s->files[i].where);
      s->files[i].where = xasprintf ("%s:%s", name, s->files[i].path);
    }
}

void
brig_image_scan_release (struct brig_image_scan *s)
{
  for (size_t i = 0; i < s->nfiles; i++)
    {
      free (s->files[i].path);
      free (s->files[i].where);
    }
  free (s->files);
  free (s->name);
  free (s->ref);
  free (s->digest);
  free (s->user);
  strv_free (s->tags);
  strv_free (s->env);
  strv_free (s->exposed_ports);
  strv_free (s->healthcheck);
  strv_free (s->labels);
  strv_free (s->layers);
  *s = (struct brig_image_scan){ 0 };
}
