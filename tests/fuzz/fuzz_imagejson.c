/* Fuzz the image documents: OCI indexes (and the platform pick),
 * manifests (and their re-serialisation), image configs, docker save's
 * manifest.json and the store's refs.json (and an image's removal from
 * it), each given the same bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "image/manifest.h"
#include "image/store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *s = (const char *)data;
  struct brig_err err = { 0 };
  enum brig_doc_kind kind;
  struct brig_index idx;
  struct brig_manifest m;
  struct brig_image_config c;
  struct brig_docker_entry *v;
  size_t n;

  brig_doc_kind (s, size, "fuzz", &kind, &err);
  brig_err_release (&err);
  if (brig_parse_index (s, size, "fuzz", &idx, &err) == 0)
    {
      char *seen = NULL;
      brig_index_pick (&idx, "linux", "amd64", NULL, &seen);
      free (seen);
      brig_index_release (&idx);
    }
  brig_err_release (&err);
  if (brig_parse_manifest (s, size, "fuzz", &m, &err) == 0)
    {
      free (brig_manifest_json (&m));
      brig_manifest_release (&m);
    }
  brig_err_release (&err);
  if (brig_parse_image_config (s, size, "fuzz", &c, &err) == 0)
    brig_image_config_release (&c);
  brig_err_release (&err);
  if (brig_parse_docker_manifest (s, size, "fuzz", &v, &n, &err) == 0)
    brig_docker_entries_free (v, n);
  brig_err_release (&err);
  {
    struct brig_refs refs;
    if (brig_refs_parse (s, size, "fuzz", &refs, &err) == 0)
      {
        if (refs.ndigests)
          brig_refs_drop_image (&refs, refs.digests[0].digest);
        if (refs.images[0])
          brig_refs_add_digest (&refs, "repo", refs.images[0], refs.images[0]);
        brig_refs_release (&refs);
      }
    brig_err_release (&err);
  }
  return 0;
}
