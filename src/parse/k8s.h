/* Kubernetes manifests -> workloads (model/workload.h). */
#ifndef BRIG_PARSE_K8S_H
#define BRIG_PARSE_K8S_H

#include <stdbool.h>

#include "model/workload.h"
#include "parse/yaml.h"
#include "util/err.h"

/* Does any document of Y look like a Kubernetes object (apiVersion and
 * kind)? */
bool brig_k8s_detect (const struct brig_yaml *y);

/* Every Pod and every kind with a pod template (Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Job, CronJob, ReplicationController,
 * PodTemplate), in List objects too, of every document of Y (read from
 * FILE).  Other kinds give nothing, but the LimitRanges and
 * ServiceAccounts of Y decide for its pods (brig_k8s_env_apply).  The
 * workloads borrow Y's strings. */
int brig_parse_k8s (const struct brig_yaml *y, const char *file, struct brig_workload **ret,
                    size_t *ret_n, struct brig_err *err);

/* The same for one document (streaming): workloads are appended to
 * *W (*N of them). */
bool brig_k8s_detect_doc (const struct brig_ynode *doc);
int brig_parse_k8s_doc (const struct brig_ynode *doc, const char *file, struct brig_workload **w,
                        size_t *n, struct brig_err *err);

/* What objects that are not pods decide for the pods of the same file or
 * stream, as the API server would: the default limits a LimitRange gives
 * the containers of its namespace (spec.limits of type Container:
 * `default`, else `max`), and the automountServiceAccountToken of a
 * ServiceAccount, for the pods that name it (or "default") in its
 * namespace and set none of their own.  A namespace not written is
 * "default", for every kind.  Only what one file or stream holds is
 * known: objects in another file, or only in the cluster, are not. */
struct brig_k8s_env;

/* The LimitRanges and ServiceAccounts of DOC (in Lists too) into *ENV,
 * made on first use.  A value of the wrong shape where one is read is an
 * error at its place. */
int brig_k8s_env_add (struct brig_k8s_env **env, const struct brig_ynode *doc, const char *file,
                      struct brig_err *err);
/* The same for every document of BUF (LEN bytes of FILE), read as a
 * stream before its pods are (a LimitRange may follow the Deployment it
 * decides for).  A YAML syntax error ends the reading quietly: reading
 * the pods reports it. */
int brig_k8s_env_scan (const char *buf, size_t len, const char *file, struct brig_k8s_env **env,
                       struct brig_err *err);
/* Fill W's default_mem_limit, default_cpu_limit (containers that set no
 * limit of their own; not ephemeral ones) and sa_automount_token (when
 * the pod sets none) from ENV (NULL: nothing). */
void brig_k8s_env_apply (const struct brig_k8s_env *env, struct brig_workload *w);
void brig_k8s_env_free (struct brig_k8s_env *env);

#endif
