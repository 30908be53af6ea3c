/* Where each value of a JSON document was written, by its path: for a
 * model read by a parser that keeps no places (jansson, for an OCI
 * config.json), so that a rule over the model can still point at the key
 * it is about.  It is filled from the located YAML tree of the same text
 * (parse/ocifile.c, brig_yloc), not by a second reader: the rules read
 * only the model, never parse/'s tree, so the places cross over as this
 * map.  A path is written as the runtime spec writes it: members
 * joined by `.`, items by `[N]` ("process.capabilities.bounding[2]",
 * "mounts[0].destination"); the document itself is "". */
#ifndef BRIG_MODEL_LOCMAP_H
#define BRIG_MODEL_LOCMAP_H

#include <stddef.h>

#include "model/workload.h"

struct brig_locent
{
  char *path;
  char *value;         /* a scalar's text; NULL for an object or a list */
  struct brig_loc loc; /* a member: from its key to the end of its value */
};

struct brig_locmap
{
  struct brig_locent *v;
  size_t n;
  size_t *by_path; /* the entries' indexes sorted by path (brig_locmap_index) */
  size_t nby_path; /* how many entries it covers */
};

/* Append PATH (VALUE may be NULL) at LOC; both are copied. */
void brig_locmap_add (struct brig_locmap *m, const char *path, const char *value,
                      struct brig_loc loc);
/* Sort M for lookups in O(log n); entries added afterwards are looked up
 * one by one until the next call.  Of two entries with one path, the
 * first added is found. */
void brig_locmap_index (struct brig_locmap *m);
/* The entry of PATH, or NULL. */
const struct brig_locent *brig_locmap_get (const struct brig_locmap *m, const char *path);
/* The entry of PATH or, when it was not written, of its nearest parent
 * that was ("linux.resources.memory.limit" -> "linux.resources" -> ...
 * -> ""); NULL only for an empty map. */
const struct brig_locent *brig_locmap_nearest (const struct brig_locmap *m, const char *path);
void brig_locmap_release (struct brig_locmap *m);

#endif
