/* brig host's readers: the machine it runs on, into the host model
 * (model/host.h).  They read /proc, /sys, /etc, CPUID and the Docker API;
 * what cannot be read is left unknown, never an error, unless said. */
#ifndef BRIG_HOST_MACHINE_H
#define BRIG_HOST_MACHINE_H

#include <jansson.h>

#include "model/host.h"
#include "util/err.h"

/* Where the readers look: ROOT prefixes /proc, /sys, /etc and the markers
 * ("" for the real ones; tests point it at a tree of their own). */
struct brig_host_paths
{
  const char *root;
  const char *docker_config; /* daemon.json, or NULL: /etc/docker/daemon.json */
  bool no_docker_config;     /* judge no daemon.json (--docker-config none) */
  const char *docker_socket; /* the API socket, or NULL: /var/run/docker.sock */
  const char *podman_socket; /* Podman's API socket, or NULL: /run/podman/podman.sock */
  bool no_cpuid;             /* trust the files only (tests) */
  const char *iptables_save; /* a saved ruleset, or NULL: run iptables-save */
};

/* Virtualisation, as systemd-detect-virt names it: the container
 * markers, then CPUID's hypervisor leaf, DMI and /proc and /sys. */
void brig_host_read_virt (const struct brig_host_paths *p, struct brig_host_virt *v);

/* The kernel's facts that /proc and /sys give (landlock is probed by
 * sandbox/hostprobe.h). */
void brig_host_read_kernel (const struct brig_host_paths *p, struct brig_host_kernel *k);

/* Docker: its daemon.json path, its socket's owner and mode, the docker
 * group, and the daemon's own view through its API. */
void brig_host_read_docker (const struct brig_host_paths *p, struct brig_host_docker *d);

/* What Docker's API answered, into the model (brig_host_read_docker
 * asks; the fuzz harness feeds them): /info's version and
 * SecurityOptions into D; a container's /containers/ID/json into C. */
void brig_host_docker_info (json_t *info, struct brig_host_docker *d);
void brig_host_docker_container (json_t *inspect, const char *id, struct brig_host_container *c);

/* nftables' ruleset as `nft -j list ruleset` prints it, into FW as
 * brig_host_read_firewall fills it from iptables-save (a chain named
 * DOCKER-USER or DOCKER... in any table, iifname/oifname docker0 rules, a
 * dnat in a chain DOCKER without a daddr match); each line is the position
 * of the chain or rule in the "nftables" array, from 1.  brig host reads
 * it when iptables-save shows nothing of Docker's. */
void brig_host_parse_nft (json_t *root, struct brig_host_firewall *fw);

/* Podman's running containers through its API (`podman system service`,
 * whose Docker-compatible endpoints are read), when its socket is there. */
void brig_host_read_podman (const struct brig_host_paths *p, struct brig_host_engines *e);

/* The packet filter (iptables-save's output, run when it is installed and
 * brig is root) and whether UFW or firewalld is on. */
void brig_host_read_firewall (const struct brig_host_paths *p, struct brig_host_firewall *fw);

/* Podman's containers.conf files and containerd's config.toml under ROOT,
 * when present. */
void brig_host_read_engines (const struct brig_host_paths *p, struct brig_host_engines *e);

/* The owners and modes of Docker's and containerd's files (DAEMON_JSON:
 * the daemon.json brig_host_read_docker found, or NULL; its TLS files are
 * among them), and which of them the audit rules under ROOT/etc/audit
 * watch. */
void brig_host_read_files (const struct brig_host_paths *p, const char *daemon_json,
                           struct brig_host_files *fs);

#endif
