#include "model/seccomp.h"
#include "util/cleanup.h"

#include <string.h>

static const char *const action_names[] = {
  [BRIG_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
  [BRIG_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
  [BRIG_SCMP_TRAP] = "SCMP_ACT_TRAP",
  [BRIG_SCMP_ERRNO] = "SCMP_ACT_ERRNO",
  [BRIG_SCMP_TRACE] = "SCMP_ACT_TRACE",
  [BRIG_SCMP_ALLOW] = "SCMP_ACT_ALLOW",
  [BRIG_SCMP_LOG] = "SCMP_ACT_LOG",
  [BRIG_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[] = {
  [BRIG_SCMP_NE] = "SCMP_CMP_NE",
  [BRIG_SCMP_LT] = "SCMP_CMP_LT",
  [BRIG_SCMP_LE] = "SCMP_CMP_LE",
  [BRIG_SCMP_EQ] = "SCMP_CMP_EQ",
  [BRIG_SCMP_GE] = "SCMP_CMP_GE",
  [BRIG_SCMP_GT] = "SCMP_CMP_GT",
  [BRIG_SCMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *
brig_scmp_action_name (enum brig_scmp_action a)
{
  return (size_t)a < ARRAY_SIZE (action_names) ? action_names[a] : "?";
}

int
brig_scmp_action_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (action_names); i++)
    if (strcmp (name, action_names[i]) == 0)
      return (int)i;
  /* SCMP_ACT_KILL is the old name of KILL_THREAD. */
  if (strcmp (name, "SCMP_ACT_KILL") == 0)
    return BRIG_SCMP_KILL_THREAD;
  return -1;
}

const char *
brig_scmp_op_name (enum brig_scmp_op op)
{
  return (size_t)op < ARRAY_SIZE (op_names) ? op_names[op] : "?";
}

int
brig_scmp_op_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (op_names); i++)
    if (strcmp (name, op_names[i]) == 0)
      return (int)i;
  return -1;
}

struct brig_scmp_rule *
brig_seccomp_add_rule (struct brig_seccomp *p)
{
  p->rules = xreallocarray (p->rules, p->nrules + 1, sizeof *p->rules);
  memset (&p->rules[p->nrules], 0, sizeof p->rules[0]);
  return &p->rules[p->nrules++];
}

void
brig_seccomp_free (struct brig_seccomp *p)
{
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->nrules; i++)
    {
      strv_free (p->rules[i].names);
      strv_free (p->rules[i].arches_in);
      strv_free (p->rules[i].arches_out);
    }
  free (p->rules);
  strv_free (p->arches);
  free (p->source);
  free (p->listener_path);
  free (p->listener_metadata);
  free (p);
}
