/* brig ps's /proc reader: every container on the host, whoever started it,
 * and the hardening that holds for it, read from the kernel.
 *
 * A container is a group of processes in a pid namespace that is not the
 * host's, or, for one that shares the host's pid namespace, whose cgroup
 * path names an engine (docker, libpod, containerd, kubepods, brig, lxc).
 * Its init is the process numbered 1 in its pid namespace, or the one
 * whose parent is outside the group.
 *
 * The host's namespaces are PID 1's when /proc/1/ns can be read; where it
 * cannot (a hardened /proc, a VM that hides it), brig's own process stands
 * in for the host, which is right when brig runs on the host and not in a
 * container (brig_observed_list.host_ref_pid says which). */
#ifndef BRIG_HOST_PROC_H
#define BRIG_HOST_PROC_H

#include "model/observed.h"
#include "util/err.h"

/* Scan PROC (NULL: "/proc") into *RET.  Processes that vanish while they
 * are read are skipped. */
int brig_proc_scan (const char *proc, struct brig_observed_list *ret, struct brig_err *err);

/* Read one process PID as a container's init (no grouping).  For tests. */
int brig_proc_observe (const char *proc, int pid, struct brig_observed *ret, struct brig_err *err);

/* Name ENGINE's containers ("docker", "podman") through the API at SOCK
 * (a path; Podman's `podman system service` serves Docker's endpoints):
 * GET /containers/json, matching ids; sets name, image and published
 * ports.  Fails when the daemon does not answer; nothing is changed then. */
int brig_api_names (const char *sock, const char *engine, struct brig_observed_list *l,
                    struct brig_err *err);

/* Name brig's containers from their state files in DIR (brig's runtime
 * directory: ID.json with name, image and pid).  Returns how many. */
int brig_state_names (const char *dir, struct brig_observed_list *l);

#endif
