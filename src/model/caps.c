#include "model/caps.h"
#include "util/cleanup.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static const char *const cap_full_names[BRIG_CAP_MAX + 1] = {
#define N(i, s) [i] = "CAP_" s
  N (0, "CHOWN"),
  N (1, "DAC_OVERRIDE"),
  N (2, "DAC_READ_SEARCH"),
  N (3, "FOWNER"),
  N (4, "FSETID"),
  N (5, "KILL"),
  N (6, "SETGID"),
  N (7, "SETUID"),
  N (8, "SETPCAP"),
  N (9, "LINUX_IMMUTABLE"),
  N (10, "NET_BIND_SERVICE"),
  N (11, "NET_BROADCAST"),
  N (12, "NET_ADMIN"),
  N (13, "NET_RAW"),
  N (14, "IPC_LOCK"),
  N (15, "IPC_OWNER"),
  N (16, "SYS_MODULE"),
  N (17, "SYS_RAWIO"),
  N (18, "SYS_CHROOT"),
  N (19, "SYS_PTRACE"),
  N (20, "SYS_PACCT"),
  N (21, "SYS_ADMIN"),
  N (22, "SYS_BOOT"),
  N (23, "SYS_NICE"),
  N (24, "SYS_RESOURCE"),
  N (25, "SYS_TIME"),
  N (26, "SYS_TTY_CONFIG"),
  N (27, "MKNOD"),
  N (28, "LEASE"),
  N (29, "AUDIT_WRITE"),
  N (30, "AUDIT_CONTROL"),
  N (31, "SETFCAP"),
  N (32, "MAC_OVERRIDE"),
  N (33, "MAC_ADMIN"),
  N (34, "SYSLOG"),
  N (35, "WAKE_ALARM"),
  N (36, "BLOCK_SUSPEND"),
  N (37, "AUDIT_READ"),
  N (38, "PERFMON"),
  N (39, "BPF"),
  N (40, "CHECKPOINT_RESTORE"),
#undef N
};

int
brig_cap_from_name (const char *name)
{
  if (strncasecmp (name, "CAP_", 4) == 0)
    name += 4;
  if (strcasecmp (name, "ALL") == 0)
    return -2;
  for (int i = 0; i <= BRIG_CAP_MAX; i++)
    if (strcasecmp (name, cap_full_names[i] + 4) == 0)
      return i;
  return -1;
}

const char *
brig_cap_name (int cap)
{
  if (cap < 0 || cap > BRIG_CAP_MAX)
    return NULL;
  return cap_full_names[cap];
}

#define BIT(c) (UINT64_C (1) << (c))

uint64_t
brig_engine_default_caps (const char *engine)
{
  static const uint64_t podman
      = BIT (0) /* CHOWN */ | BIT (1) /* DAC_OVERRIDE */ | BIT (3)                   /* FOWNER */
        | BIT (4) /* FSETID */ | BIT (5) /* KILL */ | BIT (6) /* SETGID */ | BIT (7) /* SETUID */
        | BIT (8) /* SETPCAP */ | BIT (10) /* NET_BIND_SERVICE */ | BIT (18) /* SYS_CHROOT */
        | BIT (31) /* SETFCAP */;
  static const uint64_t docker
      = podman | BIT (13) /* NET_RAW */ | BIT (27) /* MKNOD */ | BIT (29) /* AUDIT_WRITE */;

  return engine && strcmp (engine, "podman") == 0 ? podman : docker;
}

int
brig_cap_parse (const char *name, uint64_t *ret_mask, struct brig_err *err)
{
  int cap = brig_cap_from_name (name);

  if (cap == -2)
    {
      *ret_mask = BRIG_CAPS_ALL;
      return 0;
    }
  if (cap < 0)
    return brig_error (err, 0,
                       "unknown capability `%s`: expected a name such as NET_BIND_SERVICE "
                       "or CAP_CHOWN (see capabilities(7)), or ALL",
                       name);
  *ret_mask = UINT64_C (1) << cap;
  return 0;
}

char *
brig_caps_format (uint64_t mask)
{
  char *s = xstrdup ("");
  for (int i = 0; i <= BRIG_CAP_MAX; i++)
    if (mask & (UINT64_C (1) << i))
      {
        char *n = xasprintf ("%s%s%s", s, *s ? "," : "", cap_full_names[i]);
        free (s);
        s = n;
      }
  return s;
}
