/* The image model of an image itself (not of the Dockerfile that built
 * it): what brig audit --image judges.  Its configuration as the store
 * holds it, how the reference named it, and the files of its final root
 * filesystem that a rule asks about (setuid/setgid, world-writable,
 * shells and package managers), read from the layers in order with
 * whiteouts applied, so that a file a later layer deleted is not here.
 * src/image/scan.c fills it; src/policy/stored_image.c judges it. */
#ifndef BRIG_MODEL_IMAGESCAN_H
#define BRIG_MODEL_IMAGESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum brig_scan_type
{
  BRIG_SCAN_FILE,
  BRIG_SCAN_DIR,
  BRIG_SCAN_SYMLINK,
  BRIG_SCAN_OTHER, /* a FIFO or a device node */
};

struct brig_scan_file
{
  char *path; /* absolute, clean: "/usr/bin/passwd" */
  enum brig_scan_type type;
  uint32_t mode; /* permission bits, 07777 */
  uint64_t uid, gid;
  size_t layer; /* the index of the layer that put it there, bottom first */
  bool watched; /* a path the scan was asked to look for (a shell...) */
  char *where;  /* for findings: "NAME:PATH" (brig_image_scan_name) */
};

struct brig_image_scan
{
  char *name;   /* for findings: "app:1.2@sha256:<manifest hex>" */
  char *ref;    /* as the user gave it */
  char *digest; /* the manifest's */
  bool pinned;  /* the reference named the digest (NAME@sha256:..., a digest) */
  char **tags;  /* the names the store (or the archive) gives it; may be NULL */
  /* The config; NULL where it does not set them. */
  char *user;
  char **env; /* NAME=value */
  char **exposed_ports;
  char **healthcheck; /* Healthcheck.Test */
  char **labels;      /* "KEY=VALUE": brig.dev/ignore suppresses findings */
  char **layers;      /* the layers' digests, bottom first */
  size_t nlayers;
  struct brig_scan_file *files;
  size_t nfiles;
};

/* Name S NAME ("app:1.2@sha256:..."), and each of its files NAME:PATH. */
void brig_image_scan_name (struct brig_image_scan *s, const char *name);
void brig_image_scan_release (struct brig_image_scan *s);

#endif
