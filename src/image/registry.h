/* Pulling an image from a registry that speaks the distribution API v2
 * (Docker's registry, Harbor, Quay, GHCR...) into the local store.
 *
 * HTTPS with the system's CA store, or with DIR/HOST[:PORT]/ca.crt of the
 * certs directory (Docker's certs.d layout) when there is one; plain HTTP
 * or unverified TLS only for a registry named in INSECURE.  Basic
 * credentials and bearer tokens (the token server the registry's 401
 * names).  Manifests are read within 4 MiB; an index gives this machine's
 * platform.  Every blob is hashed while it streams into the store's tmp/
 * and only renamed into place with the digest and size its descriptor
 * gives; a blob already in the store is not fetched again; each new layer
 * is then read as tar against its diff_id (load.h's bounds).  On any
 * failure the blobs this pull wrote are removed.  Nothing is printed. */
#ifndef BRIG_IMAGE_REGISTRY_H
#define BRIG_IMAGE_REGISTRY_H

#include <stdint.h>

#include "image/load.h"
#include "image/store.h"

struct brig_pull_opts
{
  const char *creds;     /* USER:PASS, or NULL */
  const char *auth_file; /* a Docker config.json ("auths"), or NULL */
  const char *certs_dir; /* DIR/HOST[:PORT]/ca.crt */
  char *const *insecure; /* HOST[:PORT] allowed over HTTP or unverified TLS */
  long timeout;          /* seconds: to connect, and without a byte */
  struct brig_load_opts load;
};

struct brig_pulled
{
  char digest[BRIG_DIGEST_LEN];   /* the image's manifest, as stored */
  char resolved[BRIG_DIGEST_LEN]; /* what the reference resolved to (an index, or the manifest) */
  char *name;                     /* the tag to give it ("host:5000/app:1"), or NULL */
  char *repo;                     /* its repository, normalised ("host:5000/app") */
  uint64_t fetched, reused;       /* blobs downloaded, blobs the store had */
};

int brig_image_pull (struct brig_store *s, const char *ref, const struct brig_pull_opts *o,
                     struct brig_pulled *ret, struct brig_err *err);
void brig_pulled_release (struct brig_pulled *p);

#endif
