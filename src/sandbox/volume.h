/* Named volumes: directories brig keeps for containers, under its state
 * directory (/var/lib/brig/volumes/NAME, or per user), that outlive them.
 *
 *   volumes/NAME/_data   what the container sees, owned by the host ids
 *                        its user maps to (set each time it is mounted)
 *   volumes/NAME/lock    held shared by each container using it, so that
 *                        removing a volume in use is refused, race-free
 *
 * The caller checks NAME (parse/volume.h); these refuse a name with `/`. */
#ifndef BRIG_SANDBOX_VOLUME_H
#define BRIG_SANDBOX_VOLUME_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "util/err.h"

/* The directory that holds the volumes (allocated). */
char *brig_volume_root (void);

/* Make volume NAME; *RET_EXISTED (may be NULL) says it was already there. */
int brig_volume_create (const char *name, bool *ret_existed, struct brig_err *err);

/* The volumes' names, sorted (NULL-terminated, NULL for none). */
int brig_volume_list (char ***ret, struct brig_err *err);

struct brig_volume_info
{
  char *name;
  char *mountpoint; /* the host path of _data */
  uid_t uid;        /* its owner on the host */
  gid_t gid;
  char **used_by; /* running containers, "ID12 (NAME)"; NULL for none */
  time_t created; /* when it was made: its lock file is never written */
};

/* -ENOENT (err saying so) when there is no volume NAME. */
int brig_volume_inspect (const char *name, struct brig_volume_info *ret, struct brig_err *err);
void brig_volume_info_release (struct brig_volume_info *v);

/* Remove volume NAME and everything in it, following no symlink it
 * holds; refused (-EBUSY) while a container uses it. */
int brig_volume_remove (const char *name, struct brig_err *err);

/* For a container: volume NAME, made if missing, its _data owned by the
 * host ids UID:GID (what the container's user maps to).  *RET_PATH is the
 * host path of _data; *RET_LOCK holds the volume in use until closed. */
int brig_volume_use (const char *name, uid_t uid, gid_t gid, char **ret_path, int *ret_lock,
                     struct brig_err *err);

#endif
