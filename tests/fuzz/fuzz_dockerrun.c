/* Fuzz the shell word splitter and the docker run reader (as a script and
 * as a Makefile) and the container rules behind them. */
#include <stdint.h>
#include <stdlib.h>

#include "parse/dockerrun.h"
#include "policy/audit.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  (void)brig_dockerrun_shebang ((const char *)data, size);
  for (int make = 0; make < 2; make++)
    {
      struct brig_err err = { 0 };
      struct brig_workload *w = NULL;
      struct brig_findings f = { 0 };
      size_t n = 0;

      if (brig_parse_dockerrun ((const char *)data, size, "fuzz.sh", make, &w, &n, &err) == 0)
        {
          for (size_t i = 0; i < n; i++)
            brig_audit_container (&w[i], &f);
          brig_workloads_free (w, n);
        }
      brig_findings_release (&f);
      brig_err_release (&err);
    }
  return 0;
}
