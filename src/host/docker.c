/* Docker as it is on this host: where its daemon.json is, its API
 * socket's owner and mode, the docker group, and the daemon's own view
 * through its API (a minimal HTTP/1.0 GET over the unix socket). */
#include "host/machine.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
brig_host_read_docker (const struct brig_host_paths *p, struct brig_host_docker *d)
{
  _cleanup_free_ char *conf = p->docker_config ? xstrdup (p->docker_config)
                                               : xasprintf ("%s/etc/docker/daemon.json", p->root);
  struct stat st;

  memset (d, 0, sizeof *d);
  if (stat (conf, &st) == 0 && S_ISREG (st.st_mode))
    {
      d->daemon_json = steal_pointer (&conf);
      d->installed = true;
    }
}
