/* Fuzz the suppression comments reader: the input is a file's text, with
 * a finding of every rule on each of its first lines. */
#include <stdint.h>
#include <stdlib.h>

#include "policy/suppress.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct brig_findings f = { 0 };
  size_t n;
  const struct brig_audit_rule *rules = brig_audit_rules (&n);

  for (int line = 1; line <= 24; line++)
    for (size_t i = 0; i < n; i++)
      brig_findings_add (&f, &rules[i], "fuzz.yaml", (struct brig_loc){ line, 1, line, 2 }, "x");
  brig_suppress_comments ((const char *)data, size, "fuzz.yaml", 20260601, &f, 0);
  brig_findings_release (&f);
  return 0;
}
