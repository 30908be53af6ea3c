/* brig load, images, inspect, tag, rmi, gc: the local image store
 * (src/image/store.h).  Only this file prints; the store does the work. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "image/load.h"
#include "image/store.h"
#include "parse/units.h"
#include "sandbox/sandbox.h"
#include "util/cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_FAIL 125

struct image_opts
{
  bool help, help_man;
  const char *input, *oci, *tag;
  uint64_t max_layer;
  bool quiet, no_trunc;
};

BRIG_OPT_FLAG (set_help, struct image_opts, help)
BRIG_OPT_FLAG (set_help_man, struct image_opts, help_man)
BRIG_OPT_FLAG (set_quiet, struct image_opts, quiet)
BRIG_OPT_FLAG (set_no_trunc, struct image_opts, no_trunc)
BRIG_OPT_STRING (set_input, struct image_opts, input)
BRIG_OPT_STRING (set_oci, struct image_opts, oci)

static int
set_tag (void *ctx, const char *arg, struct brig_err *err)
{
  _cleanup_free_ char *n = brig_ref_normalize (arg, err);
  if (n == NULL)
    return -EINVAL;
  ((struct image_opts *)ctx)->tag = arg;
  return 0;
}

static int
set_max_layer (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_max_layer_arg (arg, &((struct image_opts *)ctx)->max_layer, err);
}

#define HELP_OPTS                                                                                  \
  { 'h', "help", NULL, "show this help", set_help },                                               \
  {                                                                                                \
    0, "help-man", NULL, NULL, set_help_man                                                        \
  }

static const struct brig_opt load_options[] = {
  { 'i', "input", "FILE",
    "a `docker save` or `podman save` archive (Docker or OCI format; gzip or zstd "
    "compressed or not); - for standard input",
    set_input },
  { 0, "oci", "DIR", "an OCI image layout directory (`skopeo copy IMAGE oci:DIR`)", set_oci },
  { 't', "tag", "NAME[:TAG]", "also tag every image loaded with NAME[:TAG]", set_tag },
  { 0, "max-layer-size", "BYTES",
    "refuse a layer larger than BYTES once decompressed (default 16g)", set_max_layer },
  HELP_OPTS,
  { 0, NULL, NULL, NULL, NULL },
};
static const struct brig_opt images_options[] = {
  { 'q', "quiet", NULL, "print only the image ids", set_quiet },
  { 0, "no-trunc", NULL, "print whole digests", set_no_trunc },
  HELP_OPTS,
  { 0, NULL, NULL, NULL, NULL },
};
static const struct brig_opt plain_options[] = {
  HELP_OPTS,
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help load_help = {
  "brig load (-i FILE | --oci DIR) [OPTIONS]",
  "Load images into brig's local store.",
  "Every blob is copied through a SHA-256 check, every layer is decompressed and read\n"
  "once to check its digest against the image config; an index with several\n"
  "platforms gives this machine's.  A corrupted, truncated or incomplete input is\n"
  "refused and nothing of it is kept.  The store is <state dir>/images\n"
  "(/var/lib/brig/images for root; see docs/images.md).",
};
static const struct brig_cmd_help images_help = {
  "brig images [OPTIONS]",
  "List the images in brig's local store.",
  NULL,
};
static const struct brig_cmd_help inspect_help = {
  "brig inspect IMAGE...",
  "Print what the store knows of IMAGE (name, id or digest) as JSON.",
  NULL,
};
static const struct brig_cmd_help tag_help = {
  "brig tag IMAGE NAME[:TAG]",
  "Give an image of the store another name.",
  NULL,
};
static const struct brig_cmd_help rmi_help = {
  "brig rmi IMAGE...",
  "Remove a tag; an image left without tags, or named by id or digest, is removed.",
  "The blobs stay until `brig gc` removes what no image uses.",
};
static const struct brig_cmd_help gc_help = {
  "brig gc",
  "Remove blobs, unpacked layers and root filesystems no image of the store uses.",
  "Layers of running containers' images are kept, even if their image was removed.",
};

/* Parse the options and check that MIN to MAX operands follow; 1 when
 * help was printed. */
static int
start (const char *name, const struct brig_cmd_help *h, const struct brig_opt *opts,
       struct image_opts *o, int argc, char **argv, int min, int max, int *optind_,
       struct brig_err *err)
{
  int r = brig_opt_parse (opts, o, argc, argv, optind_, err);
  if (r < 0)
    return r;
  if (o->help_man)
    brig_opt_man_page (stdout, name, h, opts);
  else if (o->help)
    brig_opt_help (stdout, h, opts);
  if (o->help || o->help_man)
    return 1;
  if (argc - *optind_ < min)
    return brig_error (err, 0, "too few arguments (usage: %s)", h->usage);
  if (argc - *optind_ > max)
    return brig_error (err, 0, "unexpected argument `%s` (usage: %s)", argv[*optind_ + max],
                       h->usage);
  return 0;
}

static int
open_store (bool exclusive, struct brig_store *s, struct brig_err *err)
{
  _cleanup_free_ char *root = brig_store_root ();
  return brig_store_open (root, exclusive, s, err);
}

/* The store and its refs; on failure nothing is left open. */
static int
open_refs (bool exclusive, struct brig_store *s, struct brig_refs *refs, struct brig_err *err)
{
  int r = open_store (exclusive, s, err);
  if (r == 0 && (r = brig_store_read_refs (s, refs, err)) < 0)
    brig_store_close (s);
  return r;
}

int
cmd_load (int argc, char **argv)
{
  struct image_opts o = { .max_layer = UINT64_C (16) << 30 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  struct brig_loaded *l = NULL;
  size_t n = 0;
  int optind_, r;

  if ((r = start ("brig-load", &load_help, load_options, &o, argc, argv, 0, 0, &optind_, &err))
      != 0)
    return r > 0 ? 0 : brig_fail (EXIT_FAIL, &err);
  if (!o.input == !o.oci)
    {
      brig_error (&err, 0, "load: give one of -i FILE or --oci DIR");
      return brig_fail (EXIT_FAIL, &err);
    }
  {
    struct brig_load_opts lo = { .max_layer = o.max_layer, .max_entries = 1000000, .tag = o.tag };
    if ((r = open_store (true, &s, &err)) < 0
        || (r = brig_image_load (&s, o.oci ? o.oci : o.input, o.oci != NULL, &lo, &l, &n, &err)) < 0
        || (r = brig_store_read_refs (&s, &refs, &err)) < 0)
      goto out;
  }
  for (size_t i = 0; i < n; i++)
    {
      if (!strv_contains (refs.images, l[i].digest))
        strv_push (&refs.images, xstrdup (l[i].digest));
      for (size_t k = 0; l[i].names[k]; k++)
        brig_refs_tag (&refs, l[i].names[k], l[i].digest);
    }
  if ((r = brig_store_write_refs (&s, &refs, &err)) < 0)
    goto out;
  for (size_t i = 0; i < n; i++)
    {
      if (l[i].names[0] == NULL)
        printf ("Loaded image: %s\n", l[i].digest);
      for (size_t k = 0; l[i].names[k]; k++)
        printf ("Loaded image: %s (%s)\n", l[i].names[k], l[i].digest);
    }
out:
  brig_refs_release (&refs);
  brig_loaded_free (l, n);
  brig_store_close (&s);
  return r < 0 ? brig_fail (EXIT_FAIL, &err) : 0;
}

static uint64_t
image_size (const struct brig_stored_image *img)
{
  uint64_t n = (uint64_t)img->manifest.config.size;
  for (size_t i = 0; i < img->manifest.nlayers; i++)
    n += (uint64_t)img->manifest.layers[i].size;
  return n;
}

static void
human (uint64_t n, char *buf, size_t len)
{
  static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
  double v = (double)n;
  size_t u = 0;
  while (v >= 1000 && u + 1 < ARRAY_SIZE (unit))
    v /= 1000, u++;
  snprintf (buf, len, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

static void
print_row (const struct image_opts *o, const char *name, const struct brig_stored_image *img)
{
  char size[32];
  int w = o->no_trunc ? 71 : 12;
  const char *id = img->manifest.config.digest + (o->no_trunc ? 0 : 7);

  human (image_size (img), size, sizeof size);
  printf ("%-40s %-*.*s %-*.*s %-20.19s %s\n", name, o->no_trunc ? 71 : 12, w, id,
          o->no_trunc ? 71 : 12, w, img->digest + (o->no_trunc ? 0 : 7),
          img->config.created ? img->config.created : "-", size);
}

int
cmd_images (int argc, char **argv)
{
  struct image_opts o = { 0 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  int optind_, r, status = 0;

  if ((r
       = start ("brig-images", &images_help, images_options, &o, argc, argv, 0, 0, &optind_, &err))
          != 0
      || (r = open_refs (false, &s, &refs, &err)) < 0)
    return r > 0 ? 0 : brig_fail (EXIT_FAIL, &err);
  if (!o.quiet)
    printf ("%-40s %-*s %-*s %-20s %s\n", "NAME", o.no_trunc ? 71 : 12, "IMAGE ID",
            o.no_trunc ? 71 : 12, "DIGEST", "CREATED", "SIZE");
  for (size_t i = 0; refs.images[i]; i++)
    {
      struct brig_stored_image img;
      bool tagged = false;
      if (brig_store_load_image (&s, refs.images[i], &img, &err) < 0)
        {
          fprintf (stderr, "brig: %s\n", err.msg);
          brig_err_release (&err);
          status = EXIT_FAIL;
          continue;
        }
      if (o.quiet)
        printf ("%.*s\n", o.no_trunc ? 71 : 12, img.manifest.config.digest + (o.no_trunc ? 0 : 7));
      for (size_t k = 0; k < refs.ntags && !o.quiet; k++)
        if (strcmp (refs.tags[k].digest, refs.images[i]) == 0)
          {
            print_row (&o, refs.tags[k].name, &img);
            tagged = true;
          }
      if (!tagged && !o.quiet)
        print_row (&o, "<none>", &img);
      brig_stored_image_release (&img);
    }
  brig_refs_release (&refs);
  brig_store_close (&s);
  return status;
}

static json_t *
inspect_one (struct brig_store *s, const struct brig_refs *refs, const char *digest,
             struct brig_err *err)
{
  struct brig_stored_image img;
  json_t *j, *tags = json_array (), *layers = json_array (), *diff = json_array (), *cfg;
  json_t *rdigests = json_array ();

  if (brig_store_load_image (s, digest, &img, err) < 0)
    {
      json_decref (tags);
      json_decref (rdigests);
      json_decref (layers);
      json_decref (diff);
      return NULL;
    }
  for (size_t k = 0; k < refs->ntags; k++)
    if (strcmp (refs->tags[k].digest, digest) == 0)
      json_array_append_new (tags, json_string (refs->tags[k].name));
  for (size_t k = 0; k < refs->ndigests; k++)
    if (strcmp (refs->digests[k].digest, digest) == 0)
      json_array_append_new (rdigests, json_string (refs->digests[k].name));
  for (size_t i = 0; i < img.manifest.nlayers; i++)
    {
      json_array_append_new (layers,
                             json_pack ("{s:s, s:s?, s:I}", "digest", img.manifest.layers[i].digest,
                                        "mediaType", img.manifest.layers[i].media_type, "size",
                                        (json_int_t)img.manifest.layers[i].size));
      json_array_append_new (diff, json_string (img.config.diff_ids[i]));
    }
  cfg = json_loads (img.config_json, 0, NULL);
  j = json_pack ("{s:s, s:s, s:o, s:o, s:s?, s:s?, s:s?, s:s?, s:O?, s:{s:s, s:o}, s:o, s:I}", "Id",
                 img.manifest.config.digest, "Digest", digest, "RepoTags", tags, "RepoDigests",
                 rdigests, "Created", img.config.created, "Os", img.config.os, "Architecture",
                 img.config.arch, "Variant", img.config.variant, "Config",
                 json_object_get (cfg, "config"), "RootFS", "Type", "layers", "Layers", diff,
                 "Layers", layers, "Size", (json_int_t)image_size (&img));
  json_decref (cfg);
  brig_stored_image_release (&img);
  return j;
}

int
cmd_inspect (int argc, char **argv)
{
  struct image_opts o = { 0 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  json_t *all = json_array ();
  int optind_, r, status = 0;

  if ((r = start ("brig-inspect", &inspect_help, plain_options, &o, argc, argv, 1, INT_MAX,
                  &optind_, &err))
          != 0
      || (r = open_refs (false, &s, &refs, &err)) < 0)
    {
      json_decref (all);
      return r > 0 ? 0 : brig_fail (EXIT_FAIL, &err);
    }
  for (int i = optind_; i < argc; i++)
    {
      char digest[BRIG_DIGEST_LEN];
      json_t *j = NULL;
      if (brig_store_resolve (&s, &refs, argv[i], digest, NULL, &err) < 0
          || (j = inspect_one (&s, &refs, digest, &err)) == NULL)
        {
          fprintf (stderr, "brig: %s\n", err.msg);
          brig_err_release (&err);
          status = EXIT_FAIL;
          continue;
        }
      json_array_append_new (all, j);
    }
  if (json_array_size (all))
    {
      json_dumpf (all, stdout, JSON_INDENT (2));
      putchar ('\n');
    }
  json_decref (all);
  brig_refs_release (&refs);
  brig_store_close (&s);
  return status;
}

int
cmd_tag (int argc, char **argv)
{
  struct image_opts o = { 0 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  char digest[BRIG_DIGEST_LEN];
  _cleanup_free_ char *name = NULL;
  int optind_, r;

  if ((r = start ("brig-tag", &tag_help, plain_options, &o, argc, argv, 2, 2, &optind_, &err)) != 0)
    return r > 0 ? 0 : brig_fail (EXIT_FAIL, &err);
  if ((name = brig_ref_normalize (argv[optind_ + 1], &err)) == NULL
      || (r = open_refs (true, &s, &refs, &err)) < 0
      || (r = brig_store_resolve (&s, &refs, argv[optind_], digest, NULL, &err)) < 0)
    r = -1;
  else
    {
      brig_refs_tag (&refs, name, digest);
      r = brig_store_write_refs (&s, &refs, &err);
    }
  brig_refs_release (&refs);
  brig_store_close (&s);
  return r < 0 ? brig_fail (EXIT_FAIL, &err) : 0;
}

int
cmd_rmi (int argc, char **argv)
{
  struct image_opts o = { 0 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  int optind_, r, status = 0;

  if ((r = start ("brig-rmi", &rmi_help, plain_options, &o, argc, argv, 1, INT_MAX, &optind_, &err))
          != 0
      || (r = open_refs (true, &s, &refs, &err)) < 0)
    return r > 0 ? 0 : brig_fail (EXIT_FAIL, &err);
  for (int i = optind_; i < argc; i++)
    {
      char digest[BRIG_DIGEST_LEN];
      char *tag = NULL;
      bool still = false;
      if (brig_store_resolve (&s, &refs, argv[i], digest, &tag, &err) < 0)
        {
          fprintf (stderr, "brig: %s\n", err.msg);
          brig_err_release (&err);
          status = EXIT_FAIL;
          continue;
        }
      if (tag && !strchr (argv[i], '@'))
        {
          brig_refs_untag (&refs, tag);
          printf ("Untagged: %s\n", tag);
          for (size_t k = 0; k < refs.ntags; k++)
            still |= strcmp (refs.tags[k].digest, digest) == 0;
        }
      free (tag);
      if (!still)
        {
          brig_refs_drop_image (&refs, digest);
          printf ("Deleted: %s\n", digest);
        }
    }
  if (brig_store_write_refs (&s, &refs, &err) < 0)
    status = brig_fail (EXIT_FAIL, &err);
  brig_refs_release (&refs);
  brig_store_close (&s);
  return status;
}

int
cmd_gc (int argc, char **argv)
{
  struct image_opts o = { 0 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_gc_stats st;
  char size[32];
  int optind_, r;

  if ((r = start ("brig-gc", &gc_help, plain_options, &o, argc, argv, 0, 0, &optind_, &err)) != 0)
    return r > 0 ? 0 : brig_fail (EXIT_FAIL, &err);
  if ((r = open_store (true, &s, &err)) < 0 || (r = brig_store_gc (&s, &st, &err)) < 0)
    {
      brig_store_close (&s);
      return brig_fail (EXIT_FAIL, &err);
    }
  brig_store_close (&s);
  human (st.bytes, size, sizeof size);
  printf ("Removed %zu blobs, %zu unpacked layers, %zu flat roots, %zu stale containers: %s\n",
          st.blobs, st.layers, st.flats, st.containers, size);
  return 0;
}
