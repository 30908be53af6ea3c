/* Names of containers from the engines' APIs (proc.h): Docker's
 * GET /containers/json on its unix socket, HTTP/1.0 so that the answer is
 * one body up to the end of the stream, never chunked. */
#include "host/proc.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mem.h"
#include "util/unixsock.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define API_MAX (8u << 20)

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
  static const char req[] = "GET /containers/json HTTP/1.0\r\nHost: docker\r\n\r\n";
  _cleanup_close_ int fd = brig_unix_connect (sock, "Docker socket", err);
  _cleanup_free_ char *buf = NULL;
  struct timeval tv = { .tv_sec = 3 };
  json_error_t jerr;
  size_t len;
  int r;

  if (fd < 0)
    return fd;
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (brig_write_all (fd, req, sizeof req - 1) < 0)
    return brig_error (err, errno, "Docker API at `%s`", sock);
  r = brig_read_fd (fd, sock, API_MAX, &buf, &len, err);
  if (r < 0)
    return brig_err_wrap (err, "Docker API");
  char *body = strstr (buf, "\r\n\r\n");
  if (strncmp (buf, "HTTP/1.", 7) != 0 || body == NULL || strncmp (buf + 9, "200", 3) != 0)
    return brig_error (err, 0, "Docker API at `%s`: %.*s", sock, (int)strcspn (buf, "\r\n"), buf);
  json_t *root = json_loads (body + 4, 0, &jerr);
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
