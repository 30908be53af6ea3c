/* Fuzz the .gitignore reader and matcher: the input as a .gitignore (at
 * the top and in a directory), its lines as paths, and its first lines as
 * patterns against the others. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/gitignore.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const paths[]
      = { "a", "a/b", "a/b/c.yaml", "svc/gen/compose.yaml", "x.log", "build", "" };
  struct brig_gitignore g = { 0 };
  _cleanup_free_ char *text = xstrndup ((const char *)data, size);
  char *lines[8];
  size_t n = 0;

  brig_gitignore_add (&g, "", (const char *)data, size);
  brig_gitignore_add (&g, "a/b", (const char *)data, size);
  for (char *p = text, *nl; n < 8 && p; p = nl ? nl + 1 : NULL)
    {
      nl = strchr (p, '\n');
      if (nl)
        *nl = '\0';
      lines[n++] = p;
    }
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
    for (int dir = 0; dir < 2; dir++)
      (void)brig_gitignore_ignored (&g, paths[i], dir);
  for (size_t i = 0; i < n; i++)
    {
      (void)brig_gitignore_ignored (&g, lines[i], i % 2);
      for (size_t j = 0; j < n; j++)
        (void)brig_gitignore_match (lines[i], lines[j]);
    }
  brig_gitignore_truncate (&g, g.n / 2);
  brig_gitignore_release (&g);
  return 0;
}
