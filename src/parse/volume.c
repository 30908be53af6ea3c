/* -v and --mount of brig run: see volume.h. */
#include "parse/volume.h"
#include "parse/units.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#define OPTION_LIST "ro, rw, nosuid, suid, nodev, dev, noexec or exec"
#define DEFAULT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV)

/* Container paths that are brig's own filesystems. */
static const char *const reserved_targets[] = { "/proc", "/sys", "/dev" };

bool
brig_volume_name_valid (const char *name)
{
  return str_is_name (name, strlen (name), BRIG_VOLUME_NAME_MAX);
}

/* Apply option WORD (of LEN bytes) to *FLAGS; SEEN remembers which of a
 * pair was given, so that "ro,rw" is an error rather than the last one
 * winning.  False for an unknown option. */
static int
apply_option (const char *word, size_t len, unsigned long *flags, unsigned long *seen,
              const char *arg, struct brig_err *err)
{
  for (const struct brig_mount_option *o = brig_mount_options; o->name; o++)
    if (strlen (o->name) == len && strncmp (word, o->name, len) == 0)
      {
        unsigned long bit = o->set | o->clear;
        if (*seen & bit)
          return brig_error (err, 0, "`%s`: `%.*s` contradicts or repeats an earlier option", arg,
                             (int)len, word);
        *seen |= bit;
        *flags = (*flags | o->set) & ~o->clear;
        return 0;
      }
  return brig_error (err, 0, "`%s`: unknown option `%.*s`: expected " OPTION_LIST, arg, (int)len,
                     word);
}

/* TARGET in its normal form (no empty or `.` component, no trailing `/`),
 * or NULL (error set) when it is not an absolute path, is `/`, has a `..`,
 * or is one of brig's own filesystems. */
static char *
normal_target (const char *target, const char *arg, struct brig_err *err)
{
  _cleanup_free_ char *copy = xstrdup (target);
  char *out = NULL, *o = copy;

  if (target[0] != '/')
    {
      brig_error (err, 0, "`%s`: the target `%s` must be an absolute path in the container", arg,
                  target);
      return NULL;
    }
  for (char *w; (w = strsep (&o, "/"));)
    {
      if (*w == '\0' || strcmp (w, ".") == 0)
        continue;
      if (strcmp (w, "..") == 0)
        {
          free (out);
          brig_error (err, 0, "`%s`: the target `%s` must not contain `..`", arg, target);
          return NULL;
        }
      {
        char *next = xasprintf ("%s/%s", out ? out : "", w);
        free (out);
        out = next;
      }
    }
  if (out == NULL)
    {
      brig_error (err, 0, "`%s`: the target must not be the container's /", arg);
      return NULL;
    }
  for (size_t i = 0; i < ARRAY_SIZE (reserved_targets); i++)
    {
      size_t n = strlen (reserved_targets[i]);
      if (strncmp (out, reserved_targets[i], n) == 0 && (out[n] == '\0' || out[n] == '/'))
        {
          brig_error (err, 0,
                      "`%s`: the target `%s` is in the container's %s, which brig mounts "
                      "itself (/proc, /sys and /dev cannot be mount targets)",
                      arg, out, reserved_targets[i]);
          free (out);
          return NULL;
        }
    }
  return out;
}

/* SOURCE of a bind or a named volume into *M: an absolute host path, or a
 * volume name.  TYPE_GIVEN: "bind" or "volume" from --mount (NULL: -v, where
 * the form decides). */
static int
set_source (struct brig_mount *m, const char *source, const char *type_given, const char *arg,
            struct brig_err *err)
{
  bool path = source[0] == '/';

  if (source[0] == '\0')
    return brig_error (err, 0,
                       "`%s`: the source is empty: expected an absolute host path or a "
                       "volume name",
                       arg);
  if (type_given && strcmp (type_given, "volume") == 0 && path)
    return brig_error (err, 0,
                       "`%s`: type=volume takes a volume name, not the path `%s` (use "
                       "type=bind for a host path)",
                       arg, source);
  if (path)
    {
      m->source = xstrdup (source);
      return 0;
    }
  if (strchr (source, '/') || source[0] == '.' || source[0] == '~')
    return brig_error (err, 0,
                       "`%s`: the host path `%s` is relative: give an absolute path (such as "
                       "\"$PWD/%s\")",
                       arg, source, source[0] == '.' && source[1] == '/' ? source + 2 : source);
  if (type_given && strcmp (type_given, "bind") == 0)
    return brig_error (err, 0, "`%s`: type=bind takes an absolute host path, not `%s`", arg,
                       source);
  if (!brig_volume_name_valid (source))
    return brig_error (err, 0,
                       "`%s`: `%s` is neither an absolute host path nor a volume name (a "
                       "letter or digit, then letters, digits, `_`, `.` or `-`, at most %d)",
                       arg, source, BRIG_VOLUME_NAME_MAX);
  m->volume = xstrdup (source);
  return 0;
}

int
brig_parse_volume (const char *arg, struct brig_mount *ret, struct brig_err *err)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  char *fields[4] = { NULL }, *o = copy;
  size_t n = 0;
  unsigned long flags = DEFAULT_FLAGS, seen = 0;
  struct brig_mount m = { 0 };
  int r;

  for (char *f; (f = strsep (&o, ":"));)
    {
      if (n == ARRAY_SIZE (fields))
        return brig_error (err, 0,
                           "`%s`: expected SOURCE:TARGET[:OPTIONS] (too many `:`; a path with "
                           "`:` needs --mount)",
                           arg);
      fields[n++] = f;
    }
  if (n < 2 || n > 3)
    return brig_error (err, 0,
                       "`%s`: expected SOURCE:TARGET[:OPTIONS], with SOURCE an absolute host "
                       "path or a volume name",
                       arg);
  if (n == 3)
    {
      char *w = fields[2];
      if (*w == '\0')
        return brig_error (err, 0, "`%s`: empty options after `:`: expected " OPTION_LIST, arg);
      for (char *tok; (tok = strsep (&w, ","));)
        if ((r = apply_option (tok, strlen (tok), &flags, &seen, arg, err)) < 0)
          return r;
    }
  if ((r = set_source (&m, fields[0], NULL, arg, err)) < 0)
    return r;
  if ((m.dest = normal_target (fields[1], arg, err)) == NULL)
    {
      brig_mount_release (&m);
      return -EINVAL;
    }
  m.type = xstrdup ("bind");
  m.flags = flags | MS_REC;
  *ret = m;
  return 0;
}

enum mount_key
{
  KEY_TYPE,
  KEY_SOURCE,
  KEY_TARGET,
  KEY_READONLY,
  KEY_TMPFS_SIZE,
  KEY_TMPFS_MODE,
};

static const struct
{
  const char *name;
  enum mount_key key;
} mount_keys[] = {
  { "type", KEY_TYPE },
  { "source", KEY_SOURCE },
  { "src", KEY_SOURCE },
  { "target", KEY_TARGET },
  { "destination", KEY_TARGET },
  { "dst", KEY_TARGET },
  { "readonly", KEY_READONLY },
  { "ro", KEY_READONLY },
  { "tmpfs-size", KEY_TMPFS_SIZE },
  { "tmpfs-mode", KEY_TMPFS_MODE },
};

#define MOUNT_KEYS                                                                                 \
  "type, source (src), target (destination, dst), readonly (ro), rw, nosuid, suid, nodev, dev, "   \
  "noexec, exec, tmpfs-size, tmpfs-mode"

static const char *const mount_types[] = { "bind", "volume", "tmpfs" };

struct mount_fields
{
  const char *value[KEY_TMPFS_MODE + 1];
  unsigned long flags, seen;
};

/* One KEY[=VALUE] item of --mount into *F. */
static int
mount_item (char *item, struct mount_fields *f, const char *arg, struct brig_err *err)
{
  char *eq = strchr (item, '=');
  size_t klen = eq ? (size_t)(eq - item) : strlen (item);

  for (size_t i = 0; i < ARRAY_SIZE (mount_keys); i++)
    if (strlen (mount_keys[i].name) == klen && strncmp (item, mount_keys[i].name, klen) == 0)
      {
        enum mount_key k = mount_keys[i].key;
        if (f->value[k])
          return brig_error (err, 0, "`%s`: `%.*s` is given twice", arg, (int)klen, item);
        if (k == KEY_READONLY)
          {
            const char *v = eq ? eq + 1 : "true";
            bool ro = strcmp (v, "true") == 0 || strcmp (v, "1") == 0;
            if (!ro && strcmp (v, "false") != 0 && strcmp (v, "0") != 0)
              return brig_error (err, 0, "`%s`: %.*s=%s: expected true, false, 1 or 0", arg,
                                 (int)klen, item, v);
            f->value[k] = v;
            return apply_option (ro ? "ro" : "rw", 2, &f->flags, &f->seen, arg, err);
          }
        if (eq == NULL || eq[1] == '\0')
          return brig_error (err, 0, "`%s`: `%s` needs a value (%s=...)", arg, item, item);
        f->value[k] = eq + 1;
        return 0;
      }
  if (eq == NULL)
    {
      int r = apply_option (item, klen, &f->flags, &f->seen, arg, err);
      if (r == 0)
        return 0;
      brig_err_release (err);
    }
  return brig_error (err, 0, "`%s`: unknown key `%.*s`: expected " MOUNT_KEYS, arg, (int)klen,
                     item);
}

/* type=tmpfs: through --tmpfs's own reader, read-only unless rw. */
static int
mount_tmpfs (const struct mount_fields *f, const char *target, const char *arg,
             struct brig_mount *ret, struct brig_err *err)
{
  _cleanup_free_ char *spec = NULL;
  int r;

  if (f->value[KEY_SOURCE])
    return brig_error (err, 0, "`%s`: a tmpfs has no source", arg);
  spec = xasprintf ("%s:%s,%s,%s,%s%s%s%s%s", target, f->flags & MS_RDONLY ? "ro" : "rw",
                    f->flags & MS_NOSUID ? "nosuid" : "suid", f->flags & MS_NODEV ? "nodev" : "dev",
                    f->flags & MS_NOEXEC || !(f->seen & MS_NOEXEC) ? "noexec" : "exec",
                    f->value[KEY_TMPFS_SIZE] ? ",size=" : "",
                    f->value[KEY_TMPFS_SIZE] ? f->value[KEY_TMPFS_SIZE] : "",
                    f->value[KEY_TMPFS_MODE] ? ",mode=" : "",
                    f->value[KEY_TMPFS_MODE] ? f->value[KEY_TMPFS_MODE] : "");
  if ((r = brig_parse_tmpfs (spec, ret, err)) < 0)
    return brig_err_wrap (err, "`%s`", arg);
  return 0;
}

int
brig_parse_mount (const char *arg, struct brig_mount *ret, struct brig_err *err)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  _cleanup_free_ char *target = NULL;
  struct mount_fields f = { .flags = DEFAULT_FLAGS };
  struct brig_mount m = { 0 };
  const char *type;
  char *o = copy;
  size_t t;
  int r;

  for (char *item; (item = strsep (&o, ","));)
    {
      if (*item == '\0')
        return brig_error (err, 0, "`%s`: an empty item between commas", arg);
      if ((r = mount_item (item, &f, arg, err)) < 0)
        return r;
    }
  type = f.value[KEY_TYPE] ? f.value[KEY_TYPE] : "volume";
  for (t = 0; t < ARRAY_SIZE (mount_types); t++)
    if (strcmp (type, mount_types[t]) == 0)
      break;
  if (t == ARRAY_SIZE (mount_types))
    return brig_error (err, 0, "`%s`: unknown type `%s`: expected bind, volume or tmpfs", arg,
                       type);
  if (f.value[KEY_TARGET] == NULL)
    return brig_error (err, 0, "`%s`: no target: expected target=PATH in the container", arg);
  if ((target = normal_target (f.value[KEY_TARGET], arg, err)) == NULL)
    return -EINVAL;
  if (strcmp (type, "tmpfs") == 0)
    return mount_tmpfs (&f, target, arg, ret, err);
  if (f.value[KEY_TMPFS_SIZE] || f.value[KEY_TMPFS_MODE])
    return brig_error (err, 0, "`%s`: tmpfs-size and tmpfs-mode are for type=tmpfs", arg);
  if (f.value[KEY_SOURCE] == NULL)
    return brig_error (err, 0, "`%s`: no source: expected source=%s", arg,
                       strcmp (type, "bind") == 0 ? "/HOST/PATH" : "VOLUME-NAME");
  if ((r = set_source (&m, f.value[KEY_SOURCE], type, arg, err)) < 0)
    return r;
  m.dest = steal_pointer (&target);
  m.type = xstrdup ("bind");
  m.flags = f.flags | MS_REC;
  *ret = m;
  return 0;
}
