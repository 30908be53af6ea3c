#include "model/image.h"

#include <stdlib.h>
#include <strings.h>

const struct brig_istage *
brig_image_final (const struct brig_image *img)
{
  if (img->target && img->target <= img->nstages)
    return &img->stages[img->target - 1];
  return &img->stages[img->nstages - 1];
}

int
brig_image_target (struct brig_image *img, const char *name)
{
  for (size_t i = 0; i < img->nstages; i++)
    if (img->stages[i].name && strcasecmp (img->stages[i].name, name) == 0)
      {
        img->target = i + 1;
        return 0;
      }
  return -1;
}

const struct brig_istage *
brig_image_parent (const struct brig_image *img, const struct brig_istage *s)
{
  if (s->parent < 0 || (size_t)s->parent >= (size_t)(s - img->stages))
    return NULL;
  return &img->stages[s->parent];
}

const struct brig_istage *
brig_image_root (const struct brig_image *img, const struct brig_istage *s)
{
  for (const struct brig_istage *p; (p = brig_image_parent (img, s));)
    s = p;
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
