/* Minimal edits of a located YAML tree (see yamledit.h).  Offsets come
 * from the nodes' marks, which count characters: brig_edits_offset turns
 * them into bytes. */
#include "emit/yamledit.h"
#include "util/cleanup.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A mapping (or a null that becomes one) to be added, key by key. */
struct padd
{
  char *key;
  char *value;  /* a rendered scalar; NULL for a mapping or a sequence */
  char **items; /* a sequence's rendered items (ITEMS non-NULL: a sequence) */
  size_t nitems;
  bool list;
  struct padd *kids;
  size_t nkids;
};

struct brig_yadd
{
  const struct brig_ynode *node;  /* the mapping added to, or the null replaced */
  const struct brig_ynode *owner; /* the null's mapping, and its key's index */
  size_t key_i;
  struct padd root;
};

/* What happens to a sequence that is there: items removed, items added. */
struct brig_yseq
{
  const struct brig_ynode *map; /* the sequence is the value of its key KEY_I */
  size_t key_i;
  bool *gone;  /* per item of the sequence */
  char **adds; /* rendered */
  size_t nadds;
};

static size_t
at (const struct brig_yedit *y, int line, int col)
{
  return brig_edits_offset (y->e, line, col, true);
}

static size_t
start_of (const struct brig_yedit *y, const struct brig_ynode *n)
{
  return at (y, n->line, n->col);
}

static size_t
end_of (const struct brig_yedit *y, const struct brig_ynode *n)
{
  return at (y, n->end_line, n->end_col);
}

static bool
is_flow (const struct brig_yedit *y, const struct brig_ynode *n)
{
  size_t o = start_of (y, n);
  return n->kind != BRIG_Y_SCALAR && o < y->e->len && (y->e->buf[o] == '{' || y->e->buf[o] == '[');
}

/* A plain scalar with no text: `key:` and nothing. */
static bool
is_empty (const struct brig_ynode *n)
{
  return n->kind == BRIG_Y_SCALAR && n->plain && n->value[0] == '\0';
}

static bool
is_null (const struct brig_ynode *n)
{
  return n->kind == BRIG_Y_SCALAR && brig_ystr (n) == NULL && n->plain;
}

/* Where an alias written after FROM ends: `*name`.  An alias's node is
 * its anchor's, written before, elsewhere: its text is not the node's. */
static size_t
alias_end (const struct brig_yedit *y, size_t from)
{
  size_t p = from;

  while (p < y->e->len && y->e->buf[p] != '*')
    p++;
  while (p < y->e->len && !strchr (" \t\r\n,]}#", y->e->buf[p]))
    p++;
  return p;
}

static size_t content_end (const struct brig_yedit *y, const struct brig_ynode *n);

/* Where MAP's key I ends its value: the last byte of text it holds. */
static size_t
pair_end (const struct brig_yedit *y, const struct brig_ynode *map, size_t i)
{
  const struct brig_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];

  if (is_empty (v) && k->kind != BRIG_Y_SCALAR)
    return content_end (y, k); /* `? {a: 1}` and no value */
  if (is_empty (v))
    {
      /* `key:` and no value: after the colon. */
      size_t p = end_of (y, k);
      while (p < y->e->len && (y->e->buf[p] == ' ' || y->e->buf[p] == '\t'))
        p++;
      return p < y->e->len && y->e->buf[p] == ':' ? p + 1 : end_of (y, k);
    }
  if (start_of (y, v) < start_of (y, k))
    return alias_end (y, end_of (y, k));
  return content_end (y, v);
}

static size_t
content_end (const struct brig_yedit *y, const struct brig_ynode *n)
{
  const struct brig_ynode *last;

  if (n->kind == BRIG_Y_SCALAR || n->n == 0 || is_flow (y, n))
    return end_of (y, n);
  if (n->kind == BRIG_Y_MAP)
    return pair_end (y, n, n->n - 1);
  last = n->items[n->n - 1];
  if (start_of (y, last) < start_of (y, n))
    return alias_end (y, n->n > 1 ? content_end (y, n->items[n->n - 2]) : start_of (y, n));
  return content_end (y, last);
}

/* Where a line is added after the text that ends at END: the start of the
 * next line (END itself when a block scalar's end is already there). */
static size_t
line_after (const struct brig_yedit *y, size_t end, bool *ret_newline)
{
  *ret_newline = false;
  if (end == 0 || (end < y->e->len && brig_edits_line_start (y->e, end) == end))
    return end;
  end = brig_edits_next_line (y->e, end);
  if (end == y->e->len && brig_edits_line_start (y->e, end) != end)
    *ret_newline = true; /* the last line has no line break */
  return end;
}

/* Is there only blank before OFF on its line? */
static bool
first_on_line (const struct brig_yedit *y, size_t off)
{
  for (size_t p = brig_edits_line_start (y->e, off); p < off; p++)
    if (y->e->buf[p] != ' ' && y->e->buf[p] != '\t')
      return false;
  return true;
}

/* --- rendering --------------------------------------------------------- */

static bool
plain_ok (const char *s)
{
  static const char *const special[]
      = { "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "" };
  char *end;

  for (size_t i = 0; i < ARRAY_SIZE (special); i++)
    if (strcasecmp (s, special[i]) == 0)
      return false;
  (void)strtod (s, &end);
  if (*end == '\0')
    return false; /* a number */
  if (!isalpha ((unsigned char)s[0]) && s[0] != '/' && s[0] != '_')
    return false;
  for (const char *p = s; *p; p++)
    if (!isalnum ((unsigned char)*p) && !strchr ("_./-+=@", *p))
      return false;
  return true;
}

static char *
quoted (const char *s)
{
  size_t n = 2;
  char *out, *o;

  for (const char *p = s; *p; p++)
    n += (*p == '"' || *p == '\\') ? 2 : 1;
  o = out = xmalloc (n + 1);
  *o++ = '"';
  for (const char *p = s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        *o++ = '\\';
      *o++ = *p;
    }
  *o++ = '"';
  *o = '\0';
  return out;
}

static char *
render (const struct brig_yedit *y, struct brig_yval v)
{
  if (v.literal || (!y->json && plain_ok (v.s)))
    return xstrdup (v.s);
  return quoted (v.s);
}

static char *
render_key (const struct brig_yedit *y, const char *key)
{
  return y->json ? quoted (key) : xstrdup (key);
}

static void cat (char **s, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
cat (char **s, const char *fmt, ...)
{
  _cleanup_free_ char *more = NULL;
  char *old = *s;
  va_list ap;

  va_start (ap, fmt);
  more = xvasprintf (fmt, ap);
  va_end (ap);
  *s = xasprintf ("%s%s", old ? old : "", more);
  free (old);
}

static void
render_list (char **s, const struct padd *p)
{
  cat (s, "[");
  for (size_t i = 0; i < p->nitems; i++)
    cat (s, "%s%s", i ? ", " : "", p->items[i]);
  cat (s, "]");
}

/* P's keys as a flow mapping's pairs: `a: 1, b: {c: 2}`. */
static void
render_flow (const struct brig_yedit *y, char **s, const struct padd *p)
{
  for (size_t i = 0; i < p->nkids; i++)
    {
      const struct padd *k = &p->kids[i];
      _cleanup_free_ char *key = render_key (y, k->key);
      cat (s, "%s%s: ", i ? ", " : "", key);
      if (k->value)
        cat (s, "%s", k->value);
      else if (k->list)
        render_list (s, k);
      else
        {
          cat (s, "{");
          render_flow (y, s, k);
          cat (s, "}");
        }
    }
}

/* P's keys as block lines at INDENT. */
static void
render_block (const struct brig_yedit *y, char **s, const struct padd *p, int indent)
{
  for (size_t i = 0; i < p->nkids; i++)
    {
      const struct padd *k = &p->kids[i];
      _cleanup_free_ char *key = render_key (y, k->key);
      cat (s, "%*s%s:", indent, "", key);
      if (k->value)
        cat (s, " %s\n", k->value);
      else if (k->list)
        {
          cat (s, " ");
          render_list (s, k);
          cat (s, "\n");
        }
      else
        {
          cat (s, "\n");
          render_block (y, s, k, indent + y->step);
        }
    }
}

static void
padd_free (struct padd *p)
{
  for (size_t i = 0; i < p->nkids; i++)
    padd_free (&p->kids[i]);
  free (p->kids);
  free (p->key);
  free (p->value);
  for (size_t i = 0; i < p->nitems; i++)
    free (p->items[i]);
  free (p->items);
}

static struct padd *
padd_child (struct padd *p, const char *key, size_t keylen)
{
  for (size_t i = 0; i < p->nkids; i++)
    if (strlen (p->kids[i].key) == keylen && strncmp (p->kids[i].key, key, keylen) == 0)
      return &p->kids[i];
  p->kids = xreallocarray (p->kids, p->nkids + 1, sizeof *p->kids);
  p->kids[p->nkids] = (struct padd){ .key = xstrndup (key, keylen) };
  return &p->kids[p->nkids++];
}

/* --- setup -------------------------------------------------------------- */

static int
find_step (const struct brig_ynode *n, int depth)
{
  if (n == NULL || n->kind == BRIG_Y_SCALAR || depth > 64)
    return 0;
  for (size_t i = 0; i < n->n; i++)
    {
      const struct brig_ynode *k = n->kind == BRIG_Y_MAP ? n->items[2 * i] : NULL;
      const struct brig_ynode *v = n->kind == BRIG_Y_MAP ? n->items[2 * i + 1] : n->items[i];
      int s;
      if (k && v->kind == BRIG_Y_MAP && v->n && v->line > k->line && v->col > k->col)
        return v->col - k->col;
      if ((s = find_step (v, depth + 1)) > 0)
        return s;
    }
  return 0;
}

/* Record the outermost flow collections under N.  An alias's node starts
 * before its parent (its anchor is earlier): not walked, so an alias bomb
 * costs what its text does. */
static void
find_flows (struct brig_yedit *y, const struct brig_ynode *n, int depth)
{
  if (n == NULL || n->kind == BRIG_Y_SCALAR || depth > BRIG_YAML_MAX_DEPTH)
    return;
  if (is_flow (y, n))
    {
      y->flows = xreallocarray (y->flows, 2 * (y->nflows + 1), sizeof *y->flows);
      y->flows[2 * y->nflows] = start_of (y, n);
      y->flows[2 * y->nflows + 1] = end_of (y, n);
      y->nflows++;
      return;
    }
  for (size_t i = 0; i < (n->kind == BRIG_Y_MAP ? 2 * n->n : n->n); i++)
    if (start_of (y, n->items[i]) >= start_of (y, n))
      find_flows (y, n->items[i], depth + 1);
}

/* Is N inside a flow collection (where no line can be added)? */
static bool
in_flow (const struct brig_yedit *y, const struct brig_ynode *n)
{
  size_t o = start_of (y, n);
  for (size_t i = 0; i < y->nflows; i++)
    if (y->flows[2 * i] < o && o < y->flows[2 * i + 1])
      return true;
  return false;
}

void
brig_yedit_init (struct brig_yedit *y, struct brig_edits *e, const struct brig_ynode *root)
{
  size_t i = 0;

  *y = (struct brig_yedit){ .e = e };
  brig_edits_yaml_lines (e);
  while (i < e->len && isspace ((unsigned char)e->buf[i]))
    i++;
  y->json = i < e->len && (e->buf[i] == '{' || e->buf[i] == '[');
  y->step = find_step (root, 0);
  find_flows (y, root, 0);
  /* `? key` makes a key of anything, on lines of its own: where lines go
   * around it is more than brig wants to guess.  A `?` that starts a
   * line's content (after dashes) or follows { or , and is followed by
   * a blank, a comment or the line's end is one. */
  for (size_t q = 0; q < e->len && !y->frozen; q++)
    if (e->buf[q] == '?' && (q + 1 == e->len || strchr (" \t\r\n#", e->buf[q + 1])))
      {
        size_t p = q;
        while (p > 0 && strchr (" \t-", e->buf[p - 1]))
          p--;
        y->frozen = p == 0 || strchr ("\r\n{,", e->buf[p - 1]);
      }
  if (y->step <= 0 || y->step > 8)
    y->step = 2;
}

void
brig_yedit_release (struct brig_yedit *y)
{
  for (size_t i = 0; i < y->nadds; i++)
    padd_free (&y->adds[i].root);
  free (y->adds);
  for (size_t i = 0; i < y->nseqs; i++)
    {
      free (y->seqs[i].gone);
      for (size_t k = 0; k < y->seqs[i].nadds; k++)
        free (y->seqs[i].adds[k]);
      free (y->seqs[i].adds);
    }
  free (y->seqs);
  free (y->emptied);
  y->emptied = NULL;
  free (y->flows);
  y->flows = NULL;
  y->nflows = 0;
  y->nemptied = 0;
  y->adds = NULL;
  y->seqs = NULL;
  y->nadds = y->nseqs = 0;
}

const struct brig_ynode *
brig_yedit_get (const struct brig_ynode *map, const char *key, size_t *ret_i)
{
  if (map == NULL || map->kind != BRIG_Y_MAP)
    return NULL;
  for (size_t i = 0; i < map->n; i++)
    {
      const struct brig_ynode *k = map->items[2 * i];
      if (k->kind == BRIG_Y_SCALAR && strcmp (k->value, key) == 0)
        {
          if (ret_i)
            *ret_i = i;
          return map->items[2 * i + 1];
        }
    }
  return NULL;
}

static struct brig_yadd *
add_for (struct brig_yedit *y, const struct brig_ynode *node, const struct brig_ynode *owner,
         size_t key_i)
{
  for (size_t i = 0; i < y->nadds; i++)
    if (y->adds[i].node == node)
      return &y->adds[i];
  y->adds = xreallocarray (y->adds, y->nadds + 1, sizeof *y->adds);
  y->adds[y->nadds] = (struct brig_yadd){ .node = node, .owner = owner, .key_i = key_i };
  return &y->adds[y->nadds++];
}

/* The pending place for KEYS (dot-separated) under NODE. */
static struct padd *
pending (struct brig_yedit *y, const struct brig_ynode *node, const struct brig_ynode *owner,
         size_t key_i, const char *keys)
{
  struct padd *p = &add_for (y, node, owner, key_i)->root;

  for (const char *k = keys; *k;)
    {
      size_t n = strcspn (k, ".");
      p = padd_child (p, k, n);
      k += n + (k[n] == '.');
    }
  return p;
}

/* Walk PATH under MAP.  Returns the last node found and sets *RET_REST to
 * the keys not found ("" when all were), and *RET_OWNER and *RET_KEY_I
 * to the mapping and index of the last key found. */
static const struct brig_ynode *
walk (const struct brig_ynode *map, const char *path, const char **ret_rest,
      const struct brig_ynode **ret_owner, size_t *ret_key_i)
{
  const struct brig_ynode *n = map;
  const char *k = path;

  *ret_owner = NULL;
  *ret_key_i = 0;
  while (*k && n->kind == BRIG_Y_MAP)
    {
      size_t len = strcspn (k, "."), i;
      _cleanup_free_ char *key = xstrndup (k, len);
      const struct brig_ynode *next = brig_yedit_get (n, key, &i);
      if (next == NULL)
        break;
      *ret_owner = n;
      *ret_key_i = i;
      n = next;
      k += len + (k[len] == '.');
    }
  *ret_rest = k;
  return n;
}

bool
brig_yedit_set (struct brig_yedit *y, const struct brig_ynode *map, const char *path,
                struct brig_yval v)
{
  const struct brig_ynode *owner, *n;
  const char *rest;
  size_t key_i;

  if (map == NULL || map->kind != BRIG_Y_MAP || y->frozen)
    return false;
  n = walk (map, path, &rest, &owner, &key_i);
  if (*rest == '\0')
    {
      if (n->kind != BRIG_Y_SCALAR)
        return false;
      brig_yedit_replace (y, n, v);
      return true;
    }
  if (n->kind == BRIG_Y_MAP || is_null (n))
    {
      struct padd *p = pending (y, n, owner, key_i, rest);
      free (p->value);
      p->value = render (y, v);
      return true;
    }
  return false;
}

static struct brig_yseq *
seq_record (struct brig_yedit *y, const struct brig_ynode *map, size_t key_i)
{
  const struct brig_ynode *seq = map->items[2 * key_i + 1];

  for (size_t k = 0; k < y->nseqs; k++)
    if (y->seqs[k].map == map && y->seqs[k].key_i == key_i)
      return &y->seqs[k];
  y->seqs = xreallocarray (y->seqs, y->nseqs + 1, sizeof *y->seqs);
  y->seqs[y->nseqs]
      = (struct brig_yseq){ map, key_i, xcalloc (seq->n + 1, sizeof (bool)), NULL, 0 };
  return &y->seqs[y->nseqs++];
}

bool
brig_yedit_seq_add (struct brig_yedit *y, const struct brig_ynode *map, const char *path,
                    struct brig_yval v)
{
  const struct brig_ynode *owner, *n;
  const char *rest;
  size_t key_i;
  _cleanup_free_ char *item = NULL;

  if (map == NULL || map->kind != BRIG_Y_MAP || y->frozen)
    return false;
  n = walk (map, path, &rest, &owner, &key_i);
  item = render (y, v);
  if (*rest)
    {
      struct padd *p;
      if (n->kind != BRIG_Y_MAP && !is_null (n))
        return false;
      p = pending (y, n, owner, key_i, rest);
      p->list = true;
      for (size_t i = 0; i < p->nitems; i++)
        if (strcmp (p->items[i], item) == 0)
          return true;
      p->items = xreallocarray (p->items, p->nitems + 1, sizeof *p->items);
      p->items[p->nitems++] = steal_pointer (&item);
      return true;
    }
  if (n->kind == BRIG_Y_MAP)
    return false;
  if (n->kind == BRIG_Y_SCALAR)
    {
      /* `drop:` -> `drop: [ALL]`; `tmpfs: /tmp` -> `tmpfs: [/tmp, /run]` */
      size_t off = start_of (y, n), end = end_of (y, n);
      if (is_null (n))
        {
          if (is_empty (n))
            {
              off = end = end_of (y, owner->items[2 * key_i]);
              while (end < y->e->len && y->e->buf[end] == ':')
                end++;
              return brig_edits_addf (y->e, off, end, ": [%s]", item);
            }
          return brig_edits_addf (y->e, off, end, "[%s]", item);
        }
      if (strcmp (n->value, v.s) == 0)
        return true;
      return brig_edits_addf (y->e, off, end, "[%.*s, %s]", (int)(end - off), y->e->buf + off,
                              item);
    }
  for (size_t i = 0; i < n->n; i++)
    if (n->items[i]->kind == BRIG_Y_SCALAR && strcmp (n->items[i]->value, v.s) == 0)
      return true;
  if (owner == NULL)
    return false;
  {
    struct brig_yseq *r = seq_record (y, owner, key_i);
    for (size_t i = 0; i < r->nadds; i++)
      if (strcmp (r->adds[i], item) == 0)
        return true;
    r->adds = xreallocarray (r->adds, r->nadds + 1, sizeof *r->adds);
    r->adds[r->nadds++] = steal_pointer (&item);
    return true;
  }
}

void
brig_yedit_seq_remove (struct brig_yedit *y, const struct brig_ynode *map, const char *key,
                       size_t i)
{
  size_t key_i;
  const struct brig_ynode *seq = brig_yedit_get (map, key, &key_i);

  if (seq == NULL || seq->kind != BRIG_Y_SEQ || i >= seq->n || y->frozen)
    return;
  seq_record (y, map, key_i)->gone[i] = true;
}

/* Remove item or pair I of the flow collection N (pairs: STRIDE 2). */
static void
flow_remove (struct brig_yedit *y, const struct brig_ynode *n, size_t i, size_t stride)
{
  const struct brig_ynode *first = n->items[i * stride];
  const struct brig_ynode *last = n->items[i * stride + stride - 1];

  if (i + 1 < n->n)
    brig_edits_add (y->e, start_of (y, first), start_of (y, n->items[(i + 1) * stride]), "");
  else if (i > 0)
    brig_edits_add (y->e, end_of (y, n->items[i * stride - 1]), end_of (y, last), "");
  else
    {
      /* The only one: with a comma after it (`[a,]`, JSON5-like YAML). */
      size_t end = end_of (y, last), p = end;
      while (p < y->e->len && strchr (" \t\r\n", y->e->buf[p]))
        p++;
      if (p < y->e->len && y->e->buf[p] == ',')
        end = p + 1;
      brig_edits_add (y->e, start_of (y, first), end, "");
    }
}

static void
remove_item (struct brig_yedit *y, const struct brig_ynode *seq, size_t i)
{
  size_t dash, end;
  bool nl;

  if (is_flow (y, seq))
    {
      flow_remove (y, seq, i, 1);
      return;
    }
  dash = start_of (y, seq->items[i]);
  while (dash > 0 && y->e->buf[dash - 1] == ' ')
    dash--;
  if (dash == 0 || y->e->buf[dash - 1] != '-' || !first_on_line (y, dash - 1))
    return; /* not a `- item` line of its own: left as it is */
  end = line_after (y, content_end (y, seq->items[i]), &nl);
  brig_edits_add (y->e, brig_edits_line_start (y->e, dash - 1), end, "");
}

/* Is MAP's key I written plainly, not after `?` (an explicit key, maybe
 * on the line above)? */
static bool
plain_key (const struct brig_yedit *y, const struct brig_ynode *map, size_t i)
{
  size_t p = start_of (y, map->items[2 * i]);

  while (p > 0 && strchr (" \t\r\n", y->e->buf[p - 1]))
    p--;
  return p == 0 || y->e->buf[p - 1] != '?';
}

void
brig_yedit_remove (struct brig_yedit *y, const struct brig_ynode *map, const char *key)
{
  size_t i, ks, end;
  bool nl;

  if (brig_yedit_get (map, key, &i) == NULL || !plain_key (y, map, i) || y->frozen)
    return;
  if (is_flow (y, map))
    {
      flow_remove (y, map, i, 2);
      y->emptied = xreallocarray (y->emptied, y->nemptied + 1, sizeof *y->emptied);
      y->emptied[y->nemptied++] = map;
      return;
    }
  ks = start_of (y, map->items[2 * i]);
  if (first_on_line (y, ks))
    {
      end = line_after (y, pair_end (y, map, i), &nl);
      brig_edits_add (y->e, brig_edits_line_start (y->e, ks), end, "");
    }
  else if (i + 1 < map->n)
    /* `- hostPort: 80` above `  containerPort: 80`: the next key moves up. */
    brig_edits_add (y->e, ks, start_of (y, map->items[2 * i + 2]), "");
  else if (map->n == 1)
    brig_edits_add (y->e, ks, pair_end (y, map, i), "{}");
}

void
brig_yedit_replace (struct brig_yedit *y, const struct brig_ynode *n, struct brig_yval v)
{
  size_t off = start_of (y, n), end = end_of (y, n);
  char q = off < y->e->len ? y->e->buf[off] : 0;
  _cleanup_free_ char *text = NULL;

  if (n->kind != BRIG_Y_SCALAR || (strcmp (n->value, v.s) == 0 && !is_empty (n)) || y->frozen)
    return;
  if (is_empty (n))
    return; /* its place is the key's; brig_yedit_set's callers use pending */
  if (!v.literal && (q == '"' || q == '\''))
    text = q == '"' ? quoted (v.s) : xasprintf ("'%s'", v.s);
  else
    text = render (y, v);
  brig_edits_add (y->e, off, end, text);
}

/* --- flush -------------------------------------------------------------- */

static void
flush_add (struct brig_yedit *y, const struct brig_yadd *a)
{
  const struct brig_ynode *n = a->node;
  _cleanup_free_ char *text = NULL;

  if (a->root.nkids == 0)
    return;
  if (n->kind == BRIG_Y_SCALAR)
    {
      /* A null value: `securityContext:` -> `securityContext: {a: b}` */
      size_t off = start_of (y, n), end = end_of (y, n);
      render_flow (y, &text, &a->root);
      if (is_empty (n))
        {
          off = end = end_of (y, a->owner->items[2 * a->key_i]);
          while (end < y->e->len && y->e->buf[end] == ':')
            end++;
          brig_edits_addf (y->e, off, end, ": {%s}", text);
        }
      else
        brig_edits_addf (y->e, off, end, "{%s}", text);
      return;
    }
  if (is_flow (y, n))
    {
      size_t gone = 0;
      for (size_t i = 0; i < y->nemptied; i++)
        gone += y->emptied[i] == n;
      /* A plain key such as `-` or `?` that libyaml takes only where it
       * stands: text after it may read otherwise.  Left as it is. */
      for (size_t i = 0; i < n->n; i++)
        if (n->items[2 * i]->kind == BRIG_Y_SCALAR && n->items[2 * i]->plain
            && strchr ("-?:,[]{}#&*!|>'\"%@`", n->items[2 * i]->value[0]))
          return;
      /* `{a: 1, b: }` or `b: !tag`: where an empty value's text ends is
       * not known.  Left as it is. */
      if (n->n > gone && is_empty (n->items[2 * n->n - 1]))
        return;
      render_flow (y, &text, &a->root);
      if (n->n == gone)
        {
          size_t open = start_of (y, n) + 1;
          brig_edits_add (y->e, open, open, text);
          return;
        }
      {
        size_t end = pair_end (y, n, n->n - 1), ks = start_of (y, n->items[2 * (n->n - 1)]);
        const char *sp = "";
        if (first_on_line (y, ks))
          {
            size_t ls = brig_edits_line_start (y->e, ks);
            brig_edits_addf (y->e, end, end, "%s,\n%.*s%s", sp, (int)(ks - ls), y->e->buf + ls,
                             text);
          }
        else
          brig_edits_addf (y->e, end, end, "%s, %s", sp, text);
      }
      return;
    }
  {
    size_t ks = start_of (y, n->items[0]), ls = brig_edits_line_start (y->e, ks), off;
    int indent = (int)(ks - ls);
    bool nl;
    /* A pair in a flow sequence (`[a: 1]`) is a mapping with no braces
     * and no lines to add to: left as it is. */
    if (in_flow (y, n))
      return;
    for (size_t i = 0; i < n->n; i++)
      if (!plain_key (y, n, i))
        return; /* `? key`: where its lines go is not plain */
    /* `- name: x`: the keys' column, not the dash's. */
    if (!first_on_line (y, ks))
      indent = n->items[0]->col - 1;
    render_block (y, &text, &a->root, indent);
    off = line_after (y, content_end (y, n), &nl);
    brig_edits_addf (y->e, off, off, "%s%s", nl ? "\n" : "", text);
  }
}

/* A sequence's removed and added items. */
static void
flush_seq (struct brig_yedit *y, const struct brig_yseq *r)
{
  const struct brig_ynode *seq = r->map->items[2 * r->key_i + 1];
  const struct brig_ynode *key = r->map->items[2 * r->key_i];
  size_t kept = 0;
  _cleanup_free_ char *text = NULL;

  for (size_t k = 0; k < seq->n; k++)
    {
      kept += !r->gone[k];
      if (start_of (y, seq->items[k]) < start_of (y, seq))
        return; /* an alias in it: its text is not where its node is */
    }
  if (kept == 0 && r->nadds == 0)
    {
      brig_yedit_remove (y, r->map, key->value);
      return;
    }
  if (is_flow (y, seq) || kept == 0)
    {
      /* [kept..., added...]: the commas right, and for a block sequence
       * that loses every item, `key: [added]`. */
      bool any = false;
      text = xstrdup ("[");
      for (size_t k = 0; k < seq->n; k++)
        if (!r->gone[k])
          {
            size_t o = start_of (y, seq->items[k]), e = content_end (y, seq->items[k]);
            cat (&text, "%s%.*s", any ? ", " : "", (int)(e - o), y->e->buf + o);
            any = true;
          }
      for (size_t k = 0; k < r->nadds; k++)
        {
          cat (&text, "%s%s", any ? ", " : "", r->adds[k]);
          any = true;
        }
      cat (&text, "]");
      if (is_flow (y, seq))
        brig_edits_add (y->e, start_of (y, seq), end_of (y, seq), text);
      else
        brig_edits_addf (y->e, end_of (y, key), content_end (y, seq), ": %s", text);
      return;
    }
  for (size_t k = 0; k < seq->n; k++)
    if (r->gone[k])
      remove_item (y, seq, k);
  if (r->nadds)
    {
      /* Lines like the first item's. */
      size_t dash = start_of (y, seq->items[0]), ls, off;
      bool nl;
      while (dash > 0 && y->e->buf[dash - 1] == ' ')
        dash--;
      if (dash == 0 || y->e->buf[dash - 1] != '-')
        return;
      dash--;
      ls = brig_edits_line_start (y->e, dash);
      off = line_after (y, content_end (y, seq), &nl);
      text = xstrdup (nl ? "\n" : "");
      for (size_t k = 0; k < r->nadds; k++)
        cat (&text, "%.*s- %s\n", (int)(dash - ls), y->e->buf + ls, r->adds[k]);
      brig_edits_add (y->e, off, off, text);
    }
}

void
brig_yedit_flush (struct brig_yedit *y)
{
  for (size_t i = 0; i < y->nseqs; i++)
    flush_seq (y, &y->seqs[i]);
  /* A mapping nested in another ends where it does: its lines go first,
   * so the inner mapping's additions come before the outer one's.  Inner
   * mappings start after the outer: latest start first. */
  for (size_t i = 1; i < y->nadds; i++)
    for (size_t k = i; k > 0 && start_of (y, y->adds[k - 1].node) < start_of (y, y->adds[k].node);
         k--)
      {
        struct brig_yadd t = y->adds[k];
        y->adds[k] = y->adds[k - 1];
        y->adds[k - 1] = t;
      }
  for (size_t i = 0; i < y->nadds; i++)
    flush_add (y, &y->adds[i]);
  brig_yedit_release (y);
}

/* --- finding nodes ------------------------------------------------------ */

static bool
starts_at (const struct brig_ynode *n, struct brig_loc loc)
{
  return n->line == loc.line && n->col == loc.col
         && (loc.end_line == 0 || (n->end_line == loc.end_line && n->end_col == loc.end_col));
}

static bool
contains (const struct brig_ynode *n, struct brig_loc loc)
{
  if (loc.line < n->line || (loc.line == n->line && loc.col < n->col))
    return false;
  return loc.line < n->end_line || (loc.line == n->end_line && loc.col < n->end_col);
}

const struct brig_ynode *
brig_yedit_find (const struct brig_ynode *root, struct brig_loc loc,
                 const struct brig_ynode **ret_parent, size_t *ret_i)
{
  const struct brig_ynode *n = root, *found = NULL, *parent = NULL, *up = NULL;
  size_t i_found = 0, i_here = 0;

  /* The deepest node that starts there: a block mapping starts where its
   * first key does. */
  for (int depth = 0; n && depth < BRIG_YAML_MAX_DEPTH; depth++)
    {
      const struct brig_ynode *next = NULL;
      if (starts_at (n, loc))
        {
          found = n;
          parent = up;
          i_found = i_here;
        }
      if (n->kind == BRIG_Y_SCALAR)
        break;
      for (size_t i = 0; i < (n->kind == BRIG_Y_MAP ? 2 * n->n : n->n) && next == NULL; i++)
        if (contains (n->items[i], loc))
          {
            next = n->items[i];
            i_here = i;
          }
      up = n;
      n = next;
    }
  if (ret_parent)
    *ret_parent = parent;
  if (ret_i)
    *ret_i = i_found;
  return found;
}

const struct brig_ynode *
brig_yedit_find_pair (const struct brig_ynode *root, struct brig_loc loc, size_t *ret_i)
{
  const struct brig_ynode *parent = NULL, *k;
  size_t i = 0;

  k = brig_yedit_find (root, (struct brig_loc){ loc.line, loc.col, 0, 0 }, &parent, &i);
  if (k == NULL || parent == NULL || parent->kind != BRIG_Y_MAP || i % 2 != 0)
    return NULL;
  if (ret_i)
    *ret_i = i / 2;
  return parent;
}
