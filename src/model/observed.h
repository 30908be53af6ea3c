/* The observed model: a running container as the kernel shows it, read
 * from /proc by src/host/proc.c (brig ps).  Everything is what holds now,
 * not what was asked for.  Strings are owned by the struct. */
#ifndef BRIG_MODEL_OBSERVED_H
#define BRIG_MODEL_OBSERVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The namespaces compared with the host's, in this order. */
enum brig_obs_ns
{
  BRIG_OBS_NS_PID,
  BRIG_OBS_NS_NET,
  BRIG_OBS_NS_IPC,
  BRIG_OBS_NS_UTS,
  BRIG_OBS_NS_USER,
  BRIG_OBS_NS_CGROUP,
  BRIG_OBS_NS_MNT,
  BRIG_OBS_NS_COUNT
};

/* "pid", "net"...: the names of /proc/PID/ns/ entries. */
const char *brig_obs_ns_name (enum brig_obs_ns ns);

/* A mount of the container that gives it part of the host. */
struct brig_obs_mount
{
  char *target;    /* in the container */
  char *host_path; /* the host's path it shows, or NULL (proc, sysfs) */
  char *what;      /* "docker socket", "host /", "/proc/sys writable", "/sys writable"... */
  bool read_only;
};

/* A port published on the host (-p HOST_IP:HOST_PORT:PORT/PROTO). */
struct brig_obs_port
{
  char *host_ip; /* "0.0.0.0" or "::" for every address */
  int host_port, port;
  char *proto; /* "tcp", "udp"... */
};

/* Published on every address of the host (0.0.0.0, ::)? */
bool brig_obs_port_open (const struct brig_obs_port *p);

struct brig_observed
{
  int pid;       /* its init process, as the host numbers it */
  size_t nprocs; /* processes of the container */
  char *engine;  /* "docker", "podman", "containerd", "brig", "lxc" or "unknown" */
  char *id;      /* the engine's id, from the cgroup path ("" when none) */
  char *name;    /* the engine's name for it, "" when no API answered */
  char *image;   /* "" when unknown */
  char *comm;    /* the init's command name */
  char *cgroup;  /* its cgroup path (the v2 or memory hierarchy's) */
  /* As the host sees the init process. */
  long uid;      /* effective uid on the host */
  bool userns;   /* in a user namespace of its own */
  char *uid_map; /* /proc/PID/uid_map, lines joined by ", " */
  long root_uid; /* the host uid container root is (-1: unmapped; uid 0 without userns) */
  uint64_t cap_eff, cap_bnd;
  bool all_caps;       /* CapEff holds every capability up to CAP_AUDIT_READ that the host root
                          has (--privileged; engines that predate 5.8 give none past it) */
  int seccomp;         /* 0 disabled, 1 strict, 2 filter; -1 unknown */
  int seccomp_filters; /* -1 when the kernel does not say */
  int no_new_privs;    /* 0/1, -1 unknown */
  int read_only_root;  /* 0/1, -1 unknown */
  bool shares[BRIG_OBS_NS_COUNT];  /* shares the host's namespace */
  long long mem_limit;             /* bytes; -1 none */
  long long pids_limit;            /* -1 none */
  long long cpu_quota, cpu_period; /* microseconds; quota -1 none */
  int all_devices; /* the device cgroup allows every device: 0/1, -1 unknown (cgroup v2) */
  struct brig_obs_mount *mounts;
  size_t nmounts;
  /* Published ports as the engine's API says; none known unless it answered. */
  struct brig_obs_port *ports;
  size_t nports;
  bool ports_known;
};

struct brig_observed_list
{
  struct brig_observed *v;
  size_t n;
  int host_ref_pid; /* whose namespaces were the host's: 1, or brig's own pid */
};

void brig_observed_release (struct brig_observed *o);
void brig_observed_list_release (struct brig_observed_list *l);

#endif
