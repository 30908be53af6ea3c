/* The Docker daemon model: what a daemon.json says of the settings brig
 * audit's daemon rules read (policy/daemon_rules.c), each value with where
 * it was written, as struct brig_wval does for a workload.  Strings are
 * borrowed from the parsed file, which outlives the model.
 *
 * A setting that was not written is unset (SET false): dockerd's default
 * applies, and the rules say what that default is. */
#ifndef BRIG_MODEL_DAEMON_H
#define BRIG_MODEL_DAEMON_H

#include <stdbool.h>

#include "model/workload.h"

/* A setting whose value is a list or an object (hosts, default-ulimits):
 * its items (an object's keys) and where the key is.  Set but empty (`[]`,
 * `{}`) is not the same as absent for locations only. */
struct brig_dlist
{
  struct brig_wlist items;
  struct brig_loc loc; /* the key, to the end of its value */
  bool set;
  unsigned char src; /* as struct brig_wval's */
};

struct brig_daemon
{
  const char *file;
  /* The running dockerd's /proc/PID/cmdline when its flags were read
   * (brig host): values with src 1 were set there, at line 1 and the
   * column of their byte in it.  Flags win over the file, as the daemon
   * runs with them. */
  const char *flags_file;
  struct brig_loc loc; /* the object: where what is missing is reported */
  /* Booleans are "true" or "false"; strings as written. */
  struct brig_wval icc, log_level, debug, iptables, storage_driver;
  struct brig_wval tls, tlsverify, userns_remap, log_driver;
  struct brig_wval no_new_privileges, live_restore, userland_proxy, seccomp_profile;
  struct brig_wval experimental;
  struct brig_dlist hosts, insecure_registries, authorization_plugins, storage_opts;
  struct brig_dlist default_ulimits; /* its items: the ulimits' names */
  char **owned;                      /* strings the model owns (NULL-terminated), or NULL */
};

void brig_daemon_free (struct brig_daemon *d);

#endif
