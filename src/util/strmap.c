/* String map (strmap.h). */
#include "util/strmap.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

static size_t
slot (char *const *keys, size_t cap, const char *key)
{
  size_t i = str_hash (key) & (cap - 1);

  while (keys[i] && strcmp (keys[i], key) != 0)
    i = (i + 1) & (cap - 1);
  return i;
}

size_t *
brig_strmap_get (const struct brig_strmap *m, const char *key)
{
  size_t i;

  if (m->cap == 0)
    return NULL;
  i = slot (m->keys, m->cap, key);
  return m->keys[i] ? &m->vals[i] : NULL;
}

static void
grow (struct brig_strmap *m)
{
  size_t cap = m->cap ? 2 * m->cap : 64;
  char **keys = xcalloc (cap, sizeof *keys);
  size_t *vals = xcalloc (cap, sizeof *vals);

  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i])
      {
        size_t j = slot (keys, cap, m->keys[i]);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
      }
  free (m->keys);
  free (m->vals);
  m->keys = keys;
  m->vals = vals;
  m->cap = cap;
}

size_t *
brig_strmap_put (struct brig_strmap *m, const char *key, int *ret_new)
{
  size_t i;

  if (2 * (m->n + 1) > m->cap)
    grow (m);
  i = slot (m->keys, m->cap, key);
  if (ret_new)
    *ret_new = m->keys[i] == NULL;
  if (m->keys[i] == NULL)
    {
      m->keys[i] = xstrdup (key);
      m->vals[i] = 0;
      m->n++;
    }
  return &m->vals[i];
}

void
brig_strmap_release (struct brig_strmap *m)
{
  for (size_t i = 0; i < m->cap; i++)
    free (m->keys[i]);
  free (m->keys);
  free (m->vals);
  *m = (struct brig_strmap){ 0 };
}
