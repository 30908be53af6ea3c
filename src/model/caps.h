/* Capability names <-> numbers, as one table. */
#ifndef BRIG_MODEL_CAPS_H
#define BRIG_MODEL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define BRIG_CAP_MAX 40 /* CAP_CHECKPOINT_RESTORE, the last one brig knows */
#define BRIG_CAPS_ALL ((UINT64_C (1) << (BRIG_CAP_MAX + 1)) - 1)

/* "NET_ADMIN", "cap_net_admin", "CAP_NET_ADMIN" -> 12; "ALL" -> -2; else -1. */
int brig_cap_from_name (const char *name);

/* "CAP_NET_ADMIN" for 12; NULL for an unknown number. */
const char *brig_cap_name (int cap);

/* Parse one --cap-add/--cap-drop value into *ret_mask (ALL gives every cap).
 * The error lists what is allowed. */
int brig_cap_parse (const char *name, uint64_t *ret_mask, struct brig_err *err);

/* The capabilities an engine gives a container that asks for none:
 * Podman's 11 for "podman" (containers.conf(5) default_capabilities),
 * Docker's 14 for any other (moby's oci/caps/defaults.go; containerd's
 * and CRI-O's are the same set). */
uint64_t brig_engine_default_caps (const char *engine);

/* "CAP_CHOWN,CAP_KILL" or "" for a mask; caller frees. */
char *brig_caps_format (uint64_t mask);

#endif
