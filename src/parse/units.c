#include "parse/units.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>

static const struct
{
  char unit;
  int shift;
} size_units[] = {
  { 'b', 0 }, { 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 }, { 'p', 50 },
};

/* Digits, an optional fraction; returns the end or NULL when there are no
 * digits.  *ret_int and *ret_frac_num/den carry the value exactly. */
static const char *
scan_decimal (const char *s, uint64_t *ret_int, uint64_t *ret_num, uint64_t *ret_den)
{
  uint64_t v = 0, num = 0, den = 1;
  const char *p = s;

  if (!isdigit ((unsigned char)*p))
    return NULL;
  for (; isdigit ((unsigned char)*p); p++)
    {
      if (v > (UINT64_MAX - 9) / 10)
        return NULL;
      v = v * 10 + (uint64_t)(*p - '0');
    }
  if (*p == '.')
    {
      p++;
      if (!isdigit ((unsigned char)*p))
        return NULL;
      for (; isdigit ((unsigned char)*p); p++)
        if (den < UINT64_C (1000000000))
          {
            num = num * 10 + (uint64_t)(*p - '0');
            den *= 10;
          }
    }
  *ret_int = v;
  *ret_num = num;
  *ret_den = den;
  return p;
}

int
brig_parse_size (const char *s, int64_t *ret_bytes, struct brig_err *err)
{
  uint64_t v, num, den;
  const char *p = scan_decimal (s, &v, &num, &den);
  int shift = 0;

  if (p == NULL)
    goto bad;
  if (*p == ' ')
    p++;
  if (*p)
    {
      size_t i;
      for (i = 0; i < ARRAY_SIZE (size_units); i++)
        if (tolower ((unsigned char)*p) == size_units[i].unit)
          break;
      if (i == ARRAY_SIZE (size_units))
        goto bad;
      shift = size_units[i].shift;
      p++;
      if (shift && (*p == 'i' || *p == 'I'))
        p++;
      if (shift && (*p == 'b' || *p == 'B'))
        p++;
      if (*p)
        goto bad;
    }
  if (shift && v > (UINT64_C (1) << (63 - shift)) - 1)
    return brig_error (err, 0, "size `%s` is too large", s);
  v <<= shift;
  v += (uint64_t)(((unsigned __int128)num << shift) / den);
  if (v > INT64_MAX)
    return brig_error (err, 0, "size `%s` is too large", s);
  *ret_bytes = (int64_t)v;
  return 0;
bad:
  return brig_error (err, 0,
                     "invalid size `%s`: expected a number with an optional unit "
                     "b, k, m, g, t or p (binary multiples), e.g. 512m or 1.5g",
                     s);
}

int
brig_parse_cpus (const char *s, uint64_t *ret_nanocpus, struct brig_err *err)
{
  uint64_t v, num, den;
  const char *p = scan_decimal (s, &v, &num, &den);

  if (p == NULL || *p)
    return brig_error (err, 0,
                       "invalid CPU count `%s`: expected a decimal number such "
                       "as 2 or 0.5",
                       s);
  if (v > 1000000)
    return brig_error (err, 0, "CPU count `%s` is too large", s);
  *ret_nanocpus = v * UINT64_C (1000000000) + num * (UINT64_C (1000000000) / den);
  return 0;
}

int
brig_parse_int64 (const char *s, int64_t min, int64_t max, int64_t *ret, struct brig_err *err)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll (s, &end, 10);
  if (*s == '\0' || *end || errno || isspace ((unsigned char)*s))
    return brig_error (err, 0,
                       "invalid number `%s`: expected a whole number from "
                       "%lld to %lld",
                       s, (long long)min, (long long)max);
  if (v < min || v > max)
    return brig_error (err, 0, "number %s is out of range: expected %lld to %lld", s,
                       (long long)min, (long long)max);
  *ret = v;
  return 0;
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "as", RLIMIT_AS },
  { "core", RLIMIT_CORE },
  { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA },
  { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK },
  { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE },
  { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },
  { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

const char *
brig_rlimit_name (int resource)
{
  for (size_t i = 0; i < ARRAY_SIZE (rlimit_names); i++)
    if (rlimit_names[i].resource == resource)
      return rlimit_names[i].name;
  return "?";
}

int
brig_rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (rlimit_names); i++)
    if (strcasecmp (name, rlimit_names[i].name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

static int
parse_rlim_value (const char *s, uint64_t *ret)
{
  char *end;
  unsigned long long v;

  if (strcmp (s, "unlimited") == 0 || strcmp (s, "-1") == 0)
    {
      *ret = RLIM_INFINITY;
      return 0;
    }
  if (!isdigit ((unsigned char)*s))
    return -1;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (*end || errno)
    return -1;
  *ret = v;
  return 0;
}

int
brig_parse_ulimit (const char *s, struct brig_rlimit *ret, struct brig_err *err)
{
  const char *eq = strchr (s, '=');
  _cleanup_free_ char *name = NULL, *soft = NULL;
  const char *hard;
  size_t i;

  if (eq == NULL)
    return brig_error (err, 0,
                       "invalid ulimit `%s`: expected NAME=SOFT[:HARD], "
                       "e.g. nofile=1024:2048",
                       s);
  name = xstrndup (s, (size_t)(eq - s));
  for (i = 0; i < ARRAY_SIZE (rlimit_names); i++)
    if (strcasecmp (name, rlimit_names[i].name) == 0)
      break;
  if (i == ARRAY_SIZE (rlimit_names))
    return brig_error (err, 0,
                       "unknown ulimit `%s`: expected one of as, core, cpu, data, fsize, "
                       "locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, "
                       "rttime, sigpending, stack",
                       name);
  ret->resource = rlimit_names[i].resource;
  hard = strchr (eq + 1, ':');
  soft = hard ? xstrndup (eq + 1, (size_t)(hard - eq - 1)) : xstrdup (eq + 1);
  if (parse_rlim_value (soft, &ret->soft) < 0
      || parse_rlim_value (hard ? hard + 1 : soft, &ret->hard) < 0)
    return brig_error (err, 0,
                       "invalid ulimit value in `%s`: expected a whole number "
                       "or `unlimited`",
                       s);
  if (ret->soft > ret->hard)
    return brig_error (err, 0, "ulimit `%s`: the soft limit is above the hard limit", s);
  return 0;
}

const struct brig_mount_option brig_mount_options[] = {
  { "ro", MS_RDONLY, 0 },     { "rw", 0, MS_RDONLY },   { "nosuid", MS_NOSUID, 0 },
  { "suid", 0, MS_NOSUID },   { "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
  { "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC }, { NULL, 0, 0 },
};

int
brig_parse_tmpfs (const char *s, struct brig_mount *ret, struct brig_err *err)
{
  const char *colon = strchr (s, ':');
  _cleanup_free_ char *dest = colon ? xstrndup (s, (size_t)(colon - s)) : xstrdup (s);
  _cleanup_free_ char *opts = xstrdup (colon ? colon + 1 : "");
  unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  uint64_t size = UINT64_C (64) << 20;
  unsigned long mode = 01777;
  char *o = opts;
  int r;

  if (dest[0] != '/' || strstr (dest, "/../") || strcmp (dest, "/") == 0
      || (strlen (dest) >= 3 && strcmp (dest + strlen (dest) - 3, "/..") == 0))
    return brig_error (err, 0,
                       "tmpfs `%s`: the mount point must be an absolute path "
                       "other than / with no `..`",
                       s);
  for (char *tok; (tok = strsep (&o, ","));)
    {
      size_t i;
      if (*tok == '\0')
        continue;
      if (str_has_prefix (tok, "size="))
        {
          int64_t v;
          if ((r = brig_parse_size (tok + 5, &v, err)) < 0)
            return brig_err_wrap (err, "tmpfs `%s`", s);
          size = (uint64_t)v;
          continue;
        }
      if (str_has_prefix (tok, "mode="))
        {
          char *end;
          mode = strtoul (tok + 5, &end, 8);
          if (tok[5] == '\0' || *end || mode > 07777)
            return brig_error (err, 0,
                               "tmpfs `%s`: invalid mode `%s`: expected octal "
                               "such as 1777",
                               s, tok + 5);
          continue;
        }
      for (i = 0; brig_mount_options[i].name; i++)
        if (strcmp (tok, brig_mount_options[i].name) == 0)
          {
            flags = (flags | brig_mount_options[i].set) & ~brig_mount_options[i].clear;
            break;
          }
      if (brig_mount_options[i].name == NULL)
        return brig_error (err, 0,
                           "tmpfs `%s`: unknown option `%s`: expected size=, mode=, ro, rw, "
                           "nosuid, suid, nodev, dev, noexec or exec",
                           s, tok);
    }
  *ret = (struct brig_mount){ steal_pointer (&dest), xstrdup ("tmpfs"), xstrdup ("tmpfs"), flags,
                              NULL };
  strv_push (&ret->data, xasprintf ("mode=%lo", mode));
  if (size)
    strv_push (&ret->data, xasprintf ("size=%llu", (unsigned long long)size));
  return 0;
}
