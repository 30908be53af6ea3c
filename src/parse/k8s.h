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
 * FILE).  Other kinds give nothing.  The workloads borrow Y's strings. */
int brig_parse_k8s (const struct brig_yaml *y, const char *file, struct brig_workload **ret,
                    size_t *ret_n, struct brig_err *err);

/* The same for one document (streaming): workloads are appended to
 * *W (*N of them). */
bool brig_k8s_detect_doc (const struct brig_ynode *doc);
int brig_parse_k8s_doc (const struct brig_ynode *doc, const char *file, struct brig_workload **w,
                        size_t *n, struct brig_err *err);

#endif
