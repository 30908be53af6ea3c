/* Line tables (lines.h). */
#include "util/lines.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

static void
push (struct brig_lines *l, size_t *cap, size_t off)
{
  if (l->n == *cap)
    l->start = xreallocarray (l->start, *cap *= 2, sizeof *l->start);
  l->start[l->n++] = off;
}

static void
first (struct brig_lines *l, size_t *cap)
{
  *cap = 64;
  l->start = xreallocarray (NULL, *cap, sizeof *l->start);
  l->start[0] = 0;
  l->n = 1;
}

void
brig_lines_index (struct brig_lines *l, const char *buf, size_t len)
{
  size_t cap;

  first (l, &cap);
  for (const char *p = buf; len && (p = memchr (p, '\n', len - (size_t)(p - buf))) != NULL; p++)
    push (l, &cap, (size_t)(p - buf) + 1);
}

void
brig_lines_index_yaml (struct brig_lines *l, const char *buf, size_t len)
{
  const unsigned char *b = (const unsigned char *)buf;
  size_t cap;

  first (l, &cap);
  for (size_t i = 0; i < len; i++)
    {
      size_t next = 0;
      if (b[i] == '\n')
        next = i + 1;
      else if (b[i] == '\r')
        next = i + 1 < len && b[i + 1] == '\n' ? i + 2 : i + 1;
      else if (b[i] == 0xc2 && i + 1 < len && b[i + 1] == 0x85)
        next = i + 2; /* NEL */
      else if (b[i] == 0xe2 && i + 2 < len && b[i + 1] == 0x80
               && (b[i + 2] == 0xa8 || b[i + 2] == 0xa9))
        next = i + 3; /* LS, PS */
      if (next == 0)
        continue;
      push (l, &cap, next);
      i = next - 1;
    }
}

size_t
brig_lines_find (const struct brig_lines *l, size_t off)
{
  size_t lo = 0, hi = l->n;

  while (hi - lo > 1)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (l->start[mid] <= off)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

void
brig_lines_release (struct brig_lines *l)
{
  free (l->start);
  *l = (struct brig_lines){ 0 };
}
