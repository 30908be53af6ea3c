/* --fix for docker run, docker create and podman run lines: the hardened
 * flags are written before the image (--cap-drop ALL, --security-opt
 * no-new-privileges, --read-only with tmpfs, --memory, --pids-limit,
 * --user), flags that break the policy are removed or rewritten in place
 * (-p 8080:80 -> -p 127.0.0.1:8080:80, -v /etc:/etc -> -v /etc:/etc:ro),
 * and every other byte of the script is kept. */
#include "emit/fix.h"
#include "parse/dockerrun.h"
#include "util/cleanup.h"

#include <string.h>

static size_t
at (const struct brig_edits *e, int line, int col)
{
  return brig_edits_offset (e, line, col, false);
}

/* Remove [OFF, END), a flag and its value: with its line when it is the
 * only thing on a continued line, else with the blanks before it. */
static bool
remove_span (struct brig_edits *e, size_t off, size_t end)
{
  size_t ls = brig_edits_line_start (e, off), nl = brig_edits_next_line (e, end), p = end, ws = off;
  bool alone = true;

  for (size_t q = ls; q < off && alone; q++)
    alone = e->buf[q] == ' ' || e->buf[q] == '\t';
  while (p < nl && (e->buf[p] == ' ' || e->buf[p] == '\t'))
    p++;
  if (alone && p + 2 == nl && e->buf[p] == '\\' && e->buf[p + 1] == '\n')
    return brig_edits_add (e, ls, nl, "");
  while (ws > ls && (e->buf[ws - 1] == ' ' || e->buf[ws - 1] == '\t'))
    ws--;
  return brig_edits_add (e, ws, end, "");
}

/* Where the value of the flag written at [OFF, END) starts, and its end
 * (inside quotes when it is quoted). */
static bool
value_of (const struct brig_edits *e, size_t off, size_t end, size_t *ret_v, size_t *ret_end)
{
  const char *b = e->buf;
  size_t v = end;

  /* Two words: after the blanks (and backslash-newlines) between them. */
  while (v > off && b[v - 1] != ' ' && b[v - 1] != '\t' && b[v - 1] != '\n')
    v--;
  if (v == off)
    {
      /* One word: --publish=8080:80, -p8080:80 */
      const char *eq = memchr (b + off, '=', end - off);
      if (eq)
        v = (size_t)(eq - b) + 1;
      else if (end - off > 2 && b[off] == '-' && b[off + 1] != '-')
        v = off + 2;
      else
        return false;
    }
  if (v < end && (b[v] == '"' || b[v] == '\''))
    {
      if (end - v < 2 || b[end - 1] != b[v])
        return false;
      v++;
      end--;
    }
  *ret_v = v;
  *ret_end = end;
  return v < end;
}

static bool
flag_is (const struct brig_edits *e, size_t off, size_t end, const char *name)
{
  size_t n = strlen (name);
  return end - off >= n && memcmp (e->buf + off, name, n) == 0
         && (end - off == n || strchr (" \t\\=\n", e->buf[off + n]));
}

/* -p [IP:][HOST:]CONTAINER on 127.0.0.1. */
static bool
fix_port (struct brig_edits *e, size_t v, size_t end)
{
  size_t colons = 0;
  const char *b = e->buf;

  if (end - v > 8 && memcmp (b + v, "0.0.0.0:", 8) == 0)
    return brig_edits_add (e, v, v + 7, "127.0.0.1");
  if (end - v > 5 && memcmp (b + v, "[::]:", 5) == 0)
    return brig_edits_add (e, v, v + 4, "127.0.0.1");
  if (memchr (b + v, '[', end - v))
    return false;
  /* ${PORT:-8080} is one part: its colon does not separate. */
  for (size_t i = v; i < end; i++)
    if (b[i] == '$' && i + 1 < end && b[i + 1] == '{' && memchr (b + i, '}', end - i))
      i = (size_t)((const char *)memchr (b + i, '}', end - i) - b);
    else
      colons += b[i] == ':';
  if (colons > 1)
    return false;
  return brig_edits_add (e, v, v, colons ? "127.0.0.1:" : "127.0.0.1::");
}

/* -v SRC:DST[:OPTS] read-only; --mount ...,readonly. */
static bool
fix_volume (struct brig_edits *e, bool mount, size_t v, size_t end)
{
  const char *b = e->buf;
  const char *c1 = memchr (b + v, ':', end - v), *c2;
  size_t o;

  if (mount)
    return brig_edits_add (e, end, end, ",readonly");
  if (c1 == NULL)
    return false;
  c2 = memchr (c1 + 1, ':', (size_t)(b + end - c1 - 1));
  if (c2 == NULL)
    return brig_edits_add (e, end, end, ":ro");
  /* :rw -> :ro, or ,ro after the other options */
  for (o = (size_t)(c2 - b) + 1; o + 1 < end + 1;)
    {
      size_t n = 0;
      while (o + n < end && b[o + n] != ',')
        n++;
      if (n == 2 && memcmp (b + o, "rw", 2) == 0)
        return brig_edits_add (e, o, o + 2, "ro");
      if (n == 2 && memcmp (b + o, "ro", 2) == 0)
        return false;
      o += n + 1;
    }
  return brig_edits_add (e, end, end, ",ro");
}

struct runfix
{
  struct brig_edits *e;
  char *flags; /* to add before the image */
};

static void
add_flag (struct runfix *x, const char *flag)
{
  char *old = x->flags;
  if (old && strstr (old, flag))
    return;
  x->flags = xasprintf ("%s%s ", old ? old : "", flag);
  free (old);
}

static void
add_read_only (struct runfix *x, const struct brig_workload *w)
{
  if (!brig_wtrue (&w->docker.read_only) && !w->docker.read_only.set)
    add_flag (x, "--read-only");
  if (!brig_wdocker_has_tmpfs (&w->docker, "/tmp"))
    add_flag (x, "--tmpfs /tmp");
  if (!brig_wdocker_has_tmpfs (&w->docker, "/run"))
    add_flag (x, "--tmpfs /run");
}

/* What the command lacks, before its image. */
static bool
fix_missing (struct runfix *x, const struct brig_workload *w, const struct brig_finding *f)
{
  if (brig_fix_is (f, "BRIG-C005"))
    add_flag (x, "--cap-drop ALL");
  else if (brig_fix_is (f, "BRIG-C007"))
    add_flag (x, "--security-opt no-new-privileges");
  else if (brig_fix_is (f, "BRIG-C008"))
    add_read_only (x, w);
  else if (brig_fix_is (f, "BRIG-C010"))
    {
      if (!w->docker.memory.set)
        add_flag (x, "--memory " BRIG_FIX_MEMORY);
      if (!w->docker.pids_limit.set)
        add_flag (x, "--pids-limit " BRIG_FIX_PIDS);
    }
  else if (brig_fix_is (f, "BRIG-R001"))
    add_flag (x, "--user " BRIG_FIX_USER);
  else
    return false;
  return true;
}

/* A flag the rule does not allow, at [OFF, END). */
static bool
fix_flag (struct runfix *x, const struct brig_workload *w, const struct brig_finding *f, size_t off,
          size_t end)
{
  struct brig_edits *e = x->e;
  size_t v, ve;

  if (brig_fix_is (f, "BRIG-C001") && flag_is (e, off, end, "--privileged"))
    return remove_span (e, off, end);
  if ((brig_fix_is (f, "BRIG-C001") || brig_fix_is (f, "BRIG-C005"))
      && flag_is (e, off, end, "--cap-add"))
    return value_of (e, off, end, &v, &ve) && !memchr (e->buf + v, ',', ve - v)
           && remove_span (e, off, end);
  if (brig_fix_is (f, "BRIG-C005") && flag_is (e, off, end, "--cap-drop"))
    {
      add_flag (x, "--cap-drop ALL");
      return true;
    }
  if ((brig_fix_is (f, "BRIG-C004") || brig_fix_is (f, "BRIG-C009") || brig_fix_is (f, "BRIG-R002"))
      && flag_is (e, off, end, "--security-opt"))
    return remove_span (e, off, end);
  if (brig_fix_is (f, "BRIG-C007") && flag_is (e, off, end, "--security-opt"))
    return brig_edits_add (e, off, end, "--security-opt no-new-privileges");
  if (brig_fix_is (f, "BRIG-C008") && flag_is (e, off, end, "--read-only"))
    {
      add_read_only (x, w);
      return brig_edits_add (e, off, end, "--read-only");
    }
  if (brig_fix_is (f, "BRIG-C010")
      && (flag_is (e, off, end, "--memory") || flag_is (e, off, end, "-m")))
    return brig_edits_add (e, off, end, "--memory " BRIG_FIX_MEMORY);
  if (brig_fix_is (f, "BRIG-C010") && flag_is (e, off, end, "--pids-limit"))
    return brig_edits_add (e, off, end, "--pids-limit " BRIG_FIX_PIDS);
  if ((brig_fix_is (f, "BRIG-C011") && flag_is (e, off, end, "--userns"))
      || (brig_fix_is (f, "BRIG-C013") && flag_is (e, off, end, "--cgroupns"))
      || (brig_fix_is (f, "BRIG-C012") && flag_is (e, off, end, "--device-cgroup-rule")))
    return remove_span (e, off, end);
  if (brig_fix_is (f, "BRIG-R001")
      && (flag_is (e, off, end, "--user") || flag_is (e, off, end, "-u")))
    return brig_edits_add (e, off, end, "--user " BRIG_FIX_USER);
  if (brig_fix_is (f, "BRIG-R003") && value_of (e, off, end, &v, &ve))
    return fix_volume (e, flag_is (e, off, end, "--mount"), v, ve);
  if (brig_fix_is (f, "BRIG-R004") && value_of (e, off, end, &v, &ve)
      && (flag_is (e, off, end, "--publish") || flag_is (e, off, end, "-p")
          || (e->buf[off] == '-' && e->buf[off + 1] == 'p')))
    return fix_port (e, v, ve);
  return false;
}

int
brig_fix_dockerrun (struct brig_edits *e, const char *file, bool make, const struct brig_finding *f,
                    size_t n, struct brig_err *err)
{
  struct brig_workload *w = NULL;
  size_t nw = 0;
  int fixed = 0;

  if (brig_parse_dockerrun (e->buf, e->len, file, make, &w, &nw, err) < 0)
    return -1;
  for (size_t k = 0; k < nw; k++)
    {
      struct runfix x = { .e = e };
      const struct brig_loc *img = &w[k].docker.image.loc;

      /* docker exec runs in a container that is there: nothing to add. */
      if (!w[k].docker.image.set || w[k].docker.exec)
        continue;
      for (size_t i = 0; i < n; i++)
        {
          const struct brig_loc *l = &f[i].loc;
          if (!brig_loc_within (w[k].loc, *l))
            continue;
          if (l->line == w[k].loc.line && l->col == w[k].loc.col && l->end_line == w[k].loc.end_line
              && l->end_col == w[k].loc.end_col)
            fixed += fix_missing (&x, &w[k], &f[i]);
          else
            fixed += fix_flag (&x, &w[k], &f[i], at (e, l->line, l->col),
                               at (e, l->end_line, l->end_col));
        }
      if (x.flags)
        {
          size_t o = at (e, img->line, img->col);
          brig_edits_add (e, o, o, x.flags);
          free (x.flags);
        }
    }
  brig_workloads_free (w, nw);
  return fixed;
}
