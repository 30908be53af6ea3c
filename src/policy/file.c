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

/* A device number of an allowed_devices entry: decimal up to MAX, or `*`
 * (-1).  Returns false when S is neither. */
static bool
device_number (const char *s, size_t len, int64_t max, int64_t *ret)
{
  int64_t v = 0;

  if (len == 1 && s[0] == '*')
    {
      *ret = -1;
      return true;
    }
  if (len == 0 || len > 7)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (s[i] - '0');
    }
  *ret = v;
  return v <= max;
}

/* An absolute path in its normal form: no empty, `.` or `..` component,
 * no trailing `/` (the OCI parser normalizes the container's paths so). */
static bool
normal_path (const char *p)
{
  if (p[0] != '/' || p[1] == '\0')
    return false;
  for (const char *c = p; c; c = strchr (c + 1, '/'))
    {
      size_t len = strcspn (c + 1, "/");
      if (len == 0 || (len == 1 && c[1] == '.') || (len == 2 && c[1] == '.' && c[2] == '.'))
        return false;
    }
  return true;
}

/* "[PATH ]TYPE MAJOR:MINOR": TYPE c or b, MAJOR and MINOR a number or `*`,
 * PATH absolute and normal. */
static bool
parse_device_allow (const char *s, struct brig_device_allow *ret)
{
  _cleanup_free_ char *copy = xstrdup (s);
  char *words[4] = { NULL }, *o = copy, *colon;
  size_t n = 0;

  for (char *w; (w = strsep (&o, " ")) != NULL;)
    if (*w)
      {
        if (n == ARRAY_SIZE (words))
          return false;
        words[n++] = w;
      }
  if (n != 2 && n != 3)
    return false;
  if (n == 3 && !normal_path (words[0]))
    return false;
  if (strlen (words[n - 2]) != 1 || !strchr ("cb", words[n - 2][0]))
    return false;
  colon = strchr (words[n - 1], ':');
  if (colon == NULL
      || !device_number (words[n - 1], (size_t)(colon - words[n - 1]), 4095, &ret->major)
      || !device_number (colon + 1, strlen (colon + 1), 1048575, &ret->minor))
    return false;
  ret->type = words[n - 2][0];
  ret->path = n == 3 ? xstrdup (words[0]) : NULL;
  return true;
}

static int
parse_devices (json_t *devs, const char *file, struct brig_policy *p, struct brig_err *err)
{
  size_t i;
  json_t *v;

  if (!json_is_array (devs))
    return bad (err, file, "allowed_devices",
                "expected an array of devices such as \"c 10:229\" (/dev/fuse)");
  json_array_foreach (devs, i, v)
  {
    struct brig_device_allow a = { 0 };

    if (!json_is_string (v) || !parse_device_allow (json_string_value (v), &a))
      return brig_error (err, 0,
                         "%s: allowed_devices[%zu]: `%s`: expected \"TYPE MAJOR:MINOR\" with "
                         "TYPE c (character) or b (block) and each number a whole number or *, "
                         "optionally after the path in the container: \"c 10:229\", \"b 7:*\", "
                         "\"/dev/fuse c 10:229\" (ls -l shows a device's numbers)",
                         file, i, json_is_string (v) ? json_string_value (v) : "(not a string)");
    p->allowed_devices
        = xreallocarray (p->allowed_devices, p->nallowed_devices + 1, sizeof *p->allowed_devices);
    p->allowed_devices[p->nallowed_devices++] = a;
  }
  return 0;
}

static int
parse_host_paths (json_t *paths, const char *file, struct brig_policy *p, struct brig_err *err)
{
  size_t i;
  json_t *v;

  if (!json_is_array (paths))
    return bad (err, file, "allowed_host_paths",
                "expected an array of absolute host paths, such as \"/srv/data\"");
  json_array_foreach (paths, i, v)
  {
    const char *s = json_is_string (v) ? json_string_value (v) : NULL;
    if (s == NULL || (strcmp (s, "/") != 0 && !normal_path (s)))
      return brig_error (err, 0,
                         "%s: allowed_host_paths[%zu]: `%s`: expected an absolute path with no "
                         "`.`, `..`, empty component or trailing `/`, as the host resolves it "
                         "(/run/docker.sock, not /var/run/docker.sock)",
                         file, i, s ? s : "(not a string)");
    strv_push (&p->allowed_host_paths, xstrdup (s));
  }
  return 0;
}

static int
parse_bind_options (json_t *opts, const char *file, struct brig_policy *p, struct brig_err *err)
{
  size_t i;
  json_t *v;

  if (!json_is_array (opts))
    return bad (err, file, "allowed_bind_options", "expected an array of \"suid\" and \"dev\"");
  json_array_foreach (opts, i, v)
  {
    const char *s = json_is_string (v) ? json_string_value (v) : "";
    if (strcmp (s, "suid") == 0)
      p->allow_bind_suid = true;
    else if (strcmp (s, "dev") == 0)
      p->allow_bind_dev = true;
    else
      return brig_error (err, 0, "%s: allowed_bind_options[%zu]: `%s`: expected suid or dev", file,
                         i, json_is_string (v) ? s : "(not a string)");
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
    else if (strcmp (key, "allowed_devices") == 0)
      r = parse_devices (v, file, p, err);
    else if (strcmp (key, "allowed_host_paths") == 0)
      r = parse_host_paths (v, file, p, err);
    else if (strcmp (key, "allowed_bind_options") == 0)
      r = parse_bind_options (v, file, p, err);
    else if (strcmp (key, "keep_image_setid") == 0)
      {
        if (!json_is_boolean (v))
          r = bad (err, file, key, "expected true or false");
        p->keep_image_setid = json_is_true (v);
      }
    else
      r = brig_error (err, 0,
                      "%s: %s: unknown key: expected rules, allowed_capabilities, "
                      "allowed_devices, allowed_host_paths, allowed_bind_options, "
                      "keep_image_setid or limits",
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
