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

static int
by_path (const void *a, const void *b, void *entries)
{
  const struct brig_locent *v = entries;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp (v[x].path, v[y].path);

  return c ? c : (x > y) - (x < y);
}

void
brig_locmap_index (struct brig_locmap *m)
{
  free (m->by_path);
  m->by_path = xreallocarray (NULL, m->n ? m->n : 1, sizeof *m->by_path);
  for (size_t i = 0; i < m->n; i++)
    m->by_path[i] = i;
  qsort_r (m->by_path, m->n, sizeof *m->by_path, by_path, m->v);
  m->nby_path = m->n;
}

const struct brig_locent *
brig_locmap_get (const struct brig_locmap *m, const char *path)
{
  size_t lo = 0, hi = m->nby_path;

  /* The first of the sorted entries whose path is not below PATH. */
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp (m->v[m->by_path[mid]].path, path) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < m->nby_path && strcmp (m->v[m->by_path[lo]].path, path) == 0)
    return &m->v[m->by_path[lo]];
  for (size_t i = m->nby_path; i < m->n; i++)
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
  free (m->by_path);
  memset (m, 0, sizeof *m);
}
