/* AppArmor profiles and SELinux labels (process.apparmorProfile,
 * process.selinuxLabel): applied where the host runs that security module,
 * an error where it does not, never skipped in silence. */
#include "sandbox/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

static bool
apparmor_enabled (void)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  struct brig_err e = { 0 };
  bool on = brig_read_file ("/sys/module/apparmor/parameters/enabled", 16, &buf, &len, &e) == 0
            && len > 0 && buf[0] == 'Y';

  brig_err_release (&e);
  return on;
}

static bool
selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

int
brig_lsm_check (const struct brig_container *c, struct brig_err *err)
{
  if (c->apparmor_profile && *c->apparmor_profile && !apparmor_enabled ())
    return brig_error (err, 0,
                       "process.apparmorProfile `%s`: AppArmor is not enabled on this host "
                       "(/sys/module/apparmor/parameters/enabled); remove the profile or run "
                       "on a host with AppArmor",
                       c->apparmor_profile);
  if (c->selinux_label && *c->selinux_label && !selinux_enabled ())
    return brig_error (err, 0,
                       "process.selinuxLabel `%s`: SELinux is not enabled on this host (no "
                       "/sys/fs/selinux); remove the label or run on a host with SELinux",
                       c->selinux_label);
  return 0;
}

/* Write VALUE to this thread's /proc attribute FILE, checking that it is
 * procfs (CVE-2019-16884: a mount over /proc must not take the write). */
static int
write_attr (const char *file, const char *value, struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("/proc/thread-self/attr/%s", file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  struct statfs sf;
  ssize_t n;

  if (fd < 0)
    return brig_error (err, errno, "open `%s`", path);
  if (fstatfs (fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
    return brig_error (err, 0, "`%s` is not on procfs", path);
  n = write (fd, value, strlen (value));
  if (n != (ssize_t)strlen (value))
    return brig_error (err, n < 0 ? errno : EIO, "write `%s` to `%s`", value, path);
  return 0;
}

int
brig_lsm_apply (const struct brig_container *c, struct brig_err *err)
{
  int r;

  if (c->apparmor_profile && *c->apparmor_profile)
    {
      _cleanup_free_ char *v = xasprintf ("exec %s", c->apparmor_profile);
      /* The AppArmor-specific file first (5.8+), then the shared one. */
      if ((r = write_attr ("apparmor/exec", v, err)) < 0)
        {
          brig_err_release (err);
          if ((r = write_attr ("exec", v, err)) < 0)
            return brig_err_wrap (err, "AppArmor profile `%s`", c->apparmor_profile);
        }
    }
  if (c->selinux_label && *c->selinux_label && (r = write_attr ("exec", c->selinux_label, err)) < 0)
    return brig_err_wrap (err, "SELinux label `%s`", c->selinux_label);
  return 0;
}
