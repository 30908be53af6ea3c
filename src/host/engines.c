/* Names of containers from the engines' APIs (proc.h): GET
 * /containers/json (host/dockerapi.h) of Docker, or of Podman's service,
 * which serves Docker's endpoints too; and brig's own state files. */
#include "host/dockerapi.h"
#include "host/proc.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mem.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

/* The Ports of a /containers/json entry into O: Docker names every
 * address 0.0.0.0, Podman leaves IP out. */
static void
read_ports (json_t *ports, struct brig_observed *o)
{
  size_t i;
  json_t *p;

  json_array_foreach (ports, i, p)
  {
    const char *ip = json_string_value (json_object_get (p, "IP"));
    const char *type = json_string_value (json_object_get (p, "Type"));
    json_int_t pub = json_integer_value (json_object_get (p, "PublicPort"));
    json_int_t priv = json_integer_value (json_object_get (p, "PrivatePort"));
    if (pub <= 0 || pub > 65535 || priv < 0 || priv > 65535)
      continue; /* exposed, not published */
    o->ports = xreallocarray (o->ports, o->nports + 1, sizeof *o->ports);
    o->ports[o->nports++]
        = (struct brig_obs_port){ .host_ip = xstrdup (ip && ip[0] ? ip : "0.0.0.0"),
                                  .host_port = (int)pub,
                                  .port = (int)priv,
                                  .proto = xstrdup (type ? type : "tcp") };
  }
}

int
brig_api_names (const char *sock, const char *engine, struct brig_observed_list *l,
                struct brig_err *err)
{
  json_t *root = brig_docker_api_get (sock, "/containers/json", err);

  if (root == NULL)
    return -1;
  if (!json_is_array (root))
    {
      json_decref (root);
      return brig_error (err, 0, "API at `%s`: /containers/json: not a JSON array", sock);
    }
  size_t i;
  json_t *c;
  json_array_foreach (root, i, c)
  {
    const char *id = json_string_value (json_object_get (c, "Id"));
    json_t *names = json_object_get (c, "Names");
    const char *name = json_string_value (json_array_get (names, 0));
    const char *image = json_string_value (json_object_get (c, "Image"));
    if (id == NULL)
      continue;
    for (size_t k = 0; k < l->n; k++)
      {
        struct brig_observed *o = &l->v[k];
        if (strcmp (o->engine, engine) != 0 || o->id[0] == '\0' || strcmp (o->id, id) != 0)
          continue;
        free (o->name);
        o->name = xstrdup (name ? name + (name[0] == '/') : "");
        free (o->image);
        o->image = xstrdup (image ? image : "");
        if (!o->ports_known)
          read_ports (json_object_get (c, "Ports"), o);
        o->ports_known = true;
      }
  }
  json_decref (root);
  return 0;
}

int
brig_state_names (const char *dir, struct brig_observed_list *l)
{
  int named = 0;

  for (size_t k = 0; k < l->n; k++)
    {
      struct brig_observed *o = &l->v[k];
      _cleanup_free_ char *path = NULL;
      json_error_t jerr;
      json_t *j;

      if (strcmp (o->engine, "brig") != 0 || o->id[0] == '\0' || strchr (o->id, '/'))
        continue;
      path = xasprintf ("%s/%s.json", dir, o->id);
      j = json_load_file (path, 0, &jerr);
      if (j == NULL)
        continue;
      const char *name = json_string_value (json_object_get (j, "name"));
      const char *image = json_string_value (json_object_get (j, "image"));
      /* The state of this very process: a pid reused since is not it. */
      if (json_integer_value (json_object_get (j, "pid")) == o->pid)
        {
          free (o->name);
          o->name = xstrdup (name ? name : "");
          free (o->image);
          o->image = xstrdup (image ? image : "");
          named++;
        }
      json_decref (j);
    }
  return named;
}
