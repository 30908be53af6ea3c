#include "policy/file.h"
#include "model/caps.h"
#include "parse/units.h"
#include "util/cleanup.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

static int
bad (struct brig_err *err, const char *file, const char *path, const char *what)
{
  return brig_error (err, 0, "%s: %s: %s", file, path, what);
}

static int
parse_rules (json_t *rules, const char *file, struct brig_policy *p, struct brig_err *err)
{
  const char *id;
  json_t *v;

  if (!json_is_object (rules))
    return bad (err, file, "rules", "expected an object of RULE-ID: action");
  json_object_foreach (rules, id, v)
  {
    size_t idx;
    int a;

    if (brig_rule_find (id, &idx) == NULL)
      return brig_error (err, 0, "%s: rules.%s: unknown rule (brig audit --list-rules lists them)",
                         file, id);
    a = json_is_string (v) ? brig_action_from_name (json_string_value (v)) : -1;
    if (a < 0)
      return brig_error (err, 0, "%s: rules.%s: expected enforce, harden, audit or off", file, id);
    p->actions[idx] = (enum brig_action)a;
  }
  return 0;
}

static int
parse_caps (json_t *caps, const char *file, struct brig_policy *p, struct brig_err *err)
{
  size_t i;
  json_t *v;

  if (!json_is_array (caps))
    return bad (err, file, "allowed_capabilities", "expected an array of capability names");
  p->allowed_caps = 0;
  json_array_foreach (caps, i, v)
  {
    uint64_t m;
    if (!json_is_string (v) || brig_cap_parse (json_string_value (v), &m, err) < 0)
      {
        if (err->msg == NULL)
          brig_error (err, 0, "expected a capability name");
        return brig_err_wrap (err, "%s: allowed_capabilities[%zu]", file, i);
      }
    p->allowed_caps |= m;
  }
  return 0;
}

static int
parse_limits (json_t *lim, const char *file, struct brig_policy *p, struct brig_err *err)
{
  const char *key;
  json_t *v;

  if (!json_is_object (lim))
    return bad (err, file, "limits", "expected an object");
  json_object_foreach (lim, key, v)
  {
    if (strcmp (key, "memory") == 0)
      {
        if (!json_is_string (v) || brig_parse_size (json_string_value (v), &p->max_memory, err) < 0
            || p->max_memory < (INT64_C (6) << 20))
          {
            brig_err_release (err);
            return bad (err, file, "limits.memory",
                        "expected a size of at least 6m, e.g. \"512m\"");
          }
      }
    else if (strcmp (key, "pids") == 0)
      {
        if (!json_is_integer (v) || json_integer_value (v) < 1)
          return bad (err, file, "limits.pids", "expected a whole number above 0");
        p->max_pids = json_integer_value (v);
      }
    else
      return brig_error (err, 0, "%s: limits.%s: unknown key: expected memory or pids", file, key);
  }
  return 0;
}

int
brig_parse_policy (const char *buf, size_t len, const char *file, struct brig_policy **ret,
                   struct brig_err *err)
{
  json_error_t jerr;
  json_t *root = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  struct brig_policy *p = NULL;
  const char *key;
  json_t *v;
  int r = 0;

  if (root == NULL)
    return brig_error (err, 0, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
  if (!json_is_object (root))
    {
      r = bad (err, file, "(top)", "expected a JSON object");
      goto out;
    }
  p = brig_policy_default ();
  free (p->source);
  p->source = xstrdup (file);
  json_object_foreach (root, key, v)
  {
    if (strcmp (key, "rules") == 0)
      r = parse_rules (v, file, p, err);
    else if (strcmp (key, "allowed_capabilities") == 0)
      r = parse_caps (v, file, p, err);
    else if (strcmp (key, "limits") == 0)
      r = parse_limits (v, file, p, err);
    else
      r = brig_error (err, 0, "%s: %s: unknown key: expected rules, allowed_capabilities or limits",
                      file, key);
    if (r < 0)
      goto out;
  }
  *ret = steal_pointer (&p);
out:
  brig_policy_free (p);
  json_decref (root);
  return r < 0 ? r : 0;
}
