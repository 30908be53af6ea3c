#include "model/observed.h"

#include <stdlib.h>
#include <string.h>

static const char *const ns_names[BRIG_OBS_NS_COUNT]
    = { "pid", "net", "ipc", "uts", "user", "cgroup", "mnt" };

const char *
brig_obs_ns_name (enum brig_obs_ns ns)
{
  return ns < BRIG_OBS_NS_COUNT ? ns_names[ns] : "?";
}

bool
brig_obs_port_open (const struct brig_obs_port *p)
{
  return strcmp (p->host_ip, "0.0.0.0") == 0 || strcmp (p->host_ip, "::") == 0;
}

void
brig_observed_release (struct brig_observed *o)
{
  free (o->engine);
  free (o->id);
  free (o->name);
  free (o->image);
  free (o->comm);
  free (o->cgroup);
  free (o->uid_map);
  for (size_t i = 0; i < o->nports; i++)
    {
      free (o->ports[i].host_ip);
      free (o->ports[i].proto);
    }
  free (o->ports);
  for (size_t i = 0; i < o->nmounts; i++)
    {
      free (o->mounts[i].target);
      free (o->mounts[i].host_path);
      free (o->mounts[i].what);
    }
  free (o->mounts);
  memset (o, 0, sizeof *o);
}

void
brig_observed_list_release (struct brig_observed_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    brig_observed_release (&l->v[i]);
  free (l->v);
  memset (l, 0, sizeof *l);
}
