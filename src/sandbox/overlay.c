/* Overlay mounts for image roots (overlay.h). */
#include "sandbox/overlay.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

bool
brig_overlay_available (void)
{
  _cleanup_free_ char *buf = NULL;
  size_t len;
  struct brig_err e = { 0 };
  bool yes = brig_read_file ("/proc/filesystems", 1 << 16, &buf, &len, &e) == 0
             && strstr (buf, "\toverlay\n") != NULL;

  brig_err_release (&e);
  return yes;
}

int
brig_overlay_mount (int layers_dir, const char *opts, const char *target, bool writable, bool suid,
                    struct brig_err *err)
{
  _cleanup_close_ int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  unsigned long flags = MS_NODEV | (suid ? 0 : MS_NOSUID) | (writable ? 0 : MS_RDONLY);
  int r;

  if (cwd < 0 || fchdir (layers_dir) < 0)
    return brig_error (err, errno, "mount the overlay at `%s`: enter its layers' directory",
                       target);
  r = mount ("overlay", target, "overlay", flags, opts) < 0 ? -errno : 0;
  if (fchdir (cwd) < 0 && r == 0)
    {
      r = -errno;
      umount2 (target, MNT_DETACH);
    }
  if (r < 0)
    return brig_error (err, -r, "mount the overlay at `%s`", target);
  return 0;
}

void
brig_overlay_detach (const char *target)
{
  umount2 (target, MNT_DETACH);
}
