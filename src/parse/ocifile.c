/* config.json for brig audit (see ocifile.h). */
#include "parse/ocifile.h"
#include "parse/oci.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES (1u << 20)

bool
brig_oci_config_name (const char *name)
{
  return strcmp (name, "config.json") == 0;
}

bool
brig_oci_config_detect (const struct brig_yaml *y)
{
  return brig_yaml_ndocs (y) == 1 && brig_ymap_key (brig_yaml_doc (y, 0), "ociVersion") != NULL;
}

static void
walk (const struct brig_ynode *n, const char *path, struct brig_loc loc, struct brig_locmap *m)
{
  if (m->n >= MAX_VALUES)
    return;
  brig_locmap_add (m, path, n->kind == BRIG_Y_SCALAR ? n->value : NULL, loc);
  if (n->kind == BRIG_Y_SEQ)
    for (size_t i = 0; i < n->n; i++)
      {
        _cleanup_free_ char *p = xasprintf ("%s[%zu]", path, i);
        walk (n->items[i], p, brig_yloc (n->items[i]), m);
      }
  else if (n->kind == BRIG_Y_MAP)
    for (size_t i = 0; i < n->n; i++)
      {
        const struct brig_ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
        _cleanup_free_ char *p = NULL;
        if (k->kind != BRIG_Y_SCALAR)
          continue;
        p = path[0] ? xasprintf ("%s.%s", path, k->value) : xstrdup (k->value);
        walk (v, p, (struct brig_loc){ k->line, k->col, v->end_line, v->end_col }, m);
      }
}

void
brig_json_locmap (const struct brig_ynode *root, struct brig_locmap *ret)
{
  if (root)
    walk (root, "", brig_yloc (root), ret);
  brig_locmap_index (ret);
}

/* "FILE: PATH: what" (the runtime reader's errors) -> "FILE:LINE:COL:
 * PATH: what", at PATH's value or its nearest parent's. */
static void
locate_error (const char *file, const struct brig_locmap *where, struct brig_err *err)
{
  size_t fl = strlen (file), pl;
  const char *path;
  _cleanup_free_ char *p = NULL;
  const struct brig_locent *e;
  char *m;

  if (err->msg == NULL || strncmp (err->msg, file, fl) != 0 || strncmp (err->msg + fl, ": ", 2))
    return;
  path = err->msg + fl + 2;
  pl = strcspn (path, ": ");
  p = xstrndup (path, pl);
  e = strcmp (p, "(top)") == 0 ? brig_locmap_get (where, "") : brig_locmap_nearest (where, p);
  if (e == NULL || e->loc.line <= 0)
    return;
  m = xasprintf ("%s:%d:%d: %s", file, e->loc.line, e->loc.col, path);
  free (err->msg);
  err->msg = m;
}

int
brig_parse_oci_located (const char *buf, size_t len, const char *file, const struct brig_yaml *y,
                        struct brig_container **ret, struct brig_locmap *ret_where,
                        struct brig_err *err)
{
  _cleanup_free_ char *bundle = NULL;
  struct brig_yaml *own = NULL;
  struct brig_err yerr = { 0 };
  const char *slash = strrchr (file, '/');
  int r;

  bundle = slash ? xstrndup (file, slash == file ? 1 : (size_t)(slash - file)) : xstrdup (".");
  /* Where the values are: best effort, the runtime's reader decides. */
  if (y == NULL && brig_yaml_load (buf, len, file, &own, &yerr) == 0)
    y = own;
  brig_err_release (&yerr);
  if (y && brig_yaml_ndocs (y) == 1)
    brig_json_locmap (brig_yaml_doc (y, 0), ret_where);
  r = brig_parse_oci_config (buf, len, file, bundle, ret, err);
  if (r < 0)
    locate_error (file, ret_where, err);
  if (r < 0 && err->msg)
    {
      /* jansson's column 0 is the start of the line. */
      size_t fl = strlen (file);
      int line, n = 0;
      if (strncmp (err->msg, file, fl) == 0 && sscanf (err->msg + fl, ":%d:0: %n", &line, &n) == 1
          && n > 0)
        {
          char *m = xasprintf ("%s:%d:1: %s", file, line, err->msg + fl + n);
          free (err->msg);
          err->msg = m;
        }
    }
  brig_yaml_free (own);
  return r;
}
