/* Fuzz the YAML reader, the Kubernetes manifest reader and the Pod Security
 * Standards rules behind them (both levels, the oldest and newest policy),
 * the LimitRanges and ServiceAccounts read before the pods (the whole
 * file, and as a stream), and the suppressions annotations and comments
 * make. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/k8s.h"
#include "policy/audit.h"
#include "policy/suppress.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_workload *w = NULL;
  struct brig_findings f = { 0 };
  size_t n = 0;

  struct brig_k8s_env *env = NULL;

  if (brig_k8s_env_scan ((const char *)data, size, "fuzz.yaml", &env, &err) < 0)
    brig_err_release (&err);
  brig_k8s_env_free (env);
  if (brig_yaml_load ((const char *)data, size, "fuzz.yaml", &y, &err) == 0)
    {
      if (brig_parse_k8s (y, "fuzz.yaml", &w, &n, &err) == 0)
        for (size_t i = 0; i < n; i++)
          {
            size_t first = f.n;
            brig_audit_workload (&w[i], BRIG_PSS_RESTRICTED, BRIG_K8S_LATEST, &f);
            brig_audit_workload (&w[i], BRIG_PSS_BASELINE, 0, &f);
            brig_suppress_annotations (&w[i], 20260601, &f, first);
          }
      brig_suppress_comments ((const char *)data, size, "fuzz.yaml", 20260601, &f, 0);
      brig_workloads_free (w, n);
      brig_yaml_free (y);
    }
  brig_findings_release (&f);
  brig_err_release (&err);
  return 0;
}
