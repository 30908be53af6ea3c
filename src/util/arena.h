/* A bump allocator: many small allocations that live and die together (a
 * parsed Dockerfile and the image model built from it), released at once. */
#ifndef BRIG_UTIL_ARENA_H
#define BRIG_UTIL_ARENA_H

#include <stddef.h>

struct brig_arena_block;

struct brig_arena
{
  struct brig_arena_block *head;
};

/* N zeroed bytes, aligned for any type.  Aborts on out-of-memory. */
void *brig_arena_alloc (struct brig_arena *a, size_t n);
char *brig_arena_strndup (struct brig_arena *a, const char *s, size_t n);
char *brig_arena_strdup (struct brig_arena *a, const char *s);

/* Append a zeroed element to the array *VP of *N elements of ELEM bytes,
 * growing it in the arena (capacity doubles from 8: an array never wastes
 * more than it holds); returns the new element.  Inline: the parsers push
 * every word; brig_arena_grow is the part that allocates. */
void *brig_arena_grow (struct brig_arena *a, void *vp, size_t *n, size_t elem);
static inline void *
brig_arena_push (struct brig_arena *a, void *vp, size_t *n, size_t elem)
{
  size_t k = *n;

  if (k == 0 || (k >= 8 && (k & (k - 1)) == 0))
    return brig_arena_grow (a, vp, n, elem);
  *n = k + 1;
  return (char *)*(void **)vp + k * elem; /* void * may alias any pointer, as in brig_arena_grow */
}
#define ARENA_PUSH(a, v, n) ((__typeof__ (v))brig_arena_push ((a), &(v), &(n), sizeof *(v)))

void brig_arena_release (struct brig_arena *a);

#endif
