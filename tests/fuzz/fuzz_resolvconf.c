/* Fuzz the reader of the host's /etc/resolv.conf that brig run's
 * /etc/resolv.conf is made from, with and without --dns, and the hosts
 * file. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/etcfiles.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *const dns[] = { "192.0.2.53", NULL };
  char *host = xstrndup ((const char *)data, size);

  free (brig_resolv_text ((const char *)data, size, NULL, NULL, NULL, size & 1));
  free (brig_resolv_text ((const char *)data, size, dns, dns, NULL, false));
  free (brig_hosts_text (host, dns));
  free (host);
  return 0;
}
