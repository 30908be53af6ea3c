/* The JSON documents of an image, read with jansson: OCI image indexes
 * and manifests (and Docker's v2 equivalents), image configs, and the
 * manifest.json of a `docker save` archive.  Pure: each takes a buffer
 * and its name for errors, and checks every digest it keeps, so a digest
 * is always safe to use as a file name. */
#ifndef BRIG_IMAGE_MANIFEST_H
#define BRIG_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct brig_descriptor
{
  char *media_type;
  char *digest; /* checked: sha256:<64 hex> */
  int64_t size;
  char *os, *arch, *variant; /* platform, in an index; else NULL */
  char *ref_name;            /* annotation org.opencontainers.image.ref.name */
  char *image_name;          /* annotation io.containerd.image.name */
};

enum brig_doc_kind
{
  BRIG_DOC_INDEX,
  BRIG_DOC_MANIFEST,
};

struct brig_index
{
  struct brig_descriptor *v;
  size_t n;
};

struct brig_manifest
{
  struct brig_descriptor config;
  struct brig_descriptor *layers;
  size_t nlayers;
};

struct brig_image_config
{
  char *os, *arch, *variant, *created;
  char **entrypoint, **cmd, **env; /* NULL when not set */
  char *workdir, *user;            /* NULL when not set */
  char **exposed_ports;            /* "80/tcp" */
  char **volumes;                  /* Volumes: "/data"; NULL when none */
  char **healthcheck;              /* Healthcheck.Test; NULL when none */
  char **labels;                   /* "KEY=VALUE"; NULL when none */
  char **diff_ids;                 /* checked digests */
  size_t ndiff_ids;
};

/* One image of a docker save archive's manifest.json. */
struct brig_docker_entry
{
  char *config;     /* member name of the config */
  char **repo_tags; /* may be NULL */
  char **layers;    /* member names, bottom first */
  size_t nlayers;
};

/* Whether BUF is an index or a manifest: its mediaType, or the fields it
 * has when there is none. */
int brig_doc_kind (const char *buf, size_t len, const char *name, enum brig_doc_kind *ret,
                   struct brig_err *err);
int brig_parse_index (const char *buf, size_t len, const char *name, struct brig_index *ret,
                      struct brig_err *err);
int brig_parse_manifest (const char *buf, size_t len, const char *name, struct brig_manifest *ret,
                         struct brig_err *err);
int brig_parse_image_config (const char *buf, size_t len, const char *name,
                             struct brig_image_config *ret, struct brig_err *err);
int brig_parse_docker_manifest (const char *buf, size_t len, const char *name,
                                struct brig_docker_entry **ret, size_t *ret_n,
                                struct brig_err *err);

/* The entry of IDX for the platform OS/ARCH/VARIANT (VARIANT NULL: any);
 * an entry without a platform matches any.  -1 when none does; then
 * *RET_SEEN lists the platforms there are ("linux/arm64, linux/s390x"). */
int brig_index_pick (const struct brig_index *idx, const char *os, const char *arch,
                     const char *variant, char **ret_seen);
/* This machine's platform in OCI's names (amd64, arm64, arm/v7...). */
void brig_host_platform (const char **ret_arch, const char **ret_variant);

/* An OCI manifest (JSON text) naming CONFIG and LAYERS. */
char *brig_manifest_json (const struct brig_manifest *m);

bool brig_media_is_layer (const char *media_type);

void brig_descriptor_release (struct brig_descriptor *d);
void brig_index_release (struct brig_index *idx);
void brig_manifest_release (struct brig_manifest *m);
void brig_image_config_release (struct brig_image_config *c);
void brig_docker_entries_free (struct brig_docker_entry *v, size_t n);

#endif
