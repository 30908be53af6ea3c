#include "model/host.h"
#include "util/mem.h"

#include <stdlib.h>

void
brig_host_release (struct brig_host *h)
{
  struct brig_host_docker *d = &h->docker;

  free (d->daemon_json);
  free (d->dockerd_cmdline);
  free (d->dockerd_args);
  free (d->socket);
  strv_free (d->docker_group);
  free (d->api_error);
  free (d->version);
  for (size_t i = 0; i < d->ncontainers; i++)
    {
      struct brig_host_container *c = &d->containers[i];
      free (c->id);
      free (c->name);
      free (c->image);
      free (c->where);
      strv_free (c->binds);
      strv_free (c->cap_add);
      strv_free (c->open_ports);
    }
  free (d->containers);
  brig_host_engines_release (&h->engines);
  for (size_t i = 0; i < h->files.nowned; i++)
    free (h->files.owned[i].path);
  free (h->files.owned);
  for (size_t i = 0; i < h->files.nwatch; i++)
    free (h->files.watch[i].path);
  free (h->files.watch);
}

void
brig_host_engines_release (struct brig_host_engines *e)
{
  struct brig_host_setting *all[] = { &e->seccomp_profile,
                                      &e->apparmor_profile,
                                      &e->label,
                                      &e->userns,
                                      &e->default_capabilities,
                                      &e->disable_apparmor,
                                      &e->enable_unprivileged_ports };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    {
      free (all[i]->value);
      all[i]->value = NULL;
    }
}
