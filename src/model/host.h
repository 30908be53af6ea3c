/* The host model: what brig host reads of the machine it runs on
 * (src/host/ fills it; policy/host_rules.c judges it).  Every fact has the
 * file it was read from, or a pseudo-path ("host:cpuid") where it came from
 * an instruction or a system call, so that a finding points at its
 * evidence. */
#ifndef BRIG_MODEL_HOST_H
#define BRIG_MODEL_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "model/workload.h"

enum brig_cgroup_mode
{
  BRIG_CGROUP_UNKNOWN,
  BRIG_CGROUP_V1,
  BRIG_CGROUP_HYBRID, /* v1 controllers, v2 at /sys/fs/cgroup/unified */
  BRIG_CGROUP_V2,
};

/* A finding's place: the file that says it and where in it. */
struct brig_host_src
{
  char file[128];
  struct brig_loc loc;
};

struct brig_host_virt
{
  /* systemd-detect-virt's names: "kvm", "qemu", "xen", "vmware",
   * "microsoft", "oracle", "amazon", "google", "bhyve", "vm-other"...;
   * "none" for neither. */
  char vm[32], container[32];
  char vm_why[160], container_why[160]; /* the evidence, for people */
  struct brig_host_src vm_src, container_src;
};

struct brig_host_kernel
{
  char release[65];
  int major, minor, patch;
  long max_user_namespaces;      /* -1: not readable */
  int unprivileged_userns_clone; /* Debian's sysctl; -1: absent */
  struct brig_host_src userns_src;
  bool seccomp_field;  /* /proc/self/status has Seccomp: */
  bool seccomp_filter; /* filters are supported (actions_avail lists kill...) */
  struct brig_host_src seccomp_src;
  enum brig_cgroup_mode cgroup;
  int landlock_abi; /* 0: not available; -1: not probed */
  char landlock_why[96];
};

/* One container as the Docker API (or Podman's, which serves Docker's
 * endpoints) shows it. */
struct brig_host_container
{
  char *id, *name, *image;
  char *where;        /* its pseudo-path for findings: "host:docker/NAME", "host:podman/NAME" */
  const char *engine; /* "Docker" or "Podman" */
  bool nat; /* its ports are forwarded by the engine's NAT rules (a bridge network), which come
               before UFW's and firewalld's; not a listener of its own (slirp4netns, pasta) */
  bool privileged, host_network, host_pid, seccomp_unconfined;
  bool readonly_rootfs, no_new_privileges;
  long long memory, pids_limit; /* bytes, processes; 0 or less: none */
  char **binds;                 /* the host paths bound into it, or NULL */
  char **cap_add;               /* NULL-terminated, or NULL */
  char **open_ports;            /* published on every address: "0.0.0.0:8080->80/tcp" */
};

struct brig_host_docker
{
  bool installed;    /* dockerd found, or a socket or a daemon.json */
  char *daemon_json; /* the daemon.json read, or NULL */
  /* The running dockerd's /proc/PID/cmdline (the one serving the socket
   * below), whose flags count as daemon.json's, or NULL. */
  char *dockerd_cmdline;
  char *dockerd_args; /* its content as read then (NUL-separated arguments) */
  size_t dockerd_args_len;
  char *socket; /* the API socket's path */
  bool socket_found;
  unsigned sock_uid, sock_gid, sock_mode;
  char sock_group[64];
  char **docker_group; /* members of the docker group, or NULL */
  struct brig_host_src group_src;
  bool api; /* the daemon answered */
  char *api_error;
  char *version;
  bool api_seccomp, api_userns, api_rootless;
  struct brig_host_container *containers;
  size_t ncontainers;
};

/* The packet filter as iptables-save prints it (line numbers are its
 * output's), and the host firewalls Docker's rules bypass. */
struct brig_host_firewall
{
  bool read;                /* a ruleset was read */
  char source[128];         /* the file, or "host:iptables-save" */
  bool docker_chains;       /* Docker wrote its chains */
  int docker_user_line;     /* :DOCKER-USER, or 0: no such chain */
  size_t docker_user_rules; /* its rules that do more than RETURN */
  int icc_accept_line;      /* -i docker0 -o docker0 -j ACCEPT, or 0 */
  int icc_drop_line;        /* -i docker0 -o docker0 -j DROP, or 0 */
  int dnat_open_line;       /* the first DNAT of DOCKER for every address, or 0 */
  char dnat_open[96];       /* its port: "tcp 8080 -> 172.17.0.2:80" */
  bool ufw, firewalld;
  char firewall_file[64]; /* what says UFW or firewalld is on */
  int firewall_line;
};

/* A setting of a TOML config file (containers.conf, containerd's
 * config.toml) as written, quotes removed; an array is its text. */
struct brig_host_setting
{
  char file[128];
  struct brig_loc loc;
  char *value; /* NULL: not set */
};

/* Podman's containers.conf ([containers]), the last file that sets each
 * key winning, as Podman reads them: /usr/share/containers, then
 * /etc/containers.  containerd's config.toml (its CRI plugin). */
struct brig_host_engines
{
  bool podman;           /* a containers.conf was read */
  char podman_file[128]; /* the last one read: where what is unset is reported */
  struct brig_host_setting seccomp_profile, apparmor_profile, label, userns, default_capabilities;
  bool containerd; /* its config.toml was read */
  char containerd_file[128];
  struct brig_host_setting disable_apparmor, enable_unprivileged_ports;
  /* Podman's API (`podman system service`): its running containers. */
  char *podman_socket;
  bool podman_api;
  char *podman_api_error;
  struct brig_host_container *podman_containers;
  size_t npodman_containers;
};

/* A file of Docker's or containerd's whose owner and mode the CIS Docker
 * Benchmark's section 3 sets, as found. */
struct brig_host_file
{
  char *path;      /* as found (under --root) */
  const char *cis; /* the benchmark's items: "3.1, 3.2" */
  unsigned uid, gid, mode;
  unsigned max_mode; /* the most it may allow: 0644, 0444... */
};

/* A file or directory of Docker's that the benchmark's section 1 wants
 * auditd to watch, and whether an audit rule names it (or a directory
 * above it). */
struct brig_host_watch
{
  char *path; /* as the rules must name it (without --root) */
  const char *cis;
  bool watched;
};

struct brig_host_files
{
  struct brig_host_file *owned;
  size_t nowned;
  struct brig_host_watch *watch; /* only when Docker or containerd is installed */
  size_t nwatch;
  bool audit_rules;       /* an audit rules file was read */
  char audit_source[128]; /* where missing watches are reported */
};

struct brig_host
{
  struct brig_host_virt virt;
  struct brig_host_kernel kernel;
  struct brig_host_docker docker;
  struct brig_host_firewall firewall;
  struct brig_host_engines engines;
  struct brig_host_files files;
};

void brig_host_release (struct brig_host *h);
void brig_host_engines_release (struct brig_host_engines *e);

#endif
