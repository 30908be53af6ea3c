/* Names of containers from the engines' APIs (proc.h): Docker's
 * GET /containers/json (host/dockerapi.h), and brig's own state files. */
#include "host/dockerapi.h"
#include "host/proc.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mem.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

static char *
ports_text (json_t *ports)
{
  char *out = NULL;
  size_t i;
  json_t *p;

  json_array_foreach (ports, i, p)
  {
    const char *ip = json_string_value (json_object_get (p, "IP"));
    const char *type = json_string_value (json_object_get (p, "Type"));
    json_int_t pub = json_integer_value (json_object_get (p, "PublicPort"));
    json_int_t priv = json_integer_value (json_object_get (p, "PrivatePort"));
    char *one = pub ? xasprintf ("%s:%lld->%lld/%s", ip ? ip : "", (long long)pub, (long long)priv,
                                 type ? type : "tcp")
                    : xasprintf ("%lld/%s", (long long)priv, type ? type : "tcp");
    char *n = xasprintf ("%s%s%s", out ? out : "", out ? ", " : "", one);
    free (one);
    free (out);
    out = n;
  }
  return out ? out : xstrdup ("");
}

int
brig_docker_names (const char *sock, struct brig_observed_list *l, struct brig_err *err)
{
  json_t *root = brig_docker_api_get (sock, "/containers/json", err);

  if (root == NULL)
    return -1;
  if (!json_is_array (root))
    {
      json_decref (root);
      return brig_error (err, 0, "Docker API at `%s`: not a JSON array", sock);
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
        if (strcmp (o->engine, "docker") != 0 || o->id[0] == '\0' || strcmp (o->id, id) != 0)
          continue;
        free (o->name);
        o->name = xstrdup (name ? name + (name[0] == '/') : "");
        free (o->image);
        o->image = xstrdup (image ? image : "");
        free (o->ports);
        o->ports = ports_text (json_object_get (c, "Ports"));
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
