/* Byte-range edits of a text, and the unified diff of two texts. */
#include "emit/edit.h"
#include "util/cleanup.h"
#include "util/lines.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
brig_edits_init (struct brig_edits *e, const char *buf, size_t len)
{
  *e = (struct brig_edits){ .buf = buf, .len = len };
  brig_lines_index (&e->lines, buf, len);
}

void
brig_edits_yaml_lines (struct brig_edits *e)
{
  brig_lines_release (&e->lines);
  brig_lines_index_yaml (&e->lines, e->buf, e->len);
}

void
brig_edits_release (struct brig_edits *e)
{
  for (size_t i = 0; i < e->n; i++)
    free (e->v[i].text);
  free (e->v);
  brig_lines_release (&e->lines);
  *e = (struct brig_edits){ 0 };
}

size_t
brig_edits_offset (const struct brig_edits *e, int line, int col, bool chars)
{
  size_t off, end;

  if (line < 1)
    return 0;
  if ((size_t)line > e->lines.n)
    return e->len;
  off = e->lines.start[line - 1];
  end = (size_t)line < e->lines.n ? e->lines.start[line] : e->len;
  for (int c = 1; c < col && off < end; c++)
    {
      off++;
      /* A character's continuation bytes are 10xxxxxx. */
      while (chars && off < end && ((unsigned char)e->buf[off] & 0xc0) == 0x80)
        off++;
    }
  return off;
}

size_t
brig_edits_line_start (const struct brig_edits *e, size_t off)
{
  return e->lines.start[brig_lines_find (&e->lines, off)];
}

size_t
brig_edits_next_line (const struct brig_edits *e, size_t off)
{
  size_t i = brig_lines_find (&e->lines, off);
  return i + 1 < e->lines.n ? e->lines.start[i + 1] : e->len;
}

/* TEXT with its new lines as the file writes them: a file whose first
 * line ends in CRLF gets CRLF in what is added too. */
static char *
as_file_writes (const struct brig_edits *e, const char *text)
{
  const char *nl = memchr (e->buf, '\n', e->len);
  size_t n = 0;
  char *out, *o;

  if (nl == NULL || nl == e->buf || nl[-1] != '\r')
    return xstrdup (text);
  for (const char *p = text; *p; p++)
    n += 1 + (*p == '\n' && (p == text || p[-1] != '\r'));
  o = out = xmalloc (n + 1);
  for (const char *p = text; *p; p++)
    {
      if (*p == '\n' && (p == text || p[-1] != '\r'))
        *o++ = '\r';
      *o++ = *p;
    }
  *o = '\0';
  return out;
}

bool
brig_edits_add (struct brig_edits *e, size_t off, size_t end, const char *text_)
{
  _cleanup_free_ char *text = NULL;

  if (off > end || end > e->len)
    return false;
  text = as_file_writes (e, text_);
  for (size_t i = 0; i < e->n; i++)
    {
      const struct brig_edit *x = &e->v[i];
      if (x->off == off && x->end == end && strcmp (x->text, text) == 0)
        return false; /* the same fix, asked twice */
      /* Overlapping: one starts inside the other.  An insert (OFF ==
       * END) overlaps only a range it falls strictly inside; two inserts
       * at one offset, or an insert at a range's edge, do not. */
      if (off < x->end && x->off < end)
        return false;
    }
  e->v = xreallocarray (e->v, e->n + 1, sizeof *e->v);
  e->v[e->n] = (struct brig_edit){ off, end, steal_pointer (&text), e->n };
  e->n++;
  return true;
}

bool
brig_edits_addf (struct brig_edits *e, size_t off, size_t end, const char *fmt, ...)
{
  _cleanup_free_ char *text = NULL;
  va_list ap;

  va_start (ap, fmt);
  text = xvasprintf (fmt, ap);
  va_end (ap);
  return brig_edits_add (e, off, end, text);
}

static int
edit_cmp (const void *a, const void *b)
{
  const struct brig_edit *x = a, *y = b;
  if (x->off != y->off)
    return x->off < y->off ? -1 : 1;
  /* At one offset, inserts first (in the order added), then a replace. */
  if ((x->off == x->end) != (y->off == y->end))
    return x->off == x->end ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *
brig_edits_apply (struct brig_edits *e, size_t *ret_len)
{
  size_t len = e->len, at = 0, o = 0;
  char *out;

  qsort (e->v, e->n, sizeof *e->v, edit_cmp);
  for (size_t i = 0; i < e->n; i++)
    len = len - (e->v[i].end - e->v[i].off) + strlen (e->v[i].text);
  out = xmalloc (len + 1);
  for (size_t i = 0; i < e->n; i++)
    {
      const struct brig_edit *x = &e->v[i];
      size_t t = strlen (x->text);
      memcpy (out + o, e->buf + at, x->off - at);
      o += x->off - at;
      memcpy (out + o, x->text, t);
      o += t;
      at = x->end;
    }
  memcpy (out + o, e->buf + at, e->len - at);
  o += e->len - at;
  out[o] = '\0';
  *ret_len = o;
  return out;
}

/* --- unified diff ------------------------------------------------------- */

struct line
{
  const char *s;
  size_t n; /* with its newline, if it has one */
};

static struct line *
split_lines (const char *s, size_t len, size_t *ret_n)
{
  struct line *v = NULL;
  size_t n = 0, cap = 0;

  for (size_t at = 0; at < len;)
    {
      const char *nl = memchr (s + at, '\n', len - at);
      size_t end = nl ? (size_t)(nl - s) + 1 : len;
      if (n == cap)
        v = xreallocarray (v, cap = cap ? cap * 2 : 64, sizeof *v);
      v[n++] = (struct line){ s + at, end - at };
      at = end;
    }
  *ret_n = n;
  return v;
}

static bool
line_eq (const struct line *a, const struct line *b)
{
  return a->n == b->n && memcmp (a->s, b->s, a->n) == 0;
}

/* The edit script: for each line of A, whether it is kept; for each line
 * of B, whether it is new.  Myers' greedy O((N+M)D) walk, keeping each
 * step's frontier to trace back; past MAXD differences, every line between
 * the common head and tail counts as changed. */
enum
{
  MAXD = 2048
};

static void
diff_lines (const struct line *a, size_t n, const struct line *b, size_t m, bool *a_del,
            bool *b_ins)
{
  size_t head = 0, tail = 0;

  while (head < n && head < m && line_eq (&a[head], &b[head]))
    head++;
  while (tail < n - head && tail < m - head && line_eq (&a[n - 1 - tail], &b[m - 1 - tail]))
    tail++;
  {
    const struct line *x = a + head, *y = b + head;
    long N = (long)(n - head - tail), M = (long)(m - head - tail), max = N + M;
    long dmax = max < MAXD ? max : MAXD, d, found = -1;
    /* trace[d][k + d]: how far along A the furthest path with D
     * differences reaches on diagonal K (-D <= K <= D). */
    long **trace = xcalloc ((size_t)dmax + 1, sizeof *trace);

    for (d = 0; d <= dmax && found < 0; d++)
      {
        const long *pv = d ? trace[d - 1] : NULL;
        long *v = trace[d] = xcalloc ((size_t)(2 * d + 1), sizeof *v);
        for (long k = -d; k <= d; k += 2)
          {
            long px, py;
            if (d == 0)
              px = 0;
            else if (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
              px = pv[k + 1 + d - 1]; /* down: a line of B inserted */
            else
              px = pv[k - 1 + d - 1] + 1; /* right: a line of A deleted */
            py = px - k;
            while (px < N && py < M && line_eq (&x[px], &y[py]))
              px++, py++;
            v[k + d] = px;
            if (px >= N && py >= M)
              {
                found = d;
                break;
              }
          }
      }
    if (found < 0)
      {
        for (long i = 0; i < N; i++)
          a_del[head + i] = true;
        for (long i = 0; i < M; i++)
          b_ins[head + i] = true;
      }
    else
      {
        long px = N, py = M;
        for (d = found; d > 0; d--)
          {
            const long *pv = trace[d - 1];
            long k = px - py, pk, sx, sy;
            if (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
              pk = k + 1;
            else
              pk = k - 1;
            sx = pv[pk + d - 1];
            sy = sx - pk;
            if (pk == k + 1)
              b_ins[head + sy] = true; /* the step down inserted B[sy] */
            else
              a_del[head + sx] = true; /* the step right deleted A[sx] */
            px = sx;
            py = sy;
          }
      }
    for (d = 0; d <= dmax; d++)
      free (trace[d]);
    free (trace);
  }
}

/* A growing string. */
struct sbuf
{
  char *s;
  size_t n, cap;
};

static void
put (struct sbuf *b, const char *s, size_t n)
{
  if (b->n + n + 1 > b->cap)
    {
      b->cap = (b->n + n + 1) * 2;
      b->s = xrealloc (b->s, b->cap);
    }
  memcpy (b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void putf (struct sbuf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
putf (struct sbuf *b, const char *fmt, ...)
{
  _cleanup_free_ char *s = NULL;
  va_list ap;

  va_start (ap, fmt);
  s = xvasprintf (fmt, ap);
  va_end (ap);
  put (b, s, strlen (s));
}

static void
print_line (struct sbuf *f, char mark, const struct line *l)
{
  put (f, &mark, 1);
  put (f, l->s, l->n);
  if (l->n == 0 || l->s[l->n - 1] != '\n')
    put (f, "\n\\ No newline at end of file\n", 29);
}

char *
brig_diff (const char *name, const char *a, size_t alen, const char *b, size_t blen)
{
  struct sbuf out = { 0 }, *f = &out;
  size_t n, m;
  _cleanup_free_ struct line *la = split_lines (a, alen, &n);
  _cleanup_free_ struct line *lb = split_lines (b, blen, &m);
  _cleanup_free_ bool *del = xcalloc (n + 1, sizeof *del);
  _cleanup_free_ bool *ins = xcalloc (m + 1, sizeof *ins);
  size_t i = 0, j = 0;
  bool header = false;

  diff_lines (la, n, lb, m, del, ins);
  /* Walk both; a hunk starts 3 lines before a change and ends when 6
   * unchanged lines follow (3 of context for it, 3 for the next). */
  while (i < n || j < m)
    {
      size_t hi, hj, ei, ej, same = 0;

      if (i < n && j < m && !del[i] && !ins[j])
        {
          i++, j++;
          continue;
        }
      if (!header)
        {
          putf (f, "--- a/%s\n+++ b/%s\n", name, name);
          header = true;
        }
      hi = i > 3 ? i - 3 : 0;
      hj = j - (i - hi);
      /* The hunk ends where 6 unchanged lines follow a change (3 of
       * context for it, 3 for the next), or at the end. */
      ei = i, ej = j;
      while (ei < n || ej < m)
        {
          size_t si = ei, sj = ej;
          if (ei < n && ej < m && !del[ei] && !ins[ej])
            {
              if (same == 6)
                break;
              same++, ei++, ej++;
              continue;
            }
          same = 0;
          while (ei < n && del[ei])
            ei++;
          while (ej < m && ins[ej])
            ej++;
          if (si == ei && sj == ej)
            break; /* cannot happen: a line of one unpaired, not changed */
        }
      if (same > 3)
        {
          ei -= same - 3;
          ej -= same - 3;
        }
      putf (f, "@@ -%zu", ei - hi == 0 ? hi : hi + 1);
      if (ei - hi != 1)
        putf (f, ",%zu", ei - hi);
      putf (f, " +%zu", ej - hj == 0 ? hj : hj + 1);
      if (ej - hj != 1)
        putf (f, ",%zu", ej - hj);
      put (f, " @@\n", 4);
      i = hi, j = hj;
      while (i < ei || j < ej)
        {
          if (i < ei && del[i])
            print_line (f, '-', &la[i++]);
          else if (j < ej && ins[j])
            print_line (f, '+', &lb[j++]);
          else
            {
              print_line (f, ' ', &la[i]);
              i++, j++;
            }
        }
    }
  return out.s;
}
