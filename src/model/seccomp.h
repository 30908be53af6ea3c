/* A seccomp profile as brig holds it: the Docker/OCI profile's shape, with
 * conditions on capabilities, architectures and kernel version kept so that
 * one profile serves every container.  src/sandbox/seccomp.c resolves the
 * conditions against a container and compiles the result. */
#ifndef BRIG_MODEL_SECCOMP_H
#define BRIG_MODEL_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum brig_scmp_action
{
  BRIG_SCMP_KILL_PROCESS,
  BRIG_SCMP_KILL_THREAD,
  BRIG_SCMP_TRAP,
  BRIG_SCMP_ERRNO,
  BRIG_SCMP_TRACE,
  BRIG_SCMP_ALLOW,
  BRIG_SCMP_LOG,
  BRIG_SCMP_NOTIFY,
};

enum brig_scmp_op
{
  BRIG_SCMP_NE,
  BRIG_SCMP_LT,
  BRIG_SCMP_LE,
  BRIG_SCMP_EQ,
  BRIG_SCMP_GE,
  BRIG_SCMP_GT,
  BRIG_SCMP_MASKED_EQ,
};

#define BRIG_SCMP_MAX_ARGS 6

struct brig_scmp_arg
{
  unsigned index;
  enum brig_scmp_op op;
  uint64_t value;
  uint64_t value_two; /* the mask, for MASKED_EQ */
};

struct brig_scmp_rule
{
  char **names; /* syscall names; names unknown to this kernel/arch are skipped */
  enum brig_scmp_action action;
  int errno_ret; /* for ERRNO and TRACE */
  struct brig_scmp_arg args[BRIG_SCMP_MAX_ARGS];
  size_t nargs;
  /* Conditions, as in Docker's profile format. */
  uint64_t caps_all;   /* includes.caps: applies only if all of these are held */
  uint64_t caps_none;  /* excludes.caps: skipped if any of these is held */
  char **arches_in;    /* includes.arches (SCMP arch names or "amd64"...) */
  char **arches_out;   /* excludes.arches */
  unsigned min_kernel; /* includes.minKernel, as major*65536+minor*256; 0 = any */
};

struct brig_seccomp
{
  enum brig_scmp_action default_action;
  int default_errno;
  char **arches; /* "SCMP_ARCH_X86_64"...; NULL = the native one */
  struct brig_scmp_rule *rules;
  size_t nrules;
  char *source; /* "builtin:default" or the file it came from */
  /* SCMP_ACT_NOTIFY: the unix socket the filter's listener descriptor is
   * sent to (OCI linux.seccomp.listenerPath), and the opaque string sent
   * with it (listenerMetadata); NULL without a listener. */
  char *listener_path;
  char *listener_metadata;
};

const char *brig_scmp_action_name (enum brig_scmp_action a);
int brig_scmp_action_from_name (const char *name);
const char *brig_scmp_op_name (enum brig_scmp_op op);
int brig_scmp_op_from_name (const char *name);

/* A new, empty rule appended to p; the caller fills it. */
struct brig_scmp_rule *brig_seccomp_add_rule (struct brig_seccomp *p);

void brig_seccomp_free (struct brig_seccomp *p);

/* The hardened default profile (model/seccomp_default.c): an allow-list at
 * least as strict as Docker's.  Syscalls it does not know answer ENOSYS, so
 * that libc falls back from newer calls (clone3); calls it refuses on purpose
 * answer EPERM. */
struct brig_seccomp *brig_seccomp_default (void);

#endif
