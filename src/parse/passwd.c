#include "parse/passwd.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define MAX_FIELDS 7

/* Split one line into at most MAX_FIELDS ':'-separated fields (copies). */
static size_t
split_line (const char *line, size_t len, char *fields[MAX_FIELDS])
{
  size_t n = 0;
  const char *start = line;

  for (size_t i = 0; i <= len && n < MAX_FIELDS; i++)
    if (i == len || line[i] == ':')
      {
        fields[n++] = xstrndup (start, (size_t)(line + i - start));
        start = line + i + 1;
      }
  return n;
}

static void
free_fields (char *fields[MAX_FIELDS], size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (fields[i]);
}

static bool
parse_id (const char *s, unsigned *ret)
{
  char *end;
  unsigned long v;

  if (!isdigit ((unsigned char)*s))
    return false;
  errno = 0;
  v = strtoul (s, &end, 10);
  if (*end || errno || v > 0xfffffffeUL)
    return false;
  *ret = (unsigned)v;
  return true;
}

/* Call fn for each line; stop when it returns non-zero and return that. */
static int
each_line (const char *buf, size_t len,
           int (*fn) (char *f[MAX_FIELDS], size_t n, size_t lineno, void *data), void *data)
{
  size_t lineno = 0;
  const char *p = buf, *end = buf + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
      char *f[MAX_FIELDS];
      size_t n;
      int r = 0;

      lineno++;
      if (l > 0 && p[0] != '#')
        {
          n = split_line (p, l, f);
          r = fn (f, n, lineno, data);
          free_fields (f, n);
        }
      if (r)
        return r;
      p += l + 1;
    }
  return 0;
}

struct lookup
{
  const char *name;
  bool numeric;
  unsigned id;
  size_t min_fields;
  size_t lineno;
  unsigned found_id;
  unsigned found_gid;
  char home[256];
};

static int
match_entry (char *f[MAX_FIELDS], size_t n, size_t lineno, void *data)
{
  struct lookup *l = data;
  unsigned id, gid = 0;

  if (n < 3)
    return 0;
  if (!(l->numeric ? true : strcmp (f[0], l->name) == 0))
    return 0;
  if (!parse_id (f[2], &id))
    {
      if (l->numeric)
        return 0;
      l->lineno = lineno;
      return -EINVAL;
    }
  if (l->numeric && id != l->id)
    return 0;
  if (l->min_fields > 3 && (n < 4 || !parse_id (f[3], &gid)))
    {
      l->lineno = lineno;
      return -EINVAL;
    }
  l->found_id = id;
  l->found_gid = gid;
  snprintf (l->home, sizeof l->home, "%s", n >= 6 ? f[5] : "");
  return 1;
}

static int
lookup (const char *buf, size_t len, const char *filename, const char *name, size_t min_fields,
        struct lookup *l, struct brig_err *err)
{
  int r;

  l->name = name;
  l->numeric = parse_id (name, &l->id);
  l->min_fields = min_fields;
  r = each_line (buf, len, match_entry, l);
  if (r == 1)
    return 0;
  if (r < 0)
    return brig_error (err, 0, "%s:%zu: malformed entry for `%s`", filename, l->lineno, name);
  return -ENOENT;
}

int
brig_passwd_lookup (const char *buf, size_t len, const char *filename, const char *name,
                    struct brig_pwent *ret, struct brig_err *err)
{
  struct lookup l = { 0 };
  int r = lookup (buf, len, filename, name, 4, &l, err);

  if (r == 0)
    {
      *ret = (struct brig_pwent){ l.found_id, l.found_gid, "" };
      memcpy (ret->home, l.home, sizeof ret->home);
    }
  return r;
}

int
brig_group_lookup (const char *buf, size_t len, const char *filename, const char *name,
                   gid_t *ret_gid, struct brig_err *err)
{
  struct lookup l = { 0 };
  int r = lookup (buf, len, filename, name, 3, &l, err);

  if (r == 0)
    *ret_gid = l.found_id;
  return r;
}

struct members
{
  const char *user;
  gid_t **groups;
  size_t *ngroups;
};

static int
match_member (char *f[MAX_FIELDS], size_t n, size_t lineno, void *data)
{
  struct members *m = data;
  unsigned gid;
  size_t ulen = strlen (m->user);

  (void)lineno;
  if (n < 4 || !parse_id (f[2], &gid))
    return 0;
  for (const char *p = f[3]; *p;)
    {
      const char *comma = strchr (p, ',');
      size_t l = comma ? (size_t)(comma - p) : strlen (p);
      if (l == ulen && strncmp (p, m->user, l) == 0)
        {
          *m->groups = xreallocarray (*m->groups, *m->ngroups + 1, sizeof (gid_t));
          (*m->groups)[(*m->ngroups)++] = gid;
          break;
        }
      p += l + (comma ? 1 : 0);
    }
  return 0;
}

void
brig_group_members (const char *buf, size_t len, const char *user, gid_t **groups, size_t *ngroups)
{
  struct members m = { user, groups, ngroups };
  each_line (buf, len, match_member, &m);
}

struct subid
{
  const char *name;
  unsigned id;
  unsigned start, count;
};

static int
match_subid (char *f[MAX_FIELDS], size_t n, size_t lineno, void *data)
{
  struct subid *s = data;
  unsigned id, start, count;

  (void)lineno;
  if (n != 3 || !parse_id (f[1], &start) || !parse_id (f[2], &count) || count == 0)
    return 0;
  if (strcmp (f[0], s->name) != 0 && !(parse_id (f[0], &id) && id == s->id))
    return 0;
  s->start = start;
  s->count = count;
  return 1;
}

int
brig_subid_lookup (const char *buf, size_t len, const char *name, unsigned id, unsigned *ret_start,
                   unsigned *ret_count)
{
  struct subid s = { name, id, 0, 0 };

  if (each_line (buf, len, match_subid, &s) != 1)
    return -ENOENT;
  *ret_start = s.start;
  *ret_count = s.count;
  return 0;
}
