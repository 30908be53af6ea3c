/* daemon.json -> the daemon model (see daemonjson.h).  One table names
 * every option dockerd reads from daemon.json (Linux; Docker 17 to 28, the
 * removed ones included, since old files still carry them): it decides
 * whether a JSON file is a daemon.json, and for the options the rules
 * read, the shape of the value and where it goes in the model. */
#include "parse/daemonjson.h"
#include "util/cleanup.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum shape
{
  ANY,  /* not read: not checked */
  BOOL, /* true or false */
  STR,  /* a string */
  LIST, /* a list of strings */
  OBJ,  /* an object: its keys are the items */
};

/* GENERIC: a word other JSON files use too, which alone does not make a
 * file a daemon.json. */
#define G true
#define VAL(field) offsetof (struct brig_daemon, field)
#define NONE 0

static const struct option
{
  const char *key;
  enum shape shape;
  size_t off; /* of a struct brig_wval (BOOL, STR) or a struct brig_dlist (LIST, OBJ) */
  bool generic;
} options[] = {
  { "allow-nondistributable-artifacts", ANY, NONE, false },
  { "api-cors-header", ANY, NONE, false },
  { "authorization-plugins", LIST, VAL (authorization_plugins), false },
  { "bip", ANY, NONE, false },
  { "bip6", ANY, NONE, false },
  { "bridge", ANY, NONE, G },
  { "builder", ANY, NONE, G },
  { "cdi-spec-dirs", ANY, NONE, false },
  { "cgroup-parent", ANY, NONE, false },
  { "cluster-advertise", ANY, NONE, false },
  { "cluster-store", ANY, NONE, false },
  { "cluster-store-opts", ANY, NONE, false },
  { "containerd", ANY, NONE, G },
  { "containerd-namespace", ANY, NONE, false },
  { "containerd-plugins-namespace", ANY, NONE, false },
  { "cpu-rt-period", ANY, NONE, false },
  { "cpu-rt-runtime", ANY, NONE, false },
  { "cri-containerd", ANY, NONE, false },
  { "data-root", ANY, NONE, false },
  { "debug", BOOL, VAL (debug), G },
  { "default-address-pools", ANY, NONE, false },
  { "default-cgroupns-mode", ANY, NONE, false },
  { "default-gateway", ANY, NONE, false },
  { "default-gateway-v6", ANY, NONE, false },
  { "default-ipc-mode", ANY, NONE, false },
  { "default-network-opts", ANY, NONE, false },
  { "default-runtime", ANY, NONE, false },
  { "default-shm-size", ANY, NONE, false },
  { "default-ulimits", OBJ, VAL (default_ulimits), false },
  { "disable-legacy-registry", ANY, NONE, false },
  { "dns", ANY, NONE, G },
  { "dns-opts", ANY, NONE, false },
  { "dns-search", ANY, NONE, false },
  { "exec-opts", ANY, NONE, false },
  { "exec-root", ANY, NONE, false },
  { "experimental", BOOL, VAL (experimental), G },
  { "features", ANY, NONE, G },
  { "fixed-cidr", ANY, NONE, false },
  { "fixed-cidr-v6", ANY, NONE, false },
  { "graph", ANY, NONE, G },
  { "group", ANY, NONE, G },
  { "host-gateway-ip", ANY, NONE, false },
  { "host-gateway-ips", ANY, NONE, false },
  { "hosts", LIST, VAL (hosts), G },
  { "http-proxy", ANY, NONE, false },
  { "https-proxy", ANY, NONE, false },
  { "icc", BOOL, VAL (icc), false },
  { "init", ANY, NONE, G },
  { "init-path", ANY, NONE, false },
  { "insecure-registries", LIST, VAL (insecure_registries), false },
  { "ip", ANY, NONE, G },
  { "ip-forward", ANY, NONE, false },
  { "ip-forward-no-drop", ANY, NONE, false },
  { "ip-masq", ANY, NONE, false },
  { "ip6tables", ANY, NONE, false },
  { "iptables", BOOL, VAL (iptables), false },
  { "ipv6", ANY, NONE, G },
  { "labels", ANY, NONE, G },
  { "live-restore", BOOL, VAL (live_restore), false },
  { "log-driver", STR, VAL (log_driver), false },
  { "log-format", ANY, NONE, false },
  { "log-level", STR, VAL (log_level), false },
  { "log-opts", ANY, NONE, false },
  { "max-concurrent-downloads", ANY, NONE, false },
  { "max-concurrent-uploads", ANY, NONE, false },
  { "max-download-attempts", ANY, NONE, false },
  { "metrics-addr", ANY, NONE, false },
  { "mtu", ANY, NONE, G },
  { "network-control-plane-mtu", ANY, NONE, false },
  { "no-new-privileges", BOOL, VAL (no_new_privileges), false },
  { "no-proxy", ANY, NONE, false },
  { "node-generic-resources", ANY, NONE, false },
  { "oom-score-adjust", ANY, NONE, false },
  { "pidfile", ANY, NONE, G },
  { "proxies", ANY, NONE, G },
  { "raw-logs", ANY, NONE, false },
  { "registry-mirrors", ANY, NONE, false },
  { "rootless", ANY, NONE, G },
  { "runtimes", ANY, NONE, G },
  { "seccomp-profile", STR, VAL (seccomp_profile), false },
  { "selinux-enabled", ANY, NONE, false },
  { "shutdown-timeout", ANY, NONE, false },
  { "storage-driver", STR, VAL (storage_driver), false },
  { "storage-opts", LIST, VAL (storage_opts), false },
  { "swarm-default-advertise-addr", ANY, NONE, false },
  { "tls", BOOL, VAL (tls), G },
  { "tlscacert", ANY, NONE, false },
  { "tlscert", ANY, NONE, false },
  { "tlskey", ANY, NONE, false },
  { "tlsverify", BOOL, VAL (tlsverify), false },
  { "userland-proxy", BOOL, VAL (userland_proxy), false },
  { "userland-proxy-path", ANY, NONE, false },
  { "userns-remap", STR, VAL (userns_remap), false },
};

#undef G
#undef VAL
#undef NONE

static int
by_key (const void *key, const void *o)
{
  return strcmp (key, ((const struct option *)o)->key);
}

/* The table is sorted by key (a unit test checks it). */
static const struct option *
option_find (const char *key)
{
  return bsearch (key, options, ARRAY_SIZE (options), sizeof *options, by_key);
}

size_t
brig_daemon_json_options (const char *const **ret_keys)
{
  static const char *keys[ARRAY_SIZE (options) + 1];

  for (size_t i = 0; i < ARRAY_SIZE (options); i++)
    keys[i] = options[i].key;
  *ret_keys = keys;
  return ARRAY_SIZE (options);
}

bool
brig_daemon_json_name (const char *name)
{
  return strcmp (name, "daemon.json") == 0;
}

bool
brig_daemon_json_detect (const char *buf, size_t len, const struct brig_yaml *y)
{
  const struct brig_ynode *root = brig_yaml_ndocs (y) == 1 ? brig_yaml_doc (y, 0) : NULL;
  bool distinctive = false;
  size_t i = 0;

  while (i < len && strchr (" \t\r\n", buf[i]))
    i++;
  if (i == len || buf[i] != '{' || root == NULL || root->kind != BRIG_Y_MAP || root->n == 0)
    return false;
  for (size_t k = 0; k < root->n; k++)
    {
      const struct brig_ynode *key = root->items[2 * k];
      const struct option *o = key->kind == BRIG_Y_SCALAR ? option_find (key->value) : NULL;
      if (o == NULL)
        return false;
      distinctive |= !o->generic;
    }
  return distinctive;
}

static int
bad (const char *file, const struct brig_ynode *n, const char *key, const char *expected,
     struct brig_err *err)
{
  return brig_error (err, 0, "%s:%d:%d: %s: expected %s", file, n->line, n->col, key, expected);
}

/* A plain scalar that JSON reads as a boolean or a number, not a string. */
static bool
json_non_string (const struct brig_ynode *v)
{
  long long n;
  return v->plain && (brig_ybool (v) >= 0 || brig_yint (v, &n) == 0);
}

static bool
is_null (const struct brig_ynode *v)
{
  return v->kind == BRIG_Y_SCALAR && brig_ystr (v) == NULL;
}

static int
read_option (const struct option *o, const struct brig_ynode *k, const struct brig_ynode *v,
             const char *file, struct brig_daemon *d, struct brig_err *err)
{
  struct brig_loc loc = { k->line, k->col, v->end_line, v->end_col };
  struct brig_wval *val = (struct brig_wval *)((char *)d + o->off);
  struct brig_dlist *list = (struct brig_dlist *)((char *)d + o->off);
  int b;

  if (o->shape == ANY || is_null (v))
    return 0; /* null: dockerd's default, as if absent */
  switch (o->shape)
    {
    case BOOL:
      if ((b = brig_ybool (v)) < 0)
        return bad (file, v, o->key, "true or false", err);
      *val = (struct brig_wval){ b ? "true" : "false", loc, true };
      return 0;
    case STR:
      if (v->kind != BRIG_Y_SCALAR || json_non_string (v))
        return bad (file, v, o->key, "a string", err);
      *val = (struct brig_wval){ v->value, loc, true };
      return 0;
    case LIST:
      if (v->kind != BRIG_Y_SEQ)
        return bad (file, v, o->key, "a list of strings", err);
      for (size_t i = 0; i < v->n; i++)
        {
          const struct brig_ynode *e = v->items[i];
          if (e->kind != BRIG_Y_SCALAR || json_non_string (e) || brig_ystr (e) == NULL)
            return bad (file, e, o->key, "a list of strings", err);
          brig_wlist_push (&list->items, (struct brig_wval){ e->value, brig_yloc (e), true });
        }
      break;
    case OBJ:
      if (v->kind != BRIG_Y_MAP)
        return bad (file, v, o->key, "an object", err);
      for (size_t i = 0; i < v->n; i++)
        {
          const struct brig_ynode *e = v->items[2 * i];
          if (e->kind == BRIG_Y_SCALAR)
            brig_wlist_push (&list->items, (struct brig_wval){ e->value, brig_yloc (e), true });
        }
      break;
    case ANY:
    default:
      return 0;
    }
  list->loc = loc;
  list->set = true;
  return 0;
}

int
brig_parse_daemon_json (const struct brig_yaml *y, const char *file, struct brig_daemon **ret,
                        struct brig_err *err)
{
  const struct brig_ynode *root = brig_yaml_doc (y, 0);
  int first[ARRAY_SIZE (options)] = { 0 }; /* the line each option was first given at */
  struct brig_daemon *d;
  int r = 0;

  if (brig_yaml_ndocs (y) > 1)
    {
      const struct brig_ynode *second = brig_yaml_doc (y, 1);
      return brig_error (err, 0, "%s:%d:%d: expected one JSON object, not several documents", file,
                         second ? second->line : 0, second ? second->col : 0);
    }
  if (root == NULL || root->kind != BRIG_Y_MAP)
    return brig_error (err, 0, "%s:%d:%d: expected a JSON object of daemon options", file,
                       root ? root->line : 1, root ? root->col : 1);
  d = xcalloc (1, sizeof *d);
  d->file = file;
  d->loc = brig_yloc (root);
  for (size_t i = 0; i < root->n && r == 0; i++)
    {
      const struct brig_ynode *k = root->items[2 * i], *v = root->items[2 * i + 1];
      const struct option *o;

      if (k->kind != BRIG_Y_SCALAR)
        {
          r = brig_error (err, 0, "%s:%d:%d: expected a string key", file, k->line, k->col);
          break;
        }
      if ((o = option_find (k->value)) == NULL)
        continue; /* not an option brig knows: dockerd's business */
      if (first[o - options])
        r = brig_error (err, 0,
                        "%s:%d:%d: `%s` is given twice (first at line %d): dockerd would read "
                        "only the last",
                        file, k->line, k->col, k->value, first[o - options]);
      else
        {
          first[o - options] = k->line;
          r = read_option (o, k, v, file, d, err);
        }
    }
  if (r < 0)
    {
      brig_daemon_free (d);
      return r;
    }
  *ret = d;
  return 0;
}

/* dockerd's flags for the options the rules read, and the daemon.json key
 * each sets (pflag's forms: --name=value, --name value, -Xvalue, -X value;
 * a boolean alone is true). */
static const struct flag
{
  char short_name;
  const char *name, *key;
} flags[] = {
  { 'H', "host", "hosts" },
  { 'D', "debug", "debug" },
  { 'l', "log-level", "log-level" },
  { 's', "storage-driver", "storage-driver" },
  { 0, "authorization-plugin", "authorization-plugins" },
  { 0, "default-ulimit", "default-ulimits" },
  { 0, "experimental", "experimental" },
  { 0, "icc", "icc" },
  { 0, "insecure-registry", "insecure-registries" },
  { 0, "iptables", "iptables" },
  { 0, "live-restore", "live-restore" },
  { 0, "log-driver", "log-driver" },
  { 0, "no-new-privileges", "no-new-privileges" },
  { 0, "seccomp-profile", "seccomp-profile" },
  { 0, "storage-opt", "storage-opts" },
  { 0, "tls", "tls" },
  { 0, "tlsverify", "tlsverify" },
  { 0, "userland-proxy", "userland-proxy" },
  { 0, "userns-remap", "userns-remap" },
};

/* The flag ARG names (with its `=value` or, for a short one, its glued
 * value in *RET_VALUE), or NULL. */
static const struct flag *
flag_find (const char *arg, const char **ret_value)
{
  *ret_value = NULL;
  if (arg[0] == '-' && arg[1] == '-')
    {
      size_t n = strcspn (arg + 2, "=");
      for (size_t i = 0; i < ARRAY_SIZE (flags); i++)
        if (strlen (flags[i].name) == n && strncmp (arg + 2, flags[i].name, n) == 0)
          {
            if (arg[2 + n] == '=')
              *ret_value = arg + 3 + n;
            return &flags[i];
          }
      return NULL;
    }
  if (arg[0] == '-' && arg[1] && arg[1] != '-')
    for (size_t i = 0; i < ARRAY_SIZE (flags); i++)
      if (flags[i].short_name == arg[1])
        {
          if (arg[2])
            *ret_value = arg[2] == '=' ? arg + 3 : arg + 2;
          return &flags[i];
        }
  return NULL;
}

/* pflag's booleans: 1, t, T, TRUE, true, True and their false ones. */
static int
flag_bool (const char *v)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    if (strcmp (v, yes[i]) == 0)
      return 1;
    else if (strcmp (v, no[i]) == 0)
      return 0;
  return -1;
}

int
brig_daemon_flags (const char *cmdline, size_t len, const char *file, struct brig_daemon *d,
                   struct brig_err *err)
{
  bool listed[ARRAY_SIZE (options)] = { false }; /* lists a flag has begun */
  size_t off = 0;

  if (len == 0 || cmdline[len - 1] != '\0')
    return brig_error (err, 0, "%s: expected NUL-terminated arguments", file);
  d->flags_file = file;
  off = strlen (cmdline) + 1; /* dockerd itself */
  while (off < len)
    {
      const char *arg = cmdline + off, *value;
      size_t start = off, vstart;
      const struct flag *fl = flag_find (arg, &value);
      const struct option *o;
      struct brig_loc loc;
      int b;

      off += strlen (arg) + 1;
      if (fl == NULL)
        {
          /* Not a flag the rules read: its value, when not glued with =,
             is the next argument unless that is a flag (dockerd takes no
             operands). */
          if (arg[0] == '-' && strchr (arg, '=') == NULL && off < len && cmdline[off] != '-')
            off += strlen (cmdline + off) + 1;
          continue;
        }
      o = option_find (fl->key);
      if (value == NULL && o->shape != BOOL)
        {
          if (off >= len)
            return brig_error (err, 0, "%s:1:%zu: %s: expected a value", file, start + 1, arg);
          value = cmdline + off;
          off += strlen (value) + 1;
        }
      vstart = value ? (size_t)(value - cmdline) : start;
      loc = (struct brig_loc){ 1, (int)start + 1, 1, (int)(vstart + strlen (value ? value : arg)) };
      if (o->shape == BOOL)
        {
          if ((b = value ? flag_bool (value) : 1) < 0)
            return brig_error (err, 0, "%s:1:%zu: %s: expected true or false", file, vstart + 1,
                               arg);
          *(struct brig_wval *)((char *)d + o->off)
              = (struct brig_wval){ b ? "true" : "false", loc, true, 1 };
        }
      else if (o->shape == STR)
        *(struct brig_wval *)((char *)d + o->off) = (struct brig_wval){ value, loc, true, 1 };
      else
        {
          struct brig_dlist *l = (struct brig_dlist *)((char *)d + o->off);
          size_t n = o->shape == OBJ ? strcspn (value, "=") : strlen (value);
          if (!listed[o - options])
            {
              /* The flags' list is the one the daemon runs with. */
              free (l->items.v);
              l->items = (struct brig_wlist){ 0 };
              listed[o - options] = true;
              l->loc = loc;
            }
          const char *item = value;
          if (value[n])
            {
              /* An ulimit's name ends at its `=`: a copy the model owns. */
              strv_push (&d->owned, xstrndup (value, n));
              item = d->owned[strv_len (d->owned) - 1];
            }
          brig_wlist_push (
              &l->items,
              (struct brig_wval){ item, { 1, (int)vstart + 1, 1, (int)(vstart + n) }, true, 1 });
          l->set = true;
          l->src = 1;
        }
    }
  return 0;
}
