/* Scope-bound cleanup and explicit hand-off of ownership.
 *
 *   _cleanup_free_ char *p = NULL;     freed when p goes out of scope
 *   _cleanup_close_ int fd = -1;       closed when fd goes out of scope
 *   return steal_pointer (&p);         hand p to the caller, leave NULL
 *   *ret_fd = steal_fd (&fd);          hand fd to the caller, leave -1 */
#ifndef BRIG_UTIL_CLEANUP_H
#define BRIG_UTIL_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/mem.h"

static inline void
cleanup_freep (void *p)
{
  free (*(void **)p);
}

static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
cleanup_strvp (char ***v)
{
  strv_free (*v);
}

#define _cleanup_free_ __attribute__ ((cleanup (cleanup_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (cleanup_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (cleanup_fclosep)))
#define _cleanup_strv_ __attribute__ ((cleanup (cleanup_strvp)))

static inline void *
steal_pointer_impl (void *pp)
{
  void **p = pp;
  void *r = *p;
  *p = NULL;
  return r;
}
/* The dead branch makes the compiler check the pointer's type. */
#define steal_pointer(pp) (0 ? (*(pp)) : steal_pointer_impl (pp))

static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

#endif
