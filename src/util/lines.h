/* Where each line of a text starts: a table to turn a line number into an
 * offset and back, shared by the fixers' edits and the readers that map
 * words back to their place in a file. */
#ifndef BRIG_UTIL_LINES_H
#define BRIG_UTIL_LINES_H

#include <stddef.h>

struct brig_lines
{
  size_t *start; /* offset of each line's start; start[0] is line 1 */
  size_t n;      /* at least 1 */
};

/* The lines of BUF, each ended by `\n` (the last maybe not). */
void brig_lines_index (struct brig_lines *l, const char *buf, size_t len);
/* The same, with every YAML line break: \n, \r\n, \r, NEL, LS and PS. */
void brig_lines_index_yaml (struct brig_lines *l, const char *buf, size_t len);
/* The 0-based index of the line that holds offset OFF. */
size_t brig_lines_find (const struct brig_lines *l, size_t off);
void brig_lines_release (struct brig_lines *l);

#endif
