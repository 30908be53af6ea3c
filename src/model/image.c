#include "model/image.h"

#include <stdlib.h>

const struct brig_istage *
brig_image_final (const struct brig_image *img)
{
  return &img->stages[img->nstages - 1];
}

const struct brig_istage *
brig_image_root (const struct brig_image *img, const struct brig_istage *s)
{
  while (s->parent >= 0 && (size_t)s->parent < (size_t)(s - img->stages))
    s = &img->stages[s->parent];
  return s;
}

void
brig_image_free (struct brig_image *img)
{
  if (img == NULL)
    return;
  brig_arena_release (&img->arena);
  free (img);
}
