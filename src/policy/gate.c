/* The gate: judge a container by the policy, harden or refuse. */
#include "model/caps.h"
#include "policy/policy.h"
#include "util/cleanup.h"

#include <errno.h>
#include <string.h>

#define CAP(c) (UINT64_C (1) << (c))

static const char *const action_names[] = {
  [BRIG_ACT_OFF] = "off",
  [BRIG_ACT_AUDIT] = "audit",
  [BRIG_ACT_HARDEN] = "harden",
  [BRIG_ACT_ENFORCE] = "enforce",
};

static const char *const severity_names[] = {
  [BRIG_SEV_LOW] = "low",
  [BRIG_SEV_MEDIUM] = "medium",
  [BRIG_SEV_HIGH] = "high",
  [BRIG_SEV_CRITICAL] = "critical",
};

const char *
brig_action_name (enum brig_action a)
{
  return action_names[a];
}

int
brig_action_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (action_names); i++)
    if (strcmp (name, action_names[i]) == 0)
      return (int)i;
  return -1;
}

const char *
brig_severity_name (enum brig_severity s)
{
  return severity_names[s];
}

struct brig_policy *
brig_policy_default (void)
{
  struct brig_policy *p = xcalloc (1, sizeof *p);
  size_t n;
  const struct brig_rule *rules = brig_rules (&n);

  p->actions = xcalloc (n, sizeof *p->actions);
  for (size_t i = 0; i < n; i++)
    p->actions[i] = rules[i].default_action;
  /* What most programs need to start as root and drop to a user: Docker's
   * defaults without NET_RAW, MKNOD, AUDIT_WRITE, SYS_CHROOT and SETFCAP. */
  p->allowed_caps = CAP (0) /* CHOWN */ | CAP (1) /* DAC_OVERRIDE */ | CAP (3) /* FOWNER */
                    | CAP (4) /* FSETID */ | CAP (5) /* KILL */ | CAP (6)      /* SETGID */
                    | CAP (7) /* SETUID */ | CAP (8)                           /* SETPCAP */
                    | CAP (10) /* NET_BIND_SERVICE */;
  p->max_memory = BRIG_DEFAULT_MEMORY;
  p->max_pids = BRIG_DEFAULT_PIDS;
  p->source = xstrdup ("builtin");
  return p;
}

void
brig_policy_free (struct brig_policy *p)
{
  if (p == NULL)
    return;
  free (p->actions);
  for (size_t i = 0; i < p->nallowed_devices; i++)
    free (p->allowed_devices[i].path);
  free (p->allowed_devices);
  strv_free (p->allowed_host_paths);
  free (p->source);
  free (p);
}

void
brig_policy_only (struct brig_policy *p, const char *const *ids)
{
  size_t n;
  const struct brig_rule *rules = brig_rules (&n);

  for (size_t i = 0; i < n; i++)
    {
      bool keep = false;
      for (const char *const *id = ids; *id && !keep; id++)
        keep = strcmp (rules[i].id, *id) == 0;
      if (!keep)
        p->actions[i] = BRIG_ACT_OFF;
    }
}

void
brig_decisions_free (struct brig_decision *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (d[i].detail);
  free (d);
}

int
brig_policy_gate (const struct brig_policy *p, struct brig_container *c, struct brig_decision **ret,
                  size_t *ret_n, struct brig_err *err)
{
  size_t n, nd = 0;
  const struct brig_rule *rules = brig_rules (&n);
  struct brig_decision *d = NULL;
  int r = 0;

  for (size_t i = 0; i < n; i++)
    {
      enum brig_action a = p->actions[i];
      char *detail = NULL;

      if (a == BRIG_ACT_OFF || !rules[i].check (c, p, &detail))
        continue;
      if (a == BRIG_ACT_HARDEN && rules[i].harden == NULL)
        a = BRIG_ACT_ENFORCE; /* a rule that cannot fix refuses instead */
      d = xreallocarray (d, nd + 1, sizeof *d);
      d[nd++] = (struct brig_decision){ &rules[i], a, detail };
      if (a == BRIG_ACT_HARDEN)
        rules[i].harden (c, p);
      else if (a == BRIG_ACT_ENFORCE && r == 0)
        r = brig_error (err, 0,
                        "refused by policy rule %s (%s): %s.  %s  To allow it, set \"%s\": "
                        "\"audit\" in the policy (%s)",
                        rules[i].id, rules[i].title, detail, rules[i].fix, rules[i].id, p->source);
    }
  if (r < 0)
    err->code = EPERM;
  *ret = d;
  *ret_n = nd;
  return r < 0 ? -EPERM : 0;
}
