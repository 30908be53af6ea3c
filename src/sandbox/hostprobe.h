/* Probes of what the running kernel offers, by asking it (brig host). */
#ifndef BRIG_SANDBOX_HOSTPROBE_H
#define BRIG_SANDBOX_HOSTPROBE_H

#include <stddef.h>

/* Landlock's ABI version (1 and up), or 0 when the kernel has none or
 * has it off; WHY (SIZE bytes) says what the kernel answered. */
int brig_landlock_abi (char *why, size_t size);

#endif
