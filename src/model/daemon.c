#include "model/daemon.h"
#include "util/cleanup.h"

#include <stdlib.h>

void
brig_daemon_free (struct brig_daemon *d)
{
  if (d == NULL)
    return;
  free (d->hosts.items.v);
  free (d->insecure_registries.items.v);
  free (d->authorization_plugins.items.v);
  free (d->storage_opts.items.v);
  free (d->default_ulimits.items.v);
  strv_free (d->owned);
  free (d);
}
