/* The hardened default seccomp profile, as data.
 *
 * Three outcomes:
 *   - the allow-list below runs;
 *   - calls refused on purpose (kernel keyring, kexec, io_uring, bpf, mount
 *     and namespace creation, ptrace, ...) answer EPERM;
 *   - everything else, including syscalls newer than this list, answers
 *     ENOSYS, so libc falls back to an older call (clone3 -> clone).
 * Some refused calls are allowed when the container holds the capability
 * that the kernel itself requires for them (Docker's model).
 *
 * Argument filters allow only exact values (EQ, or LT on small numbers): a
 * 32-bit argument passed with its high bits set then matches nothing and is
 * refused, instead of slipping past a "not equal" test. */
#include "model/caps.h"
#include "model/seccomp.h"
#include "util/cleanup.h"

#include <errno.h>
#include <linux/sched.h>
#include <stdbool.h>
#include <string.h>

#define CAP(c) (UINT64_C (1) << (c))

static const char *const allowed[] = {
  "accept",
  "accept4",
  "access",
  "adjtimex",
  "alarm",
  "arch_prctl",
  "bind",
  "brk",
  "cachestat",
  "capget",
  "capset",
  "chdir",
  "chmod",
  "chown",
  "chown32",
  "clock_adjtime",
  "clock_adjtime64",
  "clock_getres",
  "clock_getres_time64",
  "clock_gettime",
  "clock_gettime64",
  "clock_nanosleep",
  "clock_nanosleep_time64",
  "close",
  "close_range",
  "connect",
  "copy_file_range",
  "creat",
  "dup",
  "dup2",
  "dup3",
  "epoll_create",
  "epoll_create1",
  "epoll_ctl",
  "epoll_ctl_old",
  "epoll_pwait",
  "epoll_pwait2",
  "epoll_wait",
  "epoll_wait_old",
  "eventfd",
  "eventfd2",
  "execve",
  "execveat",
  "exit",
  "exit_group",
  "faccessat",
  "faccessat2",
  "fadvise64",
  "fadvise64_64",
  "fallocate",
  "fanotify_mark",
  "fchdir",
  "fchmod",
  "fchmodat",
  "fchmodat2",
  "fchown",
  "fchown32",
  "fchownat",
  "fcntl",
  "fcntl64",
  "fdatasync",
  "fgetxattr",
  "flistxattr",
  "flock",
  "fork",
  "fremovexattr",
  "fsetxattr",
  "fstat",
  "fstat64",
  "fstatat64",
  "fstatfs",
  "fstatfs64",
  "fsync",
  "ftruncate",
  "ftruncate64",
  "futex",
  "futex_requeue",
  "futex_time64",
  "futex_wait",
  "futex_waitv",
  "futex_wake",
  "futimesat",
  "get_robust_list",
  "get_thread_area",
  "getcpu",
  "getcwd",
  "getdents",
  "getdents64",
  "getegid",
  "getegid32",
  "geteuid",
  "geteuid32",
  "getgid",
  "getgid32",
  "getgroups",
  "getgroups32",
  "getitimer",
  "getpeername",
  "getpgid",
  "getpgrp",
  "getpid",
  "getppid",
  "getpriority",
  "getrandom",
  "getresgid",
  "getresgid32",
  "getresuid",
  "getresuid32",
  "getrlimit",
  "getrusage",
  "getsid",
  "getsockname",
  "getsockopt",
  "gettid",
  "gettimeofday",
  "getuid",
  "getuid32",
  "getxattr",
  "getxattrat",
  "inotify_add_watch",
  "inotify_init",
  "inotify_init1",
  "inotify_rm_watch",
  "io_cancel",
  "io_destroy",
  "io_getevents",
  "io_pgetevents",
  "io_pgetevents_time64",
  "io_setup",
  "io_submit",
  "ioctl",
  "ioprio_get",
  "ioprio_set",
  "ipc",
  "kill",
  "landlock_add_rule",
  "landlock_create_ruleset",
  "landlock_restrict_self",
  "lchown",
  "lchown32",
  "lgetxattr",
  "link",
  "linkat",
  "listen",
  "listmount",
  "listxattr",
  "listxattrat",
  "llistxattr",
  "lremovexattr",
  "lseek",
  "lsetxattr",
  "lstat",
  "lstat64",
  "madvise",
  "map_shadow_stack",
  "membarrier",
  "memfd_create",
  "memfd_secret",
  "mincore",
  "mkdir",
  "mkdirat",
  "mknod",
  "mknodat",
  "mlock",
  "mlock2",
  "mlockall",
  "mmap",
  "mmap2",
  "mprotect",
  "mq_getsetattr",
  "mq_notify",
  "mq_open",
  "mq_timedreceive",
  "mq_timedreceive_time64",
  "mq_timedsend",
  "mq_timedsend_time64",
  "mq_unlink",
  "mremap",
  "mseal",
  "msgctl",
  "msgget",
  "msgrcv",
  "msgsnd",
  "msync",
  "munlock",
  "munlockall",
  "munmap",
  "name_to_handle_at",
  "nanosleep",
  "newfstatat",
  "open",
  "openat",
  "openat2",
  "pause",
  "pidfd_open",
  "pidfd_send_signal",
  "pipe",
  "pipe2",
  "pkey_alloc",
  "pkey_free",
  "pkey_mprotect",
  "poll",
  "ppoll",
  "ppoll_time64",
  "prctl",
  "pread64",
  "preadv",
  "preadv2",
  "prlimit64",
  "pselect6",
  "pselect6_time64",
  "pwrite64",
  "pwritev",
  "pwritev2",
  "read",
  "readahead",
  "readlink",
  "readlinkat",
  "readv",
  "recv",
  "recvfrom",
  "recvmmsg",
  "recvmmsg_time64",
  "recvmsg",
  "remap_file_pages",
  "removexattr",
  "removexattrat",
  "rename",
  "renameat",
  "renameat2",
  "restart_syscall",
  "rmdir",
  "rseq",
  "rt_sigaction",
  "rt_sigpending",
  "rt_sigprocmask",
  "rt_sigqueueinfo",
  "rt_sigreturn",
  "rt_sigsuspend",
  "rt_sigtimedwait",
  "rt_sigtimedwait_time64",
  "rt_tgsigqueueinfo",
  "sched_get_priority_max",
  "sched_get_priority_min",
  "sched_getaffinity",
  "sched_getattr",
  "sched_getparam",
  "sched_getscheduler",
  "sched_rr_get_interval",
  "sched_rr_get_interval_time64",
  "sched_setaffinity",
  "sched_setattr",
  "sched_setparam",
  "sched_setscheduler",
  "sched_yield",
  "seccomp",
  "select",
  "semctl",
  "semget",
  "semop",
  "semtimedop",
  "semtimedop_time64",
  "send",
  "sendfile",
  "sendfile64",
  "sendmmsg",
  "sendmsg",
  "sendto",
  "set_robust_list",
  "set_thread_area",
  "set_tid_address",
  "setfsgid",
  "setfsgid32",
  "setfsuid",
  "setfsuid32",
  "setgid",
  "setgid32",
  "setgroups",
  "setgroups32",
  "setitimer",
  "setpgid",
  "setpriority",
  "setregid",
  "setregid32",
  "setresgid",
  "setresgid32",
  "setresuid",
  "setresuid32",
  "setreuid",
  "setreuid32",
  "setrlimit",
  "setsid",
  "setsockopt",
  "setuid",
  "setuid32",
  "setxattr",
  "setxattrat",
  "shmat",
  "shmctl",
  "shmdt",
  "shmget",
  "shutdown",
  "sigaltstack",
  "signalfd",
  "signalfd4",
  "sigprocmask",
  "sigreturn",
  "socketcall",
  "socketpair",
  "splice",
  "stat",
  "stat64",
  "statfs",
  "statfs64",
  "statmount",
  "statx",
  "symlink",
  "symlinkat",
  "sync",
  "sync_file_range",
  "syncfs",
  "sysinfo",
  "tee",
  "tgkill",
  "time",
  "timer_create",
  "timer_delete",
  "timer_getoverrun",
  "timer_gettime",
  "timer_gettime64",
  "timer_settime",
  "timer_settime64",
  "timerfd_create",
  "timerfd_gettime",
  "timerfd_gettime64",
  "timerfd_settime",
  "timerfd_settime64",
  "times",
  "tkill",
  "truncate",
  "truncate64",
  "ugetrlimit",
  "umask",
  "uname",
  "unlink",
  "unlinkat",
  "uretprobe",
  "utime",
  "utimensat",
  "utimensat_time64",
  "utimes",
  "vfork",
  "vmsplice",
  "wait4",
  "waitid",
  "waitpid",
  "write",
  "writev",
  NULL,
};

/* Refused on purpose, whatever the capabilities: EPERM. */
static const char *const refused[] = {
  "add_key",
  "create_module",
  "get_kernel_syms",
  "io_uring_enter",
  "io_uring_register",
  "io_uring_setup",
  "kexec_file_load",
  "kexec_load",
  "keyctl",
  "migrate_pages",
  "modify_ldt",
  "move_pages",
  "nfsservctl",
  "pivot_root",
  "query_module",
  "request_key",
  "swapoff",
  "swapon",
  "sysfs",
  "_sysctl",
  "uselib",
  "userfaultfd",
  "ustat",
  "vm86",
  "vm86old",
  NULL,
};

/* Allowed only while holding one of the capabilities the kernel itself asks
 * for them; otherwise EPERM. */
static const struct
{
  uint64_t caps_any;
  const char *const names[24];
} with_cap[] = {
  { CAP (21) /* SYS_ADMIN */,
    { "fanotify_init",  "fsconfig",    "fsmount",       "fsopen",      "fspick",
      "lookup_dcookie", "mount",       "mount_setattr", "move_mount",  "open_tree",
      "quotactl",       "quotactl_fd", "setdomainname", "sethostname", "setns",
      "syslog",         "umount",      "umount2",       "unshare",     NULL } },
  { CAP (21) | CAP (39) /* SYS_ADMIN, BPF */, { "bpf", NULL } },
  { CAP (21) | CAP (38) /* SYS_ADMIN, PERFMON */, { "perf_event_open", NULL } },
  { CAP (16) /* SYS_MODULE */, { "delete_module", "init_module", "finit_module", NULL } },
  { CAP (19) /* SYS_PTRACE */,
    { "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
      NULL } },
  { CAP (25) /* SYS_TIME */,
    { "settimeofday", "stime", "clock_settime", "clock_settime64", NULL } },
  { CAP (23) /* SYS_NICE */,
    { "mbind", "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", NULL } },
  { CAP (17) /* SYS_RAWIO */, { "iopl", "ioperm", NULL } },
  { CAP (22) /* SYS_BOOT */, { "reboot", NULL } },
  { CAP (20) /* SYS_PACCT */, { "acct", NULL } },
  { CAP (26) /* SYS_TTY_CONFIG */, { "vhangup", NULL } },
  { CAP (2) /* DAC_READ_SEARCH */, { "open_by_handle_at", NULL } },
  { CAP (18) /* SYS_CHROOT */, { "chroot", NULL } },
};

static const uint64_t ns_flags[] = {
  CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
  CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
};

/* personality(2) values that only select an ABI variant (Docker's list). */
static const uint64_t personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* socket(2) address families allowed (Docker's set): 0-11, 13-18 (route,
 * key, netlink, packet, ...), 21, 22, 24, 26-33, 35, 36, 39, 41-45.  Refused:
 * AF_ALG (38, kernel crypto) and AF_VSOCK (40, the hypervisor's channel)
 * answer EPERM; the other families below 64 answer EAFNOSUPPORT, as a
 * kernel without them would. */
static const uint8_t socket_families[] = { 13, 14, 15, 16, 17, 18, 21, 22, 24, 26, 27, 28, 29,
                                           30, 31, 32, 33, 35, 36, 39, 41, 42, 43, 44, 45 };
#define AF_ALLOWED_BELOW 12
#define AF_ALG_ 38
#define AF_VSOCK_ 40
#define AF_FAMILY_LIMIT 64

static struct brig_scmp_rule *
add (struct brig_seccomp *p, enum brig_scmp_action action, int errno_ret, const char *name)
{
  struct brig_scmp_rule *r = brig_seccomp_add_rule (p);
  r->action = action;
  r->errno_ret = errno_ret;
  strv_push (&r->names, xstrdup (name));
  return r;
}

static void
add_names (struct brig_seccomp *p, enum brig_scmp_action action, int errno_ret,
           const char *const *names, uint64_t caps_all, uint64_t caps_none)
{
  struct brig_scmp_rule *r = brig_seccomp_add_rule (p);
  r->action = action;
  r->errno_ret = errno_ret;
  r->caps_all = caps_all;
  r->caps_none = caps_none;
  for (size_t i = 0; names[i]; i++)
    strv_push (&r->names, xstrdup (names[i]));
}

static void
arg (struct brig_scmp_rule *r, unsigned index, enum brig_scmp_op op, uint64_t value,
     uint64_t value_two)
{
  r->args[r->nargs++] = (struct brig_scmp_arg){ index, op, value, value_two };
}

struct brig_seccomp *
brig_seccomp_default (void)
{
  struct brig_seccomp *p = xcalloc (1, sizeof *p);
  uint64_t all_ns = 0;

  p->default_action = BRIG_SCMP_ERRNO;
  p->default_errno = ENOSYS;
  p->source = xstrdup ("builtin:default");

  add_names (p, BRIG_SCMP_ALLOW, 0, allowed, 0, 0);
  add_names (p, BRIG_SCMP_ERRNO, EPERM, refused, 0, 0);

  for (size_t i = 0; i < ARRAY_SIZE (with_cap); i++)
    {
      for (int c = 0; c <= BRIG_CAP_MAX; c++)
        if (with_cap[i].caps_any & CAP (c))
          add_names (p, BRIG_SCMP_ALLOW, 0, with_cap[i].names, CAP (c), 0);
      add_names (p, BRIG_SCMP_ERRNO, EPERM, with_cap[i].names, 0, with_cap[i].caps_any);
    }

  /* clone without namespace flags; with one, EPERM (unless CAP_SYS_ADMIN). */
  for (size_t i = 0; i < ARRAY_SIZE (ns_flags); i++)
    all_ns |= ns_flags[i];
  arg (add (p, BRIG_SCMP_ALLOW, 0, "clone"), 0, BRIG_SCMP_MASKED_EQ, all_ns, 0);
  for (size_t i = 0; i < ARRAY_SIZE (ns_flags); i++)
    {
      struct brig_scmp_rule *r = add (p, BRIG_SCMP_ERRNO, EPERM, "clone");
      arg (r, 0, BRIG_SCMP_MASKED_EQ, ns_flags[i], ns_flags[i]);
      r->caps_none = CAP (21);
    }
  add (p, BRIG_SCMP_ALLOW, 0, "clone")->caps_all = CAP (21);
  /* clone3 passes its flags in memory, where seccomp cannot look: ENOSYS
   * (libc then uses clone, filtered above) unless CAP_SYS_ADMIN is held. */
  add (p, BRIG_SCMP_ALLOW, 0, "clone3")->caps_all = CAP (21);
  add (p, BRIG_SCMP_ERRNO, ENOSYS, "clone3")->caps_none = CAP (21);

  for (size_t i = 0; i < ARRAY_SIZE (personalities); i++)
    arg (add (p, BRIG_SCMP_ALLOW, 0, "personality"), 0, BRIG_SCMP_EQ, personalities[i], 0);

  arg (add (p, BRIG_SCMP_ALLOW, 0, "socket"), 0, BRIG_SCMP_LT, AF_ALLOWED_BELOW, 0);
  for (size_t i = 0; i < ARRAY_SIZE (socket_families); i++)
    arg (add (p, BRIG_SCMP_ALLOW, 0, "socket"), 0, BRIG_SCMP_EQ, socket_families[i], 0);
  for (uint64_t af = AF_ALLOWED_BELOW; af < AF_FAMILY_LIMIT; af++)
    {
      bool allowed_af = memchr (socket_families, (int)af, sizeof socket_families) != NULL;
      int e = af == AF_ALG_ || af == AF_VSOCK_ ? EPERM : EAFNOSUPPORT;
      if (!allowed_af)
        arg (add (p, BRIG_SCMP_ERRNO, e, "socket"), 0, BRIG_SCMP_MASKED_EQ, 0xffffffff, af);
    }

  return p;
}
