/* YAML (and JSON, which is YAML) as a tree of nodes that remember where
 * they are: libyaml's events, kept with their marks, for parsers that must
 * report file:line:col.  Bounded: nesting depth, node count and input size
 * have limits, and an alias is a reference to its anchor's node, never a
 * copy, so an alias bomb costs what its text costs. */
#ifndef BRIG_PARSE_YAML_H
#define BRIG_PARSE_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "model/workload.h"
#include "util/err.h"

enum brig_ykind
{
  BRIG_Y_SCALAR,
  BRIG_Y_SEQ,
  BRIG_Y_MAP,
};

struct brig_ynode
{
  enum brig_ykind kind;
  const char *value; /* scalar: its text */
  bool plain;        /* scalar: unquoted (so `true`, `null`, `0` mean what they say) */
  /* seq: N items; map: N keys, key i at items[2i], its value at items[2i+1] */
  struct brig_ynode **items;
  size_t n;
  int line, col;         /* where it starts, 1-based */
  int end_line, end_col; /* where it ends */
};

struct brig_yaml; /* the documents of one file, and the memory behind them */

#define BRIG_YAML_MAX_DEPTH 256
#define BRIG_YAML_MAX_NODES (4u << 20)
#define BRIG_YAML_MAX_SIZE ((size_t)256 << 20)

/* Parse BUF (LEN bytes) of FILE: every document.  A syntax error, or a
 * limit passed, is an error naming FILE:LINE:COL. */
int brig_yaml_load (const char *buf, size_t len, const char *file, struct brig_yaml **ret,
                    struct brig_err *err);
void brig_yaml_free (struct brig_yaml *y);

/* Or one document at a time, in the memory of one document: open, then
 * next until it returns 0 (the end) or an error; each call frees the
 * previous document's nodes.  *RET_ROOT is a null scalar (or NULL) for an empty document.
 * Free with brig_yaml_free. */
int brig_ystream_open (const char *buf, size_t len, const char *file, struct brig_yaml **ret,
                       struct brig_err *err);
/* The same for a text that starts at line LINE0 + 1 of FILE (a document
 * cut out of a longer text): its nodes' lines count from there.  Syntax
 * errors still count from the cut. */
int brig_ystream_open_at (const char *buf, size_t len, const char *file, int line0,
                          struct brig_yaml **ret, struct brig_err *err);
int brig_ystream_next (struct brig_yaml *y, const struct brig_ynode **ret_root,
                       struct brig_err *err);

size_t brig_yaml_ndocs (const struct brig_yaml *y);
/* Document I's root, or NULL for an empty document. */
const struct brig_ynode *brig_yaml_doc (const struct brig_yaml *y, size_t i);

/* MAP's value for KEY (a scalar key), following `<<` merge keys; NULL when
 * MAP is not a map or has no such key. */
const struct brig_ynode *brig_ymap_get (const struct brig_ynode *map, const char *key);
/* The key node of KEY in MAP, for locations; NULL when absent. */
const struct brig_ynode *brig_ymap_key (const struct brig_ynode *map, const char *key);

/* Where N is (all zero for NULL); where MAP's KEY is, from the key's
 * start to its value's end. */
struct brig_loc brig_yloc (const struct brig_ynode *n);
struct brig_loc brig_ykv_loc (const struct brig_ynode *map, const char *key);

/* A scalar's text, or NULL for anything else (and for null: ~, null, empty). */
const char *brig_ystr (const struct brig_ynode *n);
/* true/false (YAML 1.1 and 1.2 spellings, plain only): 1, 0, or -1. */
int brig_ybool (const struct brig_ynode *n);
/* An integer scalar into *RET: 0, or -1 when it is not one. */
int brig_yint (const struct brig_ynode *n, long long *ret);

#endif
