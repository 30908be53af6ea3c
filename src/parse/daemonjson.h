/* Docker's daemon.json (dockerd --config-file, /etc/docker/daemon.json) ->
 * the daemon model (model/daemon.h), read through the located YAML tree
 * (JSON is YAML), so that every setting has its line and column. */
#ifndef BRIG_PARSE_DAEMONJSON_H
#define BRIG_PARSE_DAEMONJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "model/daemon.h"
#include "parse/yaml.h"
#include "util/err.h"

/* Is NAME (a file's name, without its directory) daemon.json? */
bool brig_daemon_json_name (const char *name);

/* Is BUF (LEN bytes, parsed as Y) a daemon.json by its content?  Only
 * when it is one JSON object (its first character, after blanks, is `{`),
 * every key of it is an option dockerd reads from daemon.json (dockerd
 * itself refuses to start on any other key), and at least one of them is
 * not a word another JSON file could use as well (debug, labels, hosts,
 * features, dns...): `{"labels": [...]}` alone is not taken for one. */
bool brig_daemon_json_detect (const char *buf, size_t len, const struct brig_yaml *y);

/* The options dockerd reads from daemon.json, as brig knows them, sorted:
 * *RET_KEYS (NULL-terminated, static); returns how many. */
size_t brig_daemon_json_options (const char *const **ret_keys);

/* The settings of Y, read from FILE, that the daemon rules read.  More
 * than one document, anything but an object, a key given twice, or a
 * value of the wrong shape for what it sets (`"icc": "no"`) is an error at
 * its FILE:LINE:COL, as dockerd would refuse it.  Keys brig does not read
 * are not checked. */
int brig_parse_daemon_json (const struct brig_yaml *y, const char *file, struct brig_daemon **ret,
                            struct brig_err *err);

/* dockerd's command line over D: CMDLINE is LEN bytes of /proc/PID/cmdline
 * (NUL-terminated arguments, dockerd's own name first), read from FILE.
 * Each flag the daemon rules read replaces what daemon.json set (a list
 * flag, repeated, replaces the whole list), with src 1 and its place at
 * line 1, the column of its byte; values point into CMDLINE, which must
 * outlive D.  Other flags are passed over.  A flag without its value or a
 * boolean that is not one is an error at its place. */
int brig_daemon_flags (const char *cmdline, size_t len, const char *file, struct brig_daemon *d,
                       struct brig_err *err);

#endif
