/* The policy: one table of rules over the container model, and what to do
 * when a container breaks one.  The runtime's gate and (later) brig audit
 * read the same table. */
#ifndef BRIG_POLICY_POLICY_H
#define BRIG_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/container.h"
#include "util/err.h"

enum brig_severity
{
  BRIG_SEV_LOW,
  BRIG_SEV_MEDIUM,
  BRIG_SEV_HIGH,
  BRIG_SEV_CRITICAL,
};

enum brig_action
{
  BRIG_ACT_OFF,     /* not checked */
  BRIG_ACT_AUDIT,   /* allowed, written to the audit log */
  BRIG_ACT_HARDEN,  /* the container is changed to comply (where the rule can) */
  BRIG_ACT_ENFORCE, /* the container is refused */
};

struct brig_policy;

struct brig_rule
{
  const char *id; /* stable: BRIG-Cnnn */
  const char *title;
  enum brig_severity severity;
  enum brig_action default_action;
  const char *why;
  const char *fix;  /* how to write it right */
  const char *refs; /* CIS Docker Benchmark, Pod Security Standards, ... */
  /* Does C break the rule?  *ret_detail (allocated) says how. */
  bool (*check) (const struct brig_container *c, const struct brig_policy *p, char **ret_detail);
  /* Make C comply; NULL when the rule can only be enforced or audited. */
  void (*harden) (struct brig_container *c, const struct brig_policy *p);
};

/* A device the policy lets containers have (BRIG-C014): TYPE 'c' or 'b'
 * MAJOR:MINOR (-1: any), at PATH in the container, or anywhere when PATH
 * is NULL.  Written "c 10:229", "b 7:*" or "/dev/fuse c 10:229". */
struct brig_device_allow
{
  char *path;
  char type;
  int64_t major;
  int64_t minor;
};

struct brig_policy
{
  enum brig_action *actions; /* one per rule of brig_rules () */
  uint64_t allowed_caps;     /* capabilities a container may keep */
  int64_t max_memory;        /* limits brig puts on containers without one */
  int64_t max_pids;
  struct brig_device_allow *allowed_devices; /* device nodes beyond the defaults */
  size_t nallowed_devices;
  /* Host paths binds may have although BRIG-C003 or BRIG-C015 would refuse
   * them: a bind whose resolved source is one of these or below it. */
  char **allowed_host_paths;
  bool allow_bind_suid, allow_bind_dev; /* allowed_bind_options: BRIG-C016 */
  bool keep_image_setid; /* image layers keep setuid/setgid bits and file capabilities */
  char *source;          /* the file, or "builtin" */
};

/* The engines' API sockets where they usually are (Docker, containerd,
 * Podman, CRI-O), NULL-terminated: a bind of one, or of a directory that
 * holds one, gives the container the host (BRIG-C003, in the gate and in
 * brig audit). */
extern const char *const brig_engine_sockets[];

/* The host directories no bind may reach into by default (BRIG-C015):
 * /proc, /sys, /dev, /boot, /etc; NULL-terminated. */
extern const char *const brig_sensitive_host_dirs[];

/* Is PATH named as an engine's socket (docker.sock, containerd.sock,
 * podman.sock, crio.sock), wherever it is? */
bool brig_engine_socket_name (const char *path);

/* PATH with empty and `.` components dropped and `..` taken lexically
 * (allocated). */
char *brig_path_lexical (const char *path);

/* Why a bind of the host's PATH is refused by the default policy, or NULL:
 * *RET_C003 says whether BRIG-C003 (the host's /, an engine's socket or a
 * directory holding one of brig_engine_sockets) or BRIG-C015 (at or below
 * one of brig_sensitive_host_dirs) refuses it. */
const char *brig_host_path_refusal (const char *path, bool *ret_c003);

/* Does P let a bind of the resolved host PATH through (allowed_host_paths)? */
bool brig_policy_allows_host_path (const struct brig_policy *p, const char *path);

/* The checks and fix of BRIG-C003, BRIG-C015 and BRIG-C016 (binds.c):
 * every bind's source, the paths it went through and what it holds
 * (struct brig_mount), and its nosuid, nodev. */
bool brig_check_host_binds (const struct brig_container *c, const struct brig_policy *p, char **d);
bool brig_check_sensitive_binds (const struct brig_container *c, const struct brig_policy *p,
                                 char **d);
bool brig_check_bind_flags (const struct brig_container *c, const struct brig_policy *p, char **d);
void brig_harden_bind_flags (struct brig_container *c, const struct brig_policy *p);

/* Leave P's actions on only for the rules IDS (NULL-terminated): brig run
 * judges its own flags' model by the rules of what it reads from the host. */
void brig_policy_only (struct brig_policy *p, const char *const *ids);

/* The rule table. */
const struct brig_rule *brig_rules (size_t *ret_n);
const struct brig_rule *brig_rule_find (const char *id, size_t *ret_index);

const char *brig_action_name (enum brig_action a);
int brig_action_from_name (const char *name);
const char *brig_severity_name (enum brig_severity s);

/* The default policy: the hardened setup. */
struct brig_policy *brig_policy_default (void);
void brig_policy_free (struct brig_policy *p);

/* Does the policy let a container have device node N (the default
 * devices, FIFOs, and what allowed_devices lists)? */
bool brig_policy_allows_node (const struct brig_policy *p, const struct brig_device_node *n);

/* One decision of the gate. */
struct brig_decision
{
  const struct brig_rule *rule;
  enum brig_action action;
  char *detail;
};

/* Judge C by P: harden what the policy says to harden (C is changed), and
 * return every decision.  Returns 0, or -EPERM with ERR naming the first
 * enforced rule and how to allow it. */
int brig_policy_gate (const struct brig_policy *p, struct brig_container *c,
                      struct brig_decision **ret, size_t *ret_n, struct brig_err *err);
void brig_decisions_free (struct brig_decision *d, size_t n);

#endif
