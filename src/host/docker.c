/* Docker as it is on this host: where its daemon.json is, its API
 * socket's owner and mode, the docker group, and the daemon's own view
 * through its API: a minimal HTTP/1.0 GET over the unix socket (the
 * daemon closes the connection after the body, so no chunking), the body
 * parsed with jansson. */
#include "host/dockerapi.h"
#include "host/machine.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/unixsock.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* The most brig reads of one answer. */
#define API_MAX (16 << 20)

json_t *
brig_docker_api_get (const char *sock, const char *path, struct brig_err *err)
{
  _cleanup_close_ int fd = brig_unix_connect (sock, "Docker API socket", err);
  _cleanup_free_ char *req = NULL, *buf = NULL, *name = NULL;
  struct timeval tv = { 5, 0 };
  size_t len;
  char *body;
  int code;
  json_error_t je;
  json_t *j;

  if (fd < 0)
    return NULL;
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  name = xasprintf ("Docker API %s (%s)", path, sock);
  req = xasprintf ("GET %s HTTP/1.0\r\nHost: docker\r\nUser-Agent: brig\r\n\r\n", path);
  for (size_t off = 0, n = strlen (req); off < n;)
    {
      ssize_t w = send (fd, req + off, n - off, MSG_NOSIGNAL);
      if (w < 0)
        {
          brig_error (err, errno, "%s: send", name);
          return NULL;
        }
      off += (size_t)w;
    }
  if (brig_read_fd (fd, name, API_MAX, &buf, &len, err) < 0)
    return NULL;
  if (sscanf (buf, "HTTP/1.%*d %d", &code) != 1 || (body = strstr (buf, "\r\n\r\n")) == NULL)
    {
      brig_error (err, 0, "%s: not an HTTP answer", name);
      return NULL;
    }
  body += 4;
  if (code != 200)
    {
      brig_error (err, 0, "%s: status %d: %.200s", name, code, body);
      return NULL;
    }
  j = json_loadb (body, len - (size_t)(body - buf), 0, &je);
  if (j == NULL)
    brig_error (err, 0, "%s: %s", name, je.text);
  return j;
}

static char *
jdup (json_t *o, const char *key)
{
  const char *s = json_string_value (json_object_get (o, key));
  return s ? xstrdup (s) : NULL;
}

static bool
jis (json_t *o, const char *key, const char *want)
{
  const char *s = json_string_value (json_object_get (o, key));
  return s && strcmp (s, want) == 0;
}

void
brig_host_docker_container (json_t *j, const char *id, struct brig_host_container *c)
{
  json_t *hc, *v;
  const char *name, *k;
  size_t i;

  c->id = xstrdup (id);
  c->engine = "Docker";
  name = json_string_value (json_object_get (j, "Name"));
  c->name = xstrdup (name ? (name[0] == '/' ? name + 1 : name) : id);
  c->where = xasprintf ("host:docker/%s", c->name);
  c->image = jdup (json_object_get (j, "Config"), "Image");
  hc = json_object_get (j, "HostConfig");
  c->privileged = json_is_true (json_object_get (hc, "Privileged"));
  c->host_network = jis (hc, "NetworkMode", "host");
  {
    /* Published ports reach a bridge through the engine's DNAT; these
       modes have none, or a listener of their own on the host. */
    static const char *const no_nat[] = { "host", "none", "slirp4netns", "pasta" };
    const char *mode = json_string_value (json_object_get (hc, "NetworkMode"));
    c->nat = true;
    for (size_t m = 0; mode && m < ARRAY_SIZE (no_nat); m++)
      if (str_has_prefix (mode, no_nat[m]))
        c->nat = false;
  }
  c->host_pid = jis (hc, "PidMode", "host");
  json_array_foreach (json_object_get (hc, "CapAdd"), i, v) if (json_string_value (v))
      strv_push (&c->cap_add, xstrdup (json_string_value (v)));
  c->readonly_rootfs = json_is_true (json_object_get (hc, "ReadonlyRootfs"));
  c->memory = json_integer_value (json_object_get (hc, "Memory"));
  c->pids_limit = json_integer_value (json_object_get (hc, "PidsLimit"));
  json_array_foreach (json_object_get (hc, "SecurityOpt"), i, v)
  {
    const char *s = json_string_value (v);
    if (s && strncmp (s, "no-new-privileges", 17) == 0 && !strstr (s, "false"))
      c->no_new_privileges = true;
    if (s && (strcmp (s, "seccomp=unconfined") == 0 || strcmp (s, "seccomp:unconfined") == 0))
      c->seccomp_unconfined = true;
  }
  json_array_foreach (json_object_get (j, "Mounts"), i,
                      v) if (jis (v, "Type", "bind")
                             && json_string_value (json_object_get (v, "Source")))
      strv_push (&c->binds, jdup (v, "Source"));
  /* What was asked to be published: "" is every address. */
  json_object_foreach (json_object_get (hc, "PortBindings"), k, v)
  {
    size_t n;
    json_t *b;
    json_array_foreach (v, n, b)
    {
      const char *ip = json_string_value (json_object_get (b, "HostIp"));
      const char *port = json_string_value (json_object_get (b, "HostPort"));
      if (ip == NULL || ip[0] == '\0' || strcmp (ip, "0.0.0.0") == 0 || strcmp (ip, "::") == 0)
        strv_push (&c->open_ports, xasprintf ("%s:%s->%s", ip && ip[0] ? ip : "0.0.0.0",
                                              port && port[0] ? port : "(any)", k));
    }
  }
}

static void
read_container (const char *sock, const char *engine, const char *id, struct brig_host_container *c)
{
  struct brig_err e = { 0 };
  _cleanup_free_ char *path = xasprintf ("/containers/%s/json", id);
  json_t *j = brig_docker_api_get (sock, path, &e);

  brig_err_release (&e);
  if (j == NULL)
    {
      /* Gone since the list, or the daemon stopped answering: named by id. */
      c->id = xstrdup (id);
      c->name = xstrndup (id, 12);
    }
  else
    {
      brig_host_docker_container (j, id, c);
      json_decref (j);
      free (c->where);
    }
  c->engine = strcmp (engine, "podman") == 0 ? "Podman" : "Docker";
  c->where = xasprintf ("host:%s/%s", engine, c->name);
}

/* The running containers of the API at SOCK (ENGINE: "docker",
 * "podman"), each inspected, into *RET; false and *RET_ERROR when the list
 * cannot be had. */
static bool
read_list (const char *sock, const char *engine, struct brig_host_container **ret, size_t *ret_n,
           char **ret_error)
{
  struct brig_err e = { 0 };
  json_t *list = brig_docker_api_get (sock, "/containers/json", &e), *v;
  size_t i;

  if (list == NULL)
    {
      *ret_error = xstrdup (e.msg ? e.msg : "no answer");
      brig_err_release (&e);
      return false;
    }
  *ret = xcalloc (json_array_size (list) + 1, sizeof **ret);
  json_array_foreach (list, i, v)
  {
    const char *id = json_string_value (json_object_get (v, "Id"));
    if (id && id[0] && strspn (id, "0123456789abcdef") == strlen (id))
      read_container (sock, engine, id, &(*ret)[(*ret_n)++]);
  }
  json_decref (list);
  return true;
}

void
brig_host_docker_info (json_t *info, struct brig_host_docker *d)
{
  json_t *v;
  size_t i;

  d->api = true;
  d->version = jdup (info, "ServerVersion");
  json_array_foreach (json_object_get (info, "SecurityOptions"), i, v)
  {
    const char *s = json_string_value (v);
    if (s == NULL)
      continue;
    d->api_seccomp |= strncmp (s, "name=seccomp", 12) == 0 && !strstr (s, "profile=unconfined");
    d->api_userns |= strncmp (s, "name=userns", 11) == 0;
    d->api_rootless |= strncmp (s, "name=rootless", 13) == 0;
  }
}

static void
read_api (const char *sock, struct brig_host_docker *d)
{
  struct brig_err e = { 0 };
  json_t *info = brig_docker_api_get (sock, "/info", &e);

  if (info == NULL)
    {
      d->api_error = xstrdup (e.msg ? e.msg : "no answer");
      brig_err_release (&e);
      return;
    }
  brig_host_docker_info (info, d);
  json_decref (info);
  read_list (sock, "docker", &d->containers, &d->ncontainers, &d->api_error);
}

void
brig_host_read_podman (const struct brig_host_paths *p, struct brig_host_engines *e)
{
  struct stat st;

  e->podman_socket = p->podman_socket ? xstrdup (p->podman_socket)
                                      : xasprintf ("%s/run/podman/podman.sock", p->root);
  if (stat (e->podman_socket, &st) < 0 || !S_ISSOCK (st.st_mode))
    {
      /* Only a socket named on purpose is worth a word. */
      if (p->podman_socket)
        e->podman_api_error = xasprintf ("`%s`: not a socket", e->podman_socket);
      return;
    }
  e->podman_api = read_list (e->podman_socket, "podman", &e->podman_containers,
                             &e->npodman_containers, &e->podman_api_error);
}

/* The members of the docker group: its line of /etc/group and the users
 * whose primary group it is (/etc/passwd). */
static void
read_group (const char *root, struct brig_host_docker *d)
{
  _cleanup_free_ char *gpath = xasprintf ("%s/etc/group", root);
  _cleanup_free_ char *ppath = xasprintf ("%s/etc/passwd", root);
  _cleanup_fclose_ FILE *g = fopen (gpath, "re");
  _cleanup_fclose_ FILE *pw = NULL;
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  long gid = -1;
  int n = 0;

  while (g && getline (&line, &cap, g) > 0)
    {
      char *save = NULL, *name, *members;
      n++;
      line[strcspn (line, "\n")] = '\0';
      name = strtok_r (line, ":", &save);
      if (name == NULL || strcmp (name, "docker") != 0)
        continue;
      /* docker:x:GID:a,b */
      {
        char *c1 = strchr (line + strlen (name) + 1, ':');
        if (c1 == NULL)
          break;
        gid = strtol (c1 + 1, &members, 10);
        members = strchr (c1 + 1, ':');
      }
      snprintf (d->group_src.file, sizeof d->group_src.file, "/etc/group");
      d->group_src.loc = (struct brig_loc){ n, 1, 0, 0 };
      if (members)
        {
          char *s2 = NULL;
          for (char *m = strtok_r (members + 1, ",", &s2); m; m = strtok_r (NULL, ",", &s2))
            strv_push (&d->docker_group, xstrdup (m));
        }
      break;
    }
  if (gid < 0)
    return;
  pw = fopen (ppath, "re");
  while (pw && getline (&line, &cap, pw) > 0)
    {
      char *f[5] = { 0 }, *p = line;
      for (int i = 0; i < 5 && p; i++)
        {
          f[i] = p;
          p = strchr (p, ':');
          if (p)
            *p++ = '\0';
        }
      if (f[3] && strtol (f[3], NULL, 10) == gid && !strv_contains (d->docker_group, f[0]))
        strv_push (&d->docker_group, xstrdup (f[0]));
    }
}

/* GID's name in ROOT's /etc/group, in RET. */
static void
group_name (const char *root, unsigned gid, char *ret, size_t size)
{
  _cleanup_free_ char *gpath = xasprintf ("%s/etc/group", root);
  _cleanup_fclose_ FILE *g = fopen (gpath, "re");
  char buf[512];

  snprintf (ret, size, "%u", gid);
  while (g && fgets (buf, sizeof buf, g))
    {
      char name[64];
      unsigned id;
      if (sscanf (buf, "%63[^:]:%*[^:]:%u", name, &id) == 2 && id == gid)
        {
          snprintf (ret, size, "%s", name);
          return;
        }
    }
}

/* The value of dockerd's flag -H/--host or --config-file (LONG_NAME,
 * SHORT) at ARGV[*I], moving *I past it; NULL when ARGV[*I] is another. */
static const char *
flag_value (char **argv, size_t argc, size_t *i, const char *long_name, char short_name)
{
  const char *a = argv[*i];
  size_t n = strlen (long_name);

  if (a[0] == '-' && a[1] == '-' && strncmp (a + 2, long_name, n) == 0)
    {
      if (a[2 + n] == '=')
        return a + 3 + n;
      if (a[2 + n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    }
  else if (short_name && a[0] == '-' && a[1] == short_name)
    {
      if (a[2])
        return a + 2 + (a[2] == '=');
      if (*i + 1 < argc)
        return argv[++*i];
    }
  return NULL;
}

/* Does a dockerd with these arguments serve SOCK (ROOT-relative paths
 * compared without ROOT)?  No -H is the default socket; fd:// is
 * systemd's, docker.socket's /run/docker.sock (/var/run is a link to it). */
static bool
serves (char **argv, size_t argc, const char *sock, char **ret_config)
{
  bool any = false, match = false;

  for (size_t i = 1; i < argc; i++)
    {
      const char *v;
      if ((v = flag_value (argv, argc, &i, "config-file", 0)))
        {
          free (*ret_config);
          *ret_config = xstrdup (v);
        }
      else if ((v = flag_value (argv, argc, &i, "host", 'H')))
        {
          any = true;
          if (str_has_prefix (v, "unix://"))
            match |= strcmp (v + 7, sock) == 0
                     || (strcmp (v + 7, "/run/docker.sock") == 0
                         && strcmp (sock, "/var/run/docker.sock") == 0);
          else if (str_has_prefix (v, "fd://"))
            match |= strcmp (sock, "/var/run/docker.sock") == 0
                     || strcmp (sock, "/run/docker.sock") == 0;
        }
    }
  return any ? match : strcmp (sock, "/var/run/docker.sock") == 0;
}

/* The running dockerd that serves D's socket: its /proc/PID/cmdline into
 * D, and the --config-file it was given into *RET_CONFIG. */
static void
find_dockerd (const struct brig_host_paths *p, struct brig_host_docker *d, char **ret_config)
{
  _cleanup_free_ char *procdir = xasprintf ("%s/proc", p->root);
  const char *sock = d->socket + strlen (p->docker_socket ? "" : p->root);
  struct dirent **ents = NULL;
  int n = scandir (procdir, &ents, NULL, versionsort);

  for (int i = 0; i < n; i++)
    {
      const char *pid = ents[i]->d_name;
      _cleanup_free_ char *comm_path = xasprintf ("%s/%s/comm", procdir, pid);
      _cleanup_free_ char *cmd_path = xasprintf ("%s/%s/cmdline", procdir, pid);
      _cleanup_free_ char *comm = NULL, *cmd = NULL, *config = NULL;
      _cleanup_strv_ char **argv = NULL;
      struct brig_err e = { 0 };
      size_t len, clen;

      if (d->dockerd_cmdline == NULL && pid[0] >= '1' && pid[0] <= '9'
          && brig_read_file (comm_path, 64, &comm, &len, &e) == 0 && strcmp (comm, "dockerd\n") == 0
          && brig_read_file (cmd_path, 1 << 20, &cmd, &clen, &e) == 0 && clen > 0)
        {
          for (size_t off = 0; off < clen; off += strlen (cmd + off) + 1)
            strv_push (&argv, xstrndup (cmd + off, clen - off));
          if (serves (argv, strv_len (argv), sock, &config))
            {
              /* Its bytes as read now: the flags are judged from these,
                 not from a second read that dockerd may have gone by. */
              d->dockerd_cmdline = steal_pointer (&cmd_path);
              d->dockerd_args = steal_pointer (&cmd);
              d->dockerd_args_len = clen;
              *ret_config = steal_pointer (&config);
            }
        }
      brig_err_release (&e);
      free (ents[i]);
    }
  free (ents);
}

void
brig_host_read_docker (const struct brig_host_paths *p, struct brig_host_docker *d)
{
  _cleanup_free_ char *conf = NULL, *flag_config = NULL;
  struct stat st;

  memset (d, 0, sizeof *d);
  d->socket = p->docker_socket ? xstrdup (p->docker_socket)
                               : xasprintf ("%s/var/run/docker.sock", p->root);
  find_dockerd (p, d, &flag_config);
  if (d->dockerd_cmdline)
    d->installed = true;
  /* --docker-config, else the running daemon's --config-file, else the
     default. */
  conf = p->docker_config ? xstrdup (p->docker_config)
         : flag_config    ? xasprintf ("%s%s", p->root, flag_config)
                          : xasprintf ("%s/etc/docker/daemon.json", p->root);
  if (!p->no_docker_config && stat (conf, &st) == 0 && S_ISREG (st.st_mode))
    {
      d->daemon_json = steal_pointer (&conf);
      d->installed = true;
    }
  if (stat (d->socket, &st) == 0 && S_ISSOCK (st.st_mode))
    {
      d->installed = d->socket_found = true;
      d->sock_uid = st.st_uid;
      d->sock_gid = st.st_gid;
      d->sock_mode = st.st_mode & 07777;
      group_name (p->root, st.st_gid, d->sock_group, sizeof d->sock_group);
      read_api (d->socket, d);
    }
  read_group (p->root, d);
}
