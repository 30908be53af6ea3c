/* Dropping to the container's user and capability sets. */
#include "sandbox/internal.h"
#include "model/caps.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
last_cap (void)
{
  _cleanup_free_ char *buf = NULL;
  struct brig_err err = { 0 };
  int n = 63;

  if (brig_read_file ("/proc/sys/kernel/cap_last_cap", 64, &buf, NULL, &err) == 0)
    n = atoi (buf);
  brig_err_release (&err);
  /* Without /proc, drop every bit there could be rather than too few. */
  return n > 0 && n < 64 ? n : 63;
}

static int
capset_all (uint64_t eff, uint64_t prm, uint64_t inh)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2] = {
    { (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
    { (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
  };
  return (int)syscall (SYS_capset, &h, d);
}

int
brig_personality_apply (const struct brig_container *c, struct brig_err *err)
{
  if (c->has_personality && personality (c->personality) < 0)
    return brig_error (err, errno, "set personality 0x%lx", c->personality);
  return 0;
}

int
brig_caps_apply (const struct brig_container *c, struct brig_err *err)
{
  int last = last_cap ();
  bool root = c->uid == 0;

  /* The bounding set first: dropping needs CAP_SETPCAP, still held. */
  for (int i = 0; i <= last; i++)
    if (!(c->caps.bounding & (UINT64_C (1) << i)) && prctl (PR_CAPBSET_DROP, i, 0, 0, 0) < 0
        && errno != EINVAL)
      return brig_error (err, errno, "drop capability %d from the bounding set", i);
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return brig_error (err, errno, "clear ambient capabilities");

  if (!root && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return brig_error (err, errno, "keep capabilities across setuid");
  /* Rootless: setgroups(2) is denied in the namespace and no other group
   * is mapped, so there is nothing to set. */
  if (c->rootless && (c->ngroups > 1 || (c->ngroups == 1 && c->groups[0] != c->gid)))
    return brig_error (err, 0, "rootless: supplementary groups cannot be mapped");
  if (!c->rootless && setgroups (c->ngroups, c->groups) < 0)
    return brig_error (err, errno, "set supplementary groups");
  if (setresgid (c->gid, c->gid, c->gid) < 0)
    return brig_error (err, errno, "set group id %u (is it mapped in the user namespace?)",
                       (unsigned)c->gid);
  if (setresuid (c->uid, c->uid, c->uid) < 0)
    return brig_error (err, errno, "set user id %u (is it mapped in the user namespace?)",
                       (unsigned)c->uid);
  if (!root && prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return brig_error (err, errno, "reset keep-capabilities");

  /* Exactly the model's sets.  (A non-root user keeps capabilities across
   * exec only as ambient ones, which must also be inheritable: the model
   * says so when it wants that, see brig_capsets_uniform.) */
  if (capset_all (c->caps.effective, c->caps.permitted, c->caps.inheritable) < 0)
    return brig_error (err, errno, "set capabilities");
  for (int i = 0; i <= last; i++)
    if ((c->caps.ambient & (UINT64_C (1) << i))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
      return brig_error (err, errno, "raise ambient capability %s", brig_cap_name (i));
  return 0;
}
