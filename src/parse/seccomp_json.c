#include "parse/seccomp_json.h"
#include "model/caps.h"
#include "util/cleanup.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const action_list
    = "SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, "
      "SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_NOTIFY";

/* JSON paths for error messages, built on the stack without printf: a
 * profile has hundreds of them and almost never needs one (a long one is
 * only cut short, never a problem). */
static void
jpath_key (char *buf, size_t n, const char *base, const char *key)
{
  size_t b = strnlen (base, n - 1), k = strlen (key);

  memcpy (buf, base, b);
  if (k > n - 1 - b)
    k = n - 1 - b;
  memcpy (buf + b, key, k);
  buf[b + k] = '\0';
}

static void
jpath_idx (char *buf, size_t n, const char *base, size_t idx)
{
  char num[24], *d = num + sizeof num;

  *--d = '\0';
  *--d = ']';
  do
    *--d = (char)('0' + idx % 10);
  while ((idx /= 10) > 0);
  *--d = '[';
  jpath_key (buf, n, base, d);
}

static int
bad (struct brig_err *err, const char *file, const char *path, const char *what)
{
  return brig_error (err, 0, "%s: %s: %s", file, path, what);
}

static int
get_action (json_t *v, const char *file, const char *path, enum brig_scmp_action *ret,
            struct brig_err *err)
{
  int a;

  if (!json_is_string (v))
    return bad (err, file, path, "expected a string naming an action");
  a = brig_scmp_action_from_name (json_string_value (v));
  if (a < 0)
    return brig_error (err, 0, "%s: %s: unknown action `%s`: expected one of %s", file, path,
                       json_string_value (v), action_list);
  *ret = (enum brig_scmp_action)a;
  return 0;
}

static int
get_strv (json_t *v, const char *file, const char *path, char ***ret, struct brig_err *err)
{
  size_t i, n;
  json_t *e;

  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_array (v))
    return bad (err, file, path, "expected an array of strings");
  /* Appended in one go: a rule can name hundreds of syscalls. */
  n = strv_len (*ret);
  *ret = xreallocarray (*ret, n + json_array_size (v) + 1, sizeof (char *));
  (*ret)[n] = NULL;
  json_array_foreach (v, i, e)
  {
    if (!json_is_string (e))
      return brig_error (err, 0, "%s: %s[%zu]: expected a string", file, path, i);
    (*ret)[n++] = xstrdup (json_string_value (e));
    (*ret)[n] = NULL;
  }
  return 0;
}

static int
get_caps (json_t *v, const char *file, const char *path, uint64_t *ret, struct brig_err *err)
{
  _cleanup_strv_ char **names = NULL;
  int r = get_strv (v, file, path, &names, err);

  if (r < 0)
    return r;
  for (size_t i = 0; names && names[i]; i++)
    {
      uint64_t m;
      r = brig_cap_parse (names[i], &m, err);
      if (r < 0)
        return brig_err_wrap (err, "%s: %s[%zu]", file, path, i);
      *ret |= m;
    }
  return 0;
}

static int
get_uint64 (json_t *v, const char *file, const char *path, uint64_t *ret, struct brig_err *err)
{
  if (v == NULL)
    {
      *ret = 0;
      return 0;
    }
  if (!json_is_integer (v) || json_integer_value (v) < 0)
    return bad (err, file, path, "expected a non-negative integer");
  *ret = (uint64_t)json_integer_value (v);
  return 0;
}

/* "4.8" -> 4*65536 + 8*256 */
static int
get_kernel (json_t *v, const char *file, const char *path, unsigned *ret, struct brig_err *err)
{
  unsigned major, minor;
  int n = 0;

  if (v == NULL)
    return 0;
  if (!json_is_string (v) || sscanf (json_string_value (v), "%u.%u%n", &major, &minor, &n) != 2
      || json_string_value (v)[n] != '\0' || major > 255 || minor > 255)
    return bad (err, file, path, "expected a kernel version such as \"4.8\"");
  *ret = major * 65536 + minor * 256;
  return 0;
}

static int
parse_args (json_t *args, const char *file, const char *path, struct brig_scmp_rule *r,
            struct brig_err *err)
{
  size_t i;
  json_t *a;

  if (args == NULL || json_is_null (args))
    return 0;
  if (!json_is_array (args))
    return bad (err, file, path, "expected an array");
  if (json_array_size (args) > BRIG_SCMP_MAX_ARGS)
    return bad (err, file, path, "at most 6 argument conditions");
  json_array_foreach (args, i, a)
  {
    char p[256];
    jpath_idx (p, sizeof p, path, i);
    char pi[256];
    jpath_key (pi, sizeof pi, p, ".index");
    char pv[256];
    jpath_key (pv, sizeof pv, p, ".value");
    char pv2[256];
    jpath_key (pv2, sizeof pv2, p, ".valueTwo");
    struct brig_scmp_arg *arg = &r->args[r->nargs];
    json_t *op = json_object_get (a, "op");
    uint64_t index;
    int o;

    if (!json_is_object (a))
      return bad (err, file, p, "expected an object");
    if (get_uint64 (json_object_get (a, "index"), file, pi, &index, err) < 0
        || get_uint64 (json_object_get (a, "value"), file, pv, &arg->value, err) < 0
        || get_uint64 (json_object_get (a, "valueTwo"), file, pv2, &arg->value_two, err) < 0)
      return -EINVAL;
    if (index >= BRIG_SCMP_MAX_ARGS)
      return bad (err, file, pi, "expected 0 to 5");
    arg->index = (unsigned)index;
    o = json_is_string (op) ? brig_scmp_op_from_name (json_string_value (op)) : -1;
    if (o < 0)
      return brig_error (err, 0,
                         "%s: %s.op: expected one of SCMP_CMP_NE, SCMP_CMP_LT, "
                         "SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
                         "SCMP_CMP_MASKED_EQ",
                         file, p);
    arg->op = (enum brig_scmp_op)o;
    r->nargs++;
  }
  return 0;
}

static int
parse_filter (json_t *f, const char *file, const char *path, bool include, struct brig_scmp_rule *r,
              struct brig_err *err)
{
  char pc[256];
  jpath_key (pc, sizeof pc, path, ".caps");
  char pa[256];
  jpath_key (pa, sizeof pa, path, ".arches");
  char pk[256];
  jpath_key (pk, sizeof pk, path, ".minKernel");

  if (f == NULL || json_is_null (f))
    return 0;
  if (!json_is_object (f))
    return bad (err, file, path, "expected an object");
  if (get_caps (json_object_get (f, "caps"), file, pc, include ? &r->caps_all : &r->caps_none, err)
          < 0
      || get_strv (json_object_get (f, "arches"), file, pa,
                   include ? &r->arches_in : &r->arches_out, err)
             < 0)
    return -EINVAL;
  if (include)
    return get_kernel (json_object_get (f, "minKernel"), file, pk, &r->min_kernel, err);
  return 0;
}

static bool
syscall_name_valid (const char *s)
{
  if (*s == '\0' || strlen (s) > 64)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

static int
parse_rule (json_t *s, const char *file, const char *path, struct brig_seccomp *p,
            struct brig_err *err)
{
  char pn[256];
  jpath_key (pn, sizeof pn, path, ".names");
  char pa[256];
  jpath_key (pa, sizeof pa, path, ".action");
  char pe[256];
  jpath_key (pe, sizeof pe, path, ".errnoRet");
  char pargs[256];
  jpath_key (pargs, sizeof pargs, path, ".args");
  char pinc[256];
  jpath_key (pinc, sizeof pinc, path, ".includes");
  char pexc[256];
  jpath_key (pexc, sizeof pexc, path, ".excludes");
  struct brig_scmp_rule *r;
  json_t *name, *eret;
  uint64_t e;

  if (!json_is_object (s))
    return bad (err, file, path, "expected an object");
  r = brig_seccomp_add_rule (p);
  if (get_strv (json_object_get (s, "names"), file, pn, &r->names, err) < 0)
    return -EINVAL;
  name = json_object_get (s, "name");
  if (name && json_is_string (name))
    strv_push (&r->names, xstrdup (json_string_value (name)));
  if (r->names == NULL)
    return bad (err, file, path, "a rule needs `names`");
  for (size_t i = 0; r->names[i]; i++)
    if (!syscall_name_valid (r->names[i]))
      return brig_error (err, 0,
                         "%s: %s[%zu]: `%s` is not a syscall name: expected lower-case "
                         "letters, digits and `_`",
                         file, pn, i, r->names[i]);
  if (get_action (json_object_get (s, "action"), file, pa, &r->action, err) < 0)
    return -EINVAL;
  eret = json_object_get (s, "errnoRet");
  if (get_uint64 (eret, file, pe, &e, err) < 0)
    return -EINVAL;
  if (e > 4095)
    return bad (err, file, pe, "expected an errno from 0 to 4095");
  r->errno_ret = eret ? (int)e : EPERM;
  if (parse_args (json_object_get (s, "args"), file, pargs, r, err) < 0
      || parse_filter (json_object_get (s, "includes"), file, pinc, true, r, err) < 0
      || parse_filter (json_object_get (s, "excludes"), file, pexc, false, r, err) < 0)
    return -EINVAL;
  return 0;
}

int
brig_parse_seccomp_json (const char *buf, size_t len, const char *file, struct brig_seccomp **ret,
                         struct brig_err *err)
{
  json_error_t jerr;
  json_t *root = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  int r;

  if (root == NULL)
    return brig_error (err, 0, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
  r = brig_parse_seccomp_value (root, file, ret, err);
  json_decref (root);
  return r;
}

/* OCI: listenerPath, an absolute path to a unix socket, and
 * listenerMetadata, any string, sent to it. */
static int
get_listener (json_t *root, const char *file, struct brig_seccomp *p, struct brig_err *err)
{
  json_t *path = json_object_get (root, "listenerPath");
  json_t *meta = json_object_get (root, "listenerMetadata");

  if (path && !json_is_null (path))
    {
      const char *s = json_string_value (path);
      if (s == NULL || s[0] != '/' || strlen (s) >= 108)
        return bad (err, file, "listenerPath",
                    "expected the absolute path of a unix socket, shorter than 108 bytes");
      p->listener_path = xstrdup (s);
    }
  if (meta && !json_is_null (meta))
    {
      if (!json_is_string (meta))
        return bad (err, file, "listenerMetadata", "expected a string");
      if (p->listener_path == NULL)
        return bad (err, file, "listenerMetadata", "given without a listenerPath");
      p->listener_metadata = xstrdup (json_string_value (meta));
    }
  return 0;
}

int
brig_parse_seccomp_value (json_t *root, const char *file, struct brig_seccomp **ret,
                          struct brig_err *err)
{
  struct brig_seccomp *p;
  json_t *syscalls, *s, *eret, *archmap;
  size_t i;
  uint64_t e;
  int r = -EINVAL;

  p = xcalloc (1, sizeof *p);
  p->source = xstrdup (file);
  if (!json_is_object (root))
    {
      bad (err, file, "(top)", "expected a JSON object");
      goto out;
    }
  if (get_action (json_object_get (root, "defaultAction"), file, "defaultAction",
                  &p->default_action, err)
      < 0)
    goto out;
  eret = json_object_get (root, "defaultErrnoRet");
  if (get_uint64 (eret, file, "defaultErrnoRet", &e, err) < 0)
    goto out;
  if (e > 4095)
    {
      bad (err, file, "defaultErrnoRet", "expected an errno from 0 to 4095");
      goto out;
    }
  p->default_errno = eret ? (int)e : EPERM;
  if (get_strv (json_object_get (root, "architectures"), file, "architectures", &p->arches, err)
      < 0)
    goto out;
  archmap = json_object_get (root, "archMap");
  if (archmap && json_is_array (archmap))
    json_array_foreach (archmap, i, s)
    {
      char pi[256], pa[256], ps[256];
      jpath_idx (pi, sizeof pi, "archMap", i);
      jpath_key (pa, sizeof pa, pi, ".architecture");
      jpath_key (ps, sizeof ps, pi, ".subArchitectures");
      json_t *a = json_object_get (s, "architecture");
      if (!json_is_string (a))
        {
          bad (err, file, pa, "expected a string");
          goto out;
        }
      strv_push (&p->arches, xstrdup (json_string_value (a)));
      if (get_strv (json_object_get (s, "subArchitectures"), file, ps, &p->arches, err) < 0)
        goto out;
    }
  if (get_listener (root, file, p, err) < 0)
    goto out;
  syscalls = json_object_get (root, "syscalls");
  if (syscalls && !json_is_null (syscalls) && !json_is_array (syscalls))
    {
      bad (err, file, "syscalls", "expected an array of rules");
      goto out;
    }
  json_array_foreach (syscalls, i, s)
  {
    char path[256];
    jpath_idx (path, sizeof path, "syscalls", i);
    if (parse_rule (s, file, path, p, err) < 0)
      goto out;
    if (p->rules[p->nrules - 1].action == BRIG_SCMP_NOTIFY && p->listener_path == NULL)
      {
        bad (err, file, path, "SCMP_ACT_NOTIFY needs a listenerPath to send notifications to");
        goto out;
      }
  }
  *ret = steal_pointer (&p);
  r = 0;
out:
  brig_seccomp_free (p);
  return r;
}
