/* brig probe's tries: what an attacker inside a container would try first,
 * each done harmlessly and within fixed bounds.  Nothing here prints; each
 * check fills one result.
 *
 * Harmless means: nothing is written to a file the container did not make
 * (sysctls, sysfs files and release_agent are opened for writing and closed
 * unwritten), block devices are opened and never read, mounts are made in a
 * child's private mount namespace or on a private empty directory and
 * undone at once, a kernel module image is invalid, the clock is asked with
 * settimeofday(NULL, NULL) (the CAP_SYS_TIME check, no change), and every
 * child process is killed before the check returns.
 *
 * Bounds: the fork test stops at min(pids limit + 16, 2000) children or
 * 10 s; the memory test runs in a child (the OOM killer's first choice,
 * oom_score_adj 1000) up to min(limit + 64 MiB, 1 GiB) or 30 s, and only
 * when a memory limit is visible; the setuid scan reads at most 20000
 * entries of a fixed list of directories. */
#ifndef BRIG_SANDBOX_PROBE_H
#define BRIG_SANDBOX_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum brig_probe_verdict
{
  BRIG_PROBE_HELD,    /* the wall stopped the try */
  BRIG_PROBE_OPEN,    /* the try worked: something that should be blocked was not */
  BRIG_PROBE_SKIPPED, /* not tried; detail says why */
};

struct brig_probe_result
{
  const char *name; /* the check's name, static */
  enum brig_probe_verdict verdict;
  char *detail; /* what was tried and what the kernel answered */
  char **items; /* NULL-terminated list (capability names, paths) or NULL */
};

struct brig_probe_check
{
  const char *name;
  const char *summary;
  void (*run) (struct brig_probe_result *ret);
};

/* The checks, in the order they run (the fork and memory tests last). */
const struct brig_probe_check *brig_probe_checks (size_t *ret_n);

/* Run one check into *ret (zeroed first). */
void brig_probe_run (const struct brig_probe_check *c, struct brig_probe_result *ret);

const char *brig_probe_verdict_name (enum brig_probe_verdict v);

/* The lowest limit in FILE ("memory.max", "pids.max"...) from this
 * process's cgroup up to the top of its mount, in the cgroup v1 hierarchy
 * with controller CTRL, or the cgroup2 one when CTRL is NULL; MI and CG are
 * /proc/self/mountinfo and /proc/self/cgroup (either may be NULL).  Returns
 * 1 with *ret, 0 when mounted but unlimited ("max", v1's huge number, or
 * no such file up to the mount's top), -1 when not mounted; *ret_dir (allocated, when not NULL) is
 * the cgroup's directory when the hierarchy is mounted. */
int brig_probe_cgroup_limit (FILE *mi, FILE *cg, const char *ctrl, const char *file, uint64_t *ret,
                             char **ret_dir);

/* Is the process whose /proc/PID/stat is STAT (LEN bytes) a kernel thread
 * (PF_KTHREAD in its flags)?  Kernel threads are seen only from the host's
 * PID namespace. */
bool brig_probe_kthread (const char *stat, size_t len);

void brig_probe_result_release (struct brig_probe_result *r);

/* Undo what the running check has made, from a signal handler (the whole
 * run's bound): kill the child it waits for, remove its file and its
 * private directory.  Async-signal-safe; other children die with the
 * probe (PR_SET_PDEATHSIG). */
void brig_probe_abort (void);

#endif
