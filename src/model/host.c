#include "model/host.h"
#include "util/mem.h"

#include <stdlib.h>

static void
containers_free (struct brig_host_container *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct brig_host_container *c = &v[i];
      free (c->id);
      free (c->name);
      free (c->image);
      free (c->where);
      strv_free (c->binds);
      strv_free (c->cap_add);
      strv_free (c->open_ports);
    }
  free (v);
}

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
  containers_free (d->containers, d->ncontainers);
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
  free (e->podman_socket);
  free (e->podman_api_error);
  containers_free (e->podman_containers, e->npodman_containers);
  e->podman_socket = e->podman_api_error = NULL;
  e->podman_containers = NULL;
  e->npodman_containers = 0;
}
