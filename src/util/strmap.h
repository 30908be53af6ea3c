/* A map from strings (copied) to numbers, by open addressing: for sets of
 * paths met in a stream (a layer's entries), where a lookup per entry must
 * not walk a list.  Nothing is ever removed; a caller marks a value dead. */
#ifndef BRIG_UTIL_STRMAP_H
#define BRIG_UTIL_STRMAP_H

#include <stddef.h>

struct brig_strmap
{
  char **keys;
  size_t *vals;
  size_t cap, n; /* CAP: 0 or a power of two, at least twice N */
};

/* The value of KEY, or NULL when there is none. */
size_t *brig_strmap_get (const struct brig_strmap *m, const char *key);
/* The value of KEY, added as 0 when there was none (*RET_NEW, or NULL). */
size_t *brig_strmap_put (struct brig_strmap *m, const char *key, int *ret_new);
void brig_strmap_release (struct brig_strmap *m);

#endif
