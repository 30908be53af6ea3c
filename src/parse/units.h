/* Values as Docker writes them: sizes ("512m"), CPU counts ("1.5"), ulimits
 * ("nofile=1024:2048").  Shared by the command line and, later, by compose
 * files and Kubernetes manifests. */
#ifndef BRIG_PARSE_UNITS_H
#define BRIG_PARSE_UNITS_H

#include <stdint.h>

#include "model/container.h"
#include "util/err.h"

/* "512", "512b", "64k", "512m", "1.5g", "2GiB", "1t": binary multiples, as
 * docker run's --memory.  Result in bytes. */
int brig_parse_size (const char *s, int64_t *ret_bytes, struct brig_err *err);

/* "2", "0.5", "1.25": CPUs as nano-CPUs (1e9 per CPU). */
int brig_parse_cpus (const char *s, uint64_t *ret_nanocpus, struct brig_err *err);

/* A whole number in [min, max]. */
int brig_parse_int64 (const char *s, int64_t min, int64_t max, int64_t *ret, struct brig_err *err);

/* "nofile=1024", "nofile=1024:2048", "core=unlimited" (or -1). */
int brig_parse_ulimit (const char *s, struct brig_rlimit *ret, struct brig_err *err);

/* The rlimit's name ("nofile") for RLIMIT_NOFILE, and back (any case). */
const char *brig_rlimit_name (int resource);
int brig_rlimit_from_name (const char *name);

/* The mount options --tmpfs, -v and --mount share: NAME sets and clears
 * MS_* flags (ro, rw, nosuid, suid, nodev, dev, noexec, exec); the table
 * ends with a NULL name. */
struct brig_mount_option
{
  const char *name;
  unsigned long set, clear;
};
extern const struct brig_mount_option brig_mount_options[];

/* --tmpfs PATH[:OPTIONS]: OPTIONS is a comma list of size=SIZE, mode=OCTAL,
 * ro, rw, nosuid, suid, nodev, dev, noexec, exec.  Defaults: nosuid, nodev,
 * noexec, mode 1777, 64 MiB.  *ret is a tmpfs mount (release it with
 * brig_mount_release). */
int brig_parse_tmpfs (const char *s, struct brig_mount *ret, struct brig_err *err);

#endif
