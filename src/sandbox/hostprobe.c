/* Probes of what the running kernel offers (brig host): each asks the
 * kernel with a call that changes nothing. */
#include "sandbox/hostprobe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)

int
brig_landlock_abi (char *why, size_t size)
{
  long abi = syscall (__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

  if (abi > 0)
    {
      snprintf (why, size, "landlock_create_ruleset: ABI version %ld", abi);
      return (int)abi;
    }
  snprintf (why, size, "landlock_create_ruleset: %s",
            errno == EOPNOTSUPP ? "built in but turned off (lsm= on the kernel's command line)"
            : errno == ENOSYS   ? "not in this kernel"
                                : strerror (errno));
  return 0;
}
