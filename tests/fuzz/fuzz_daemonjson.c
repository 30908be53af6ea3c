/* Fuzz the daemon.json reader: detection, the reader and the daemon
 * rules behind it.  An input that starts with "dockerd" and a NUL is a
 * dockerd command line instead (/proc/PID/cmdline), read over an empty
 * daemon.json. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/daemonjson.h"
#include "policy/daemon.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_daemon *d = NULL;
  struct brig_findings f = { 0 };

  if (size >= 8 && memcmp (data, "dockerd", 8) == 0)
    {
      d = calloc (1, sizeof *d);
      d->file = "daemon.json";
      if (brig_daemon_flags ((const char *)data, size, "cmdline", d, &err) == 0)
        brig_audit_daemon (d, &f);
      brig_daemon_free (d);
      brig_findings_release (&f);
      brig_err_release (&err);
      return 0;
    }
  if (brig_yaml_load ((const char *)data, size, "daemon.json", &y, &err) == 0)
    {
      (void)brig_daemon_json_detect ((const char *)data, size, y);
      if (brig_parse_daemon_json (y, "daemon.json", &d, &err) == 0)
        {
          brig_audit_daemon (d, &f);
          brig_daemon_free (d);
        }
      brig_yaml_free (y);
    }
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
