/* /etc/passwd and /etc/group of an image, as text. */
#ifndef BRIG_PARSE_PASSWD_H
#define BRIG_PARSE_PASSWD_H

#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

struct brig_pwent
{
  uid_t uid;
  gid_t gid;
  char home[256]; /* "" when the entry has none */
};

/* Find the user named NAME (or, when NAME is all digits, numbered so) in the
 * passwd text.  Returns 0, -ENOENT when absent (err not set), or another
 * negative value for a malformed line that matched (err names
 * FILENAME:LINE). */
int brig_passwd_lookup (const char *buf, size_t len, const char *filename, const char *name,
                        struct brig_pwent *ret, struct brig_err *err);

/* Find the group NAME (or numbered so) in the group text; -ENOENT if absent. */
int brig_group_lookup (const char *buf, size_t len, const char *filename, const char *name,
                       gid_t *ret_gid, struct brig_err *err);

/* The groups that list USER as a member (the 4th field), appended to
 * *groups.  Malformed lines are skipped. */
void brig_group_members (const char *buf, size_t len, const char *user, gid_t **groups,
                         size_t *ngroups);

/* /etc/subuid or /etc/subgid: the first range "NAME:START:COUNT" for NAME
 * (or for the numeric ID).  -ENOENT if none. */
int brig_subid_lookup (const char *buf, size_t len, const char *name, unsigned id,
                       unsigned *ret_start, unsigned *ret_count);

#endif
