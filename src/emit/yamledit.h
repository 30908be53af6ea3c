/* Minimal edits of a YAML (or JSON) document, made on the located tree of
 * parse/yaml.h: set a value at a path of keys, add to or remove from a
 * sequence, remove a key.  What exists is changed in place; what does not
 * is added at the end of the nearest mapping that does, at its
 * indentation, in its style (block or flow, JSON when the file is JSON).
 * Additions under one mapping are gathered and written as one block, so
 * that three settings of a missing securityContext make one. */
#ifndef BRIG_EMIT_YAMLEDIT_H
#define BRIG_EMIT_YAMLEDIT_H

#include <stdbool.h>

#include "emit/edit.h"
#include "parse/yaml.h"

struct brig_yadd;
struct brig_yseq;

struct brig_yedit
{
  struct brig_edits *e;
  bool json; /* the text is JSON: keys and strings double-quoted */
  int step;  /* the file's indentation step (2 when it shows none) */
  struct brig_yadd *adds;
  size_t nadds;
  struct brig_yseq *seqs;
  size_t nseqs;
  const struct brig_ynode **emptied; /* a flow mapping, once per pair removed from it */
  size_t nemptied;
  bool frozen;   /* explicit keys (`? key`): brig makes no edit here */
  size_t *flows; /* [start, end) of each outermost flow collection */
  size_t nflows;
};

/* ROOT: the document's root, to learn the file's indentation. */
void brig_yedit_init (struct brig_yedit *y, struct brig_edits *e, const struct brig_ynode *root);
/* Write what was gathered (additions, removals) into the edits. */
void brig_yedit_flush (struct brig_yedit *y);
void brig_yedit_release (struct brig_yedit *y);

/* A value: a string (quoted where YAML or JSON needs it), or with LITERAL
 * false written as is (true, false, 1024). */
struct brig_yval
{
  const char *s;
  bool literal;
};
#define BRIG_YSTR(x) ((struct brig_yval){ (x), false })
#define BRIG_YLIT(x) ((struct brig_yval){ (x), true })

/* MAP's direct value for KEY (merge keys not followed: an edit must not
 * reach into an anchor others share), and its index; NULL if none. */
const struct brig_ynode *brig_yedit_get (const struct brig_ynode *map, const char *key,
                                         size_t *ret_i);

/* Set PATH ("securityContext.capabilities", keys separated by dots) under
 * MAP to V: a scalar there is replaced, missing mappings are made.  A
 * non-scalar in the way: nothing is done (false). */
bool brig_yedit_set (struct brig_yedit *y, const struct brig_ynode *map, const char *path,
                     struct brig_yval v);
/* Add V to the sequence at PATH under MAP unless an item equals it; a
 * missing sequence is made, and a scalar there becomes a sequence of it
 * and V. */
bool brig_yedit_seq_add (struct brig_yedit *y, const struct brig_ynode *map, const char *path,
                         struct brig_yval v);
/* Remove item I of the sequence that is MAP's KEY; when every item goes,
 * the key goes. */
void brig_yedit_seq_remove (struct brig_yedit *y, const struct brig_ynode *map, const char *key,
                            size_t i);
/* Remove KEY from MAP, with its value. */
void brig_yedit_remove (struct brig_yedit *y, const struct brig_ynode *map, const char *key);
/* Replace the scalar N with V (keeping its quotes when V is a string). */
void brig_yedit_replace (struct brig_yedit *y, const struct brig_ynode *n, struct brig_yval v);

/* The node starting at LOC's line and column (and ending at its end when
 * that is set) under ROOT, or NULL; with RET_PARENT and RET_I, the map or
 * sequence holding it and its index there (a map's value: 2I+1). */
const struct brig_ynode *brig_yedit_find (const struct brig_ynode *root, struct brig_loc loc,
                                          const struct brig_ynode **ret_parent, size_t *ret_i);
/* The map holding a key whose pair (key to value) is at LOC, and the
 * key's index; NULL when none. */
const struct brig_ynode *brig_yedit_find_pair (const struct brig_ynode *root, struct brig_loc loc,
                                               size_t *ret_i);

#endif
