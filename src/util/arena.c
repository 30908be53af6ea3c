#include "util/arena.h"
#include "util/mem.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64u << 10)
#define ALIGN alignof (max_align_t)

struct brig_arena_block
{
  struct brig_arena_block *next;
  size_t used, size;
  alignas (max_align_t) unsigned char data[];
};

/* N bytes, not zeroed. */
static void *
arena_take (struct brig_arena *a, size_t n)
{
  struct brig_arena_block *b = a->head;
  size_t need;
  void *p;

  if (n > SIZE_MAX / 2)
    abort ();
  need = (n + ALIGN - 1) & ~(ALIGN - 1);
  if (need == 0)
    need = ALIGN;
  if (b == NULL || b->size - b->used < need)
    {
      size_t size = need > BLOCK_SIZE / 4 ? need : BLOCK_SIZE;
      b = xmalloc (sizeof *b + size);
      b->used = 0;
      b->size = size;
      /* A large allocation gets a block of its own behind the current one,
         so that the current block's free space is not lost. */
      if (size != BLOCK_SIZE && a->head)
        {
          b->next = a->head->next;
          a->head->next = b;
        }
      else
        {
          b->next = a->head;
          a->head = b;
        }
    }
  p = b->data + b->used;
  b->used += need;
  return p;
}

void *
brig_arena_alloc (struct brig_arena *a, size_t n)
{
  return memset (arena_take (a, n), 0, n);
}

char *
brig_arena_strndup (struct brig_arena *a, const char *s, size_t n)
{
  char *p = arena_take (a, n + 1); /* all of it written: no need to zero it */
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

char *
brig_arena_strdup (struct brig_arena *a, const char *s)
{
  return brig_arena_strndup (a, s, strlen (s));
}

void *
brig_arena_grow (struct brig_arena *a, void *vp, size_t *n, size_t elem)
{
  void **v = vp;
  size_t k = *n;

  if (k == 0 || (k >= 8 && (k & (k - 1)) == 0))
    {
      size_t cap = k == 0 ? 8 : k * 2;
      void *nv;

      if (cap > SIZE_MAX / 2 / elem)
        abort ();
      nv = arena_take (a, cap * elem);
      if (k)
        memcpy (nv, *v, k * elem);
      memset ((char *)nv + k * elem, 0, (cap - k) * elem); /* the rest zeroed */
      *v = nv;
    }
  *n = k + 1;
  return (char *)*v + k * elem;
}

void
brig_arena_release (struct brig_arena *a)
{
  struct brig_arena_block *b = a->head;

  while (b)
    {
      struct brig_arena_block *next = b->next;
      free (b);
      b = next;
    }
  a->head = NULL;
}
