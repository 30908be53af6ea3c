/* libyaml events -> a tree of located nodes (see yaml.h).  Everything of a
 * file lives in one arena, freed at once. */
#include "parse/yaml.h"
#include "util/cleanup.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct chunk
{
  struct chunk *next;
  size_t used, size;
  max_align_t data[];
};

struct anchor
{
  const char *name;
  struct brig_ynode *node;
};

struct brig_yaml
{
  struct chunk *chunks;
  struct brig_ynode **docs;
  size_t ndocs, capdocs;
  struct anchor *anchors; /* open addressing, a power of two */
  size_t nanchors, capanchors;
  size_t nodes;
  /* The parser, kept between documents when streaming. */
  yaml_parser_t parser;
  bool parser_live;
  bool ended;
  const char *file;
  int line0; /* lines before the text, when it was cut out of a longer one */
};

static void *
arena_alloc (struct brig_yaml *y, size_t n)
{
  struct chunk *c = y->chunks;
  void *p;

  n = (n + sizeof (max_align_t) - 1) & ~(sizeof (max_align_t) - 1);
  if (c == NULL || c->size - c->used < n)
    {
      size_t size = n > 60000 ? n : 60000;
      c = xmalloc (sizeof *c + size);
      c->size = size;
      c->used = 0;
      c->next = y->chunks;
      y->chunks = c;
    }
  p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

static char *
arena_strndup (struct brig_yaml *y, const char *s, size_t n)
{
  char *p = arena_alloc (y, n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

static void
anchor_set (struct brig_yaml *y, const char *name, struct brig_ynode *node)
{
  size_t i;

  if (y->nanchors * 2 >= y->capanchors)
    {
      struct anchor *old = y->anchors;
      size_t oldcap = y->capanchors;
      y->capanchors = oldcap ? oldcap * 2 : 64;
      y->anchors = xcalloc (y->capanchors, sizeof *y->anchors);
      y->nanchors = 0;
      for (size_t k = 0; k < oldcap; k++)
        if (old[k].name)
          anchor_set (y, old[k].name, old[k].node);
      free (old);
    }
  for (i = str_hash (name) & (y->capanchors - 1); y->anchors[i].name;
       i = (i + 1) & (y->capanchors - 1))
    if (strcmp (y->anchors[i].name, name) == 0)
      {
        y->anchors[i].node = node; /* a later anchor of the same name wins */
        return;
      }
  y->anchors[i] = (struct anchor){ arena_strndup (y, name, strlen (name)), node };
  y->nanchors++;
}

static struct brig_ynode *
anchor_get (const struct brig_yaml *y, const char *name)
{
  if (y->capanchors == 0)
    return NULL;
  for (size_t i = str_hash (name) & (y->capanchors - 1); y->anchors[i].name;
       i = (i + 1) & (y->capanchors - 1))
    if (strcmp (y->anchors[i].name, name) == 0)
      return y->anchors[i].node;
  return NULL;
}

/* A collection being read: its node and its items so far. */
struct frame
{
  struct brig_ynode *node;
  struct brig_ynode **items;
  size_t n, cap;
};

static void
frame_push_item (struct frame *f, struct brig_ynode *item)
{
  if (f->n == f->cap)
    {
      f->cap = f->cap ? f->cap * 2 : 8;
      f->items = xreallocarray (f->items, f->cap, sizeof *f->items);
    }
  f->items[f->n++] = item;
}

static int
fail_at (struct brig_err *err, const char *file, const yaml_mark_t *m, const char *what)
{
  return brig_error (err, 0, "%s:%zu:%zu: %s", file, m->line + 1, m->column + 1, what);
}

static void
arena_reset (struct brig_yaml *y)
{
  while (y->chunks)
    {
      struct chunk *c = y->chunks;
      y->chunks = c->next;
      free (c);
    }
}

void
brig_yaml_free (struct brig_yaml *y)
{
  if (y == NULL)
    return;
  if (y->parser_live)
    yaml_parser_delete (&y->parser);
  while (y->chunks)
    {
      struct chunk *c = y->chunks;
      y->chunks = c->next;
      free (c);
    }
  free (y->docs);
  free (y->anchors);
  free (y);
}

static struct brig_yaml *
open_parser (const char *buf, size_t len, const char *file, struct brig_err *err)
{
  struct brig_yaml *y;

  if (len > BRIG_YAML_MAX_SIZE)
    {
      brig_error (err, EFBIG, "%s: larger than %zu MB: not read", file, BRIG_YAML_MAX_SIZE >> 20);
      return NULL;
    }
  y = xcalloc (1, sizeof *y);
  y->file = file;
  if (!yaml_parser_initialize (&y->parser))
    {
      free (y);
      brig_error (err, ENOMEM, "%s: YAML parser", file);
      return NULL;
    }
  y->parser_live = true;
  yaml_parser_set_input_string (&y->parser, (const unsigned char *)buf, len);
  return y;
}

/* Parse events up to the end of the next document: 1 and its root in
 * *RET_ROOT (NULL for an empty one), 0 at the end of the stream, or an
 * error.  Anchors do not cross documents. */
static int
parse_doc (struct brig_yaml *y, struct brig_ynode **ret_root, struct brig_err *err)
{
  struct frame stack[BRIG_YAML_MAX_DEPTH];
  size_t depth = 0;
  struct brig_ynode *root = NULL;
  bool in_doc = false, done = false;
  const char *file = y->file;
  int r = 0, got = 0;

  if (y->ended)
    return 0;
  if (y->anchors)
    memset (y->anchors, 0, y->capanchors * sizeof *y->anchors);
  y->nanchors = 0;
  while (!done && r == 0)
    {
      yaml_event_t ev;
      struct brig_ynode *node = NULL;
      const char *anchor = NULL;

      if (!yaml_parser_parse (&y->parser, &ev))
        {
          const yaml_parser_t *parser = &y->parser;
          const char *problem = parser->problem ? parser->problem : "invalid YAML";
          if (parser->context)
            r = brig_error (err, 0, "%s:%zu:%zu: %s %s", file, parser->problem_mark.line + 1,
                            parser->problem_mark.column + 1, problem, parser->context);
          else
            r = fail_at (err, file, &parser->problem_mark, problem);
          break;
        }
      switch (ev.type)
        {
        case YAML_STREAM_END_EVENT:
          y->ended = done = true;
          break;
        case YAML_DOCUMENT_START_EVENT:
          in_doc = true;
          root = NULL;
          break;
        case YAML_DOCUMENT_END_EVENT:
          in_doc = false;
          got = 1;
          done = true;
          break;
        case YAML_ALIAS_EVENT:
          node = anchor_get (y, (const char *)ev.data.alias.anchor);
          if (node == NULL)
            r = fail_at (err, file, &ev.start_mark, "alias to an unknown anchor");
          break;
        case YAML_SCALAR_EVENT:
          node = arena_alloc (y, sizeof *node);
          *node
              = (struct brig_ynode){ .kind = BRIG_Y_SCALAR,
                                     .value = arena_strndup (y, (const char *)ev.data.scalar.value,
                                                             ev.data.scalar.length),
                                     .plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE };
          anchor = (const char *)ev.data.scalar.anchor;
          break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
          if (depth == BRIG_YAML_MAX_DEPTH)
            {
              r = fail_at (err, file, &ev.start_mark, "nested deeper than 256 levels: not read");
              break;
            }
          node = arena_alloc (y, sizeof *node);
          *node = (struct brig_ynode){ .kind = ev.type == YAML_SEQUENCE_START_EVENT ? BRIG_Y_SEQ
                                                                                    : BRIG_Y_MAP };
          node->line = (int)ev.start_mark.line + 1 + y->line0;
          node->col = (int)ev.start_mark.column + 1;
          anchor = ev.type == YAML_SEQUENCE_START_EVENT
                       ? (const char *)ev.data.sequence_start.anchor
                       : (const char *)ev.data.mapping_start.anchor;
          if (anchor)
            anchor_set (y, anchor, node);
          stack[depth++] = (struct frame){ node, NULL, 0, 0 };
          node = NULL; /* added to its parent when it ends */
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          {
            struct frame *f = &stack[--depth];
            node = f->node;
            node->n = node->kind == BRIG_Y_MAP ? f->n / 2 : f->n;
            if (f->n)
              {
                node->items = arena_alloc (y, f->n * sizeof *node->items);
                memcpy (node->items, f->items, f->n * sizeof *node->items);
              }
            free (f->items);
            node->end_line = (int)ev.end_mark.line + 1 + y->line0;
            node->end_col = (int)ev.end_mark.column + 1;
            break;
          }
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        default:
          break;
        }
      if (r == 0 && node)
        {
          if (ev.type == YAML_SCALAR_EVENT)
            {
              node->line = (int)ev.start_mark.line + 1 + y->line0;
              node->col = (int)ev.start_mark.column + 1;
              node->end_line = (int)ev.end_mark.line + 1 + y->line0;
              node->end_col = (int)ev.end_mark.column + 1;
              if (anchor)
                anchor_set (y, anchor, node);
            }
          if (ev.type != YAML_ALIAS_EVENT && ++y->nodes > BRIG_YAML_MAX_NODES)
            r = fail_at (err, file, &ev.start_mark, "more than 4M nodes: not read");
          else if (depth)
            frame_push_item (&stack[depth - 1], node);
          else if (in_doc)
            root = node;
        }
      yaml_event_delete (&ev);
    }
  while (depth)
    free (stack[--depth].items);
  if (r < 0)
    return r;
  *ret_root = root;
  return got;
}

int
brig_yaml_load (const char *buf, size_t len, const char *file, struct brig_yaml **ret,
                struct brig_err *err)
{
  struct brig_yaml *y = open_parser (buf, len, file, err);
  struct brig_ynode *root;
  int r;

  if (y == NULL)
    return -EINVAL;
  while ((r = parse_doc (y, &root, err)) > 0)
    {
      if (y->ndocs == y->capdocs)
        {
          y->capdocs = y->capdocs ? y->capdocs * 2 : 4;
          y->docs = xreallocarray (y->docs, y->capdocs, sizeof *y->docs);
        }
      y->docs[y->ndocs++] = root;
    }
  yaml_parser_delete (&y->parser);
  y->parser_live = false;
  if (r < 0)
    {
      brig_yaml_free (y);
      return r;
    }
  *ret = y;
  return 0;
}

int
brig_ystream_open (const char *buf, size_t len, const char *file, struct brig_yaml **ret,
                   struct brig_err *err)
{
  struct brig_yaml *y = open_parser (buf, len, file, err);

  if (y == NULL)
    return -EINVAL;
  *ret = y;
  return 0;
}

int
brig_ystream_open_at (const char *buf, size_t len, const char *file, int line0,
                      struct brig_yaml **ret, struct brig_err *err)
{
  int r = brig_ystream_open (buf, len, file, ret, err);

  if (r == 0)
    (*ret)->line0 = line0;
  return r;
}

int
brig_ystream_next (struct brig_yaml *y, const struct brig_ynode **ret_root, struct brig_err *err)
{
  struct brig_ynode *root = NULL;
  int r;

  /* The previous document's nodes go: memory is that of one document. */
  arena_reset (y);
  free (y->anchors);
  y->anchors = NULL;
  y->capanchors = y->nanchors = 0;
  y->nodes = 0;
  r = parse_doc (y, &root, err);
  *ret_root = root;
  return r;
}

size_t
brig_yaml_ndocs (const struct brig_yaml *y)
{
  return y->ndocs;
}

const struct brig_ynode *
brig_yaml_doc (const struct brig_yaml *y, size_t i)
{
  return i < y->ndocs ? y->docs[i] : NULL;
}

static const struct brig_ynode *
map_lookup (const struct brig_ynode *map, const char *key, bool want_key, int depth)
{
  const struct brig_ynode *merge = NULL;

  if (map == NULL || map->kind != BRIG_Y_MAP || depth > 16)
    return NULL;
  for (size_t i = 0; i < map->n; i++)
    {
      const struct brig_ynode *k = map->items[2 * i];
      if (k->kind != BRIG_Y_SCALAR)
        continue;
      if (strcmp (k->value, key) == 0)
        return want_key ? k : map->items[2 * i + 1];
      if (k->plain && strcmp (k->value, "<<") == 0)
        merge = map->items[2 * i + 1];
    }
  /* `<<: *base` or `<<: [*a, *b]`: the first that has it. */
  if (merge && merge->kind == BRIG_Y_MAP)
    return map_lookup (merge, key, want_key, depth + 1);
  if (merge && merge->kind == BRIG_Y_SEQ)
    for (size_t i = 0; i < merge->n; i++)
      {
        const struct brig_ynode *v = map_lookup (merge->items[i], key, want_key, depth + 1);
        if (v)
          return v;
      }
  return NULL;
}

const struct brig_ynode *
brig_ymap_get (const struct brig_ynode *map, const char *key)
{
  return map_lookup (map, key, false, 0);
}

const struct brig_ynode *
brig_ymap_key (const struct brig_ynode *map, const char *key)
{
  return map_lookup (map, key, true, 0);
}

struct brig_loc
brig_yloc (const struct brig_ynode *n)
{
  if (n == NULL)
    return (struct brig_loc){ 0, 0, 0, 0 };
  return (struct brig_loc){ n->line, n->col, n->end_line, n->end_col };
}

struct brig_loc
brig_ykv_loc (const struct brig_ynode *map, const char *key)
{
  const struct brig_ynode *k = brig_ymap_key (map, key), *v = brig_ymap_get (map, key);
  struct brig_loc l = brig_yloc (k);

  if (v)
    {
      l.end_line = v->end_line;
      l.end_col = v->end_col;
    }
  return l;
}

const char *
brig_ystr (const struct brig_ynode *n)
{
  if (n == NULL || n->kind != BRIG_Y_SCALAR)
    return NULL;
  if (n->plain
      && (n->value[0] == '\0' || strcmp (n->value, "~") == 0 || strcmp (n->value, "null") == 0
          || strcmp (n->value, "Null") == 0 || strcmp (n->value, "NULL") == 0))
    return NULL;
  return n->value;
}

int
brig_ybool (const struct brig_ynode *n)
{
  static const char *const yes[]
      = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
  static const char *const no[]
      = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };

  if (n == NULL || n->kind != BRIG_Y_SCALAR || !n->plain)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    if (strcmp (n->value, yes[i]) == 0)
      return 1;
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    if (strcmp (n->value, no[i]) == 0)
      return 0;
  return -1;
}

int
brig_yint (const struct brig_ynode *n, long long *ret)
{
  char *end;
  long long v;

  if (n == NULL || n->kind != BRIG_Y_SCALAR || n->value[0] == '\0')
    return -1;
  errno = 0;
  v = strtoll (n->value, &end, 0);
  if (errno || *end)
    return -1;
  *ret = v;
  return 0;
}
