/* The workload model: what a file that describes containers says of them,
 * each value with where it was written.  brig audit's parsers fill it (a
 * Kubernetes pod template, a compose service, a docker run line) and its
 * rules read it; every string is borrowed from the parsed file, which
 * outlives the model, or owned by the workload (STRS).
 *
 * A value that was not written is unset (SET false): "unset" and "false"
 * differ for the Pod Security Standards (runAsNonRoot unset on a container
 * defers to the pod's). */
#ifndef BRIG_MODEL_WORKLOAD_H
#define BRIG_MODEL_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>

/* 1-based; 0 where unknown. */
struct brig_loc
{
  int line, col, end_line, end_col;
};

/* A scalar as written: booleans as "true"/"false", numbers as their text. */
struct brig_wval
{
  const char *s;
  struct brig_loc loc;
  bool set;
  unsigned char src; /* 0: the model's file; 1: its second source (dockerd's flags) */
};

struct brig_wlist
{
  struct brig_wval *v;
  size_t n;
};

/* A securityContext, of the pod or of one container. */
struct brig_wsec
{
  struct brig_loc loc; /* of the securityContext itself, if written */
  bool present;
  struct brig_wval run_as_non_root, run_as_user;
  struct brig_wval seccomp_type; /* set when seccompProfile is: its type */
  struct brig_wval apparmor_type;
  bool has_selinux; /* seLinuxOptions given */
  struct brig_loc selinux_loc;
  struct brig_wval se_type, se_user, se_role;
  struct brig_wval host_process; /* windowsOptions.hostProcess */
  /* Container only. */
  struct brig_wval privileged, allow_privilege_escalation, proc_mount;
  bool has_caps; /* capabilities given */
  struct brig_loc caps_loc;
  struct brig_wlist cap_add, cap_drop;
  /* Beyond the Pod Security Standards (policy/k8s_rules.c). */
  struct brig_wval run_as_group;
  struct brig_wval read_only_root_fs; /* container only */
};

struct brig_wvmount;

struct brig_wcontainer
{
  const char *name;
  const char *field; /* containers, initContainers or ephemeralContainers */
  struct brig_loc loc;
  struct brig_wsec sec;
  struct brig_wlist host_ports;  /* ports[].hostPort other than 0 */
  struct brig_wlist probe_hosts; /* probes' and lifecycle handlers' host */
  struct brig_wval image;
  /* resources.limits.memory and .cpu; where resources and its limits are
   * written (line 0: not written). */
  struct brig_wval mem_limit, cpu_limit;
  struct brig_loc resources_loc, limits_loc;
  /* Where it sets neither: the default a LimitRange of the pod's namespace
   * in the same file or stream gives (parse/k8s.h, brig_k8s_env_apply),
   * at the LimitRange's value. */
  struct brig_wval default_mem_limit, default_cpu_limit;
  struct brig_wvmount *mounts; /* volumeMounts */
  size_t nmounts;
};

/* A volumeMounts entry: volume NAME at MOUNT_PATH. */
struct brig_wvmount
{
  struct brig_loc loc; /* the entry */
  struct brig_wval name, mount_path, read_only;
};

struct brig_wvolume
{
  const char *name;
  const char *type; /* the source: hostPath, emptyDir, nfs... ("" if none) */
  struct brig_loc loc;
  struct brig_wval host_path; /* hostPath.path */
};

struct brig_wannotation
{
  const char *key, *value;
  struct brig_loc loc;
};

/* --- A container as Docker describes it: a compose service or a `docker
 * run` line.  Values keep what was written ("true", "unconfined", "512m");
 * a word of a command line is a value too, at the flag that gave it. */

/* A published port: [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL], or the long
 * syntax.  Unset HOST_IP: every interface; unset PUBLISHED: a port the
 * engine picks, on every interface too. */
struct brig_wport
{
  struct brig_loc loc; /* the whole entry (docker run: the flag) */
  struct brig_wval host_ip, published, target, protocol;
};

/* A bind, volume or tmpfs: SOURCE (a host path for a bind, a name for a
 * volume, unset for an anonymous one) at TARGET. */
struct brig_wmount
{
  struct brig_loc loc;
  const char *type; /* "bind", "volume", "tmpfs", "npipe", "image", "cluster" */
  struct brig_wval source, target;
  bool read_only;
  struct brig_wval propagation; /* shared, rshared, slave...: as written */
};

struct brig_wdocker
{
  const char *engine; /* "docker", "podman" (docker run lines); "compose" */
  struct brig_wval image, user, privileged, read_only;
  bool build; /* compose `build:`: the image is made here */
  struct brig_wval network_mode, pid, ipc, uts, userns_mode, cgroupns; /* "host", "service:x"... */
  struct brig_wval memory, memory_swap, cpus, pids_limit; /* cpus: any CPU limit or weight */
  struct brig_wval no_new_privs;                          /* security_opt no-new-privileges[:B] */
  struct brig_wval seccomp, apparmor, label, systempaths; /* security_opt NAME=VALUE */
  struct brig_wval publish_all;                           /* docker run -P */
  struct brig_wval extends;                               /* compose `extends` from another file */
  struct brig_wlist cap_add, cap_drop, devices, device_cgroup_rules, tmpfs, profiles;
  struct brig_wport *ports;
  size_t nports;
  struct brig_wmount *mounts;
  size_t nmounts;
  /* restart (--restart): "no", "always", "unless-stopped", "on-failure[:N]";
   * compose's deploy.restart_policy as "CONDITION[:MAX_ATTEMPTS]" ("any",
   * "on-failure", "none"). */
  struct brig_wval restart;
  struct brig_wval healthcheck;   /* "none" when turned off, "set" when one is given */
  struct brig_wval cgroup_parent; /* cgroup_parent, --cgroup-parent */
  struct brig_wlist ulimits;      /* "NAME=SOFT[:HARD]" */
  /* A docker exec line: a process started in a running container, of
   * which only PRIVILEGED and USER are read; the workload's NAME is the
   * container's, IMAGE is unset. */
  bool exec;
};

struct brig_workload
{
  const char *file;
  const char *kind; /* Pod, Deployment, CronJob... */
  const char *name;
  struct brig_loc loc;      /* the object */
  struct brig_loc spec_loc; /* its pod spec */
  struct brig_wval host_network, host_pid, host_ipc, host_users, os_name;
  struct brig_wsec sec;                 /* the pod's securityContext */
  struct brig_wlist sysctls;            /* the pod's securityContext.sysctls names */
  struct brig_wannotation *annotations; /* the pod's (its template's) */
  size_t nannotations;
  /* The object's own, when it is not the pod (a Deployment's, a CronJob's):
   * where other tools' suppressions are written. */
  struct brig_wannotation *obj_annotations;
  size_t nobj_annotations;
  struct brig_wvolume *volumes;
  size_t nvolumes;
  struct brig_wcontainer *containers;
  size_t ncontainers;
  struct brig_loc spec_key_loc;     /* its `spec:` key and value */
  struct brig_wval automount_token; /* spec.automountServiceAccountToken */
  const char *namespace_;           /* the object's metadata.namespace, or NULL */
  struct brig_wval service_account; /* spec.serviceAccountName (serviceAccount) */
  /* Where the pod sets no automount_token: the automountServiceAccountToken
   * of its ServiceAccount ("default" unless named) in the same file or
   * stream (brig_k8s_env_apply), at the ServiceAccount's value. */
  struct brig_wval sa_automount_token;
  struct brig_wval pod_mem_limit, pod_cpu_limit; /* spec.resources.limits (pod-level resources) */
  /* A compose service or a docker run line (KIND "service", "docker run"). */
  struct brig_wdocker docker;
  char **strs; /* strings the model owns: words of a command line, parts of a value */
};

/* Is L within IN (from IN's start, before its end)?  Are A and B the same
 * place? */
bool brig_loc_within (struct brig_loc in, struct brig_loc l);
bool brig_loc_eq (struct brig_loc a, struct brig_loc b);

/* Does D mount a tmpfs at PATH ("PATH" or "PATH:options")? */
bool brig_wdocker_has_tmpfs (const struct brig_wdocker *d, const char *path);

void brig_workload_free (struct brig_workload *w);
void brig_wdocker_release (struct brig_wdocker *d);
/* Append V to L. */
void brig_wlist_push (struct brig_wlist *l, struct brig_wval v);
void brig_workloads_free (struct brig_workload *w, size_t n);

/* Is V set to "true" / to "false"? */
bool brig_wtrue (const struct brig_wval *v);
bool brig_wfalse (const struct brig_wval *v);

/* How a reference names its image: by digest, by a tag other than latest
 * (movable, but chosen), or floating: no tag, or latest (BRIG-D003,
 * BRIG-R0xx, BRIG-K204 judge the last two). */
enum brig_ref_pin
{
  BRIG_REF_DIGEST,
  BRIG_REF_TAG,
  BRIG_REF_UNTAGGED,
  BRIG_REF_LATEST,
};

/* An image reference ("registry:5000/team/app:1.2@sha256:..."), split:
 * NAME without tag or digest, TAG ("" when none), whether a digest pins
 * it, and so how it is pinned.  Too long a part is cut short, never
 * overflowed. */
struct brig_image_ref
{
  char name[256], tag[128];
  bool digest;
  enum brig_ref_pin pin;
};
void brig_image_ref_parse (const char *s, struct brig_image_ref *ret);

#endif
