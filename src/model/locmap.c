#include "model/locmap.h"
#include "util/cleanup.h"

#include <stdlib.h>
#include <string.h>

void
brig_locmap_add (struct brig_locmap *m, const char *path, const char *value, struct brig_loc loc)
{
  m->v = xreallocarray (m->v, m->n + 1, sizeof *m->v);
  m->v[m->n++] = (struct brig_locent){ xstrdup (path), value ? xstrdup (value) : NULL, loc };
}

const struct brig_locent *
brig_locmap_get (const struct brig_locmap *m, const char *path)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->v[i].path, path) == 0)
      return &m->v[i];
  return NULL;
}

const struct brig_locent *
brig_locmap_nearest (const struct brig_locmap *m, const char *path)
{
  _cleanup_free_ char *p = xstrdup (path);

  for (;;)
    {
      const struct brig_locent *e = brig_locmap_get (m, p);
      const char *dot, *bracket;
      size_t cut = 0;

      if (e || p[0] == '\0')
        return e;
      /* Drop the last member or item. */
      dot = strrchr (p, '.');
      bracket = strrchr (p, '[');
      if (dot)
        cut = (size_t)(dot - p);
      if (bracket && (size_t)(bracket - p) > cut)
        cut = (size_t)(bracket - p);
      p[cut] = '\0';
    }
}

void
brig_locmap_release (struct brig_locmap *m)
{
  for (size_t i = 0; i < m->n; i++)
    {
      free (m->v[i].path);
      free (m->v[i].value);
    }
  free (m->v);
  m->v = NULL;
  m->n = 0;
}
