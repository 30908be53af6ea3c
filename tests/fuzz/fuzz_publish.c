/* Fuzz -p/--publish, --add-host and --dns values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/publish.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = xstrndup ((const char *)data, size);
  struct brig_err err = { 0 };
  struct brig_port *ports = NULL;
  size_t n = 0;
  char *line = NULL;

  if (brig_parse_publish (s, &ports, &n, &err) == 0)
    for (size_t i = 0; i < n; i++)
      {
        char *f = brig_port_format (&ports[i]);
        free (f);
        if (ports[i].host_port == 0 || ports[i].container_port == 0)
          abort ();
      }
  brig_err_release (&err);
  /* Twice: the second sees the first's ports (duplicates, the cap). */
  if (brig_parse_publish (s, &ports, &n, &err) == 0 && n == 0)
    abort ();
  brig_err_release (&err);
  free (ports);
  if (brig_parse_add_host (s, &line, &err) == 0)
    free (line);
  brig_err_release (&err);
  if (brig_parse_ip (s, &line, &err) == 0)
    free (line);
  brig_err_release (&err);
  brig_valid_hostname (s);
  free (s);
  return 0;
}
