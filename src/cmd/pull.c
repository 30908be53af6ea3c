/* brig pull: an image from a registry into the local store
 * (src/image/registry.h).  Only this file prints. */
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "image/registry.h"
#include "image/store.h"
#include "parse/units.h"
#include "util/cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_FAIL 125
#define DEFAULT_CERTS_D "/etc/brig/certs.d"

struct pull_opts
{
  bool help, help_man, quiet;
  const char *creds, *certs_dir, *auth_file;
  char **insecure;
  long timeout;
  uint64_t max_layer;
};

BRIG_OPT_FLAG (set_help, struct pull_opts, help)
BRIG_OPT_FLAG (set_help_man, struct pull_opts, help_man)
BRIG_OPT_FLAG (set_quiet, struct pull_opts, quiet)
BRIG_OPT_STRING (set_certs_dir, struct pull_opts, certs_dir)
BRIG_OPT_STRING (set_auth_file, struct pull_opts, auth_file)

static int
set_creds (void *ctx, const char *arg, struct brig_err *err)
{
  if (strchr (arg, ':') == NULL || arg[0] == ':')
    return brig_error (err, 0, "`--creds`: expected USER:PASSWORD");
  ((struct pull_opts *)ctx)->creds = arg;
  return 0;
}

static int
set_insecure (void *ctx, const char *arg, struct brig_err *err)
{
  struct pull_opts *o = ctx;

  if (*arg == '\0' || strpbrk (arg, "/ @") || strstr (arg, "://"))
    return brig_error (err, 0, "`%s`: expected HOST[:PORT] (no scheme, no path)", arg);
  strv_push (&o->insecure, xstrdup (arg));
  return 0;
}

static int
set_timeout (void *ctx, const char *arg, struct brig_err *err)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (arg, &end, 10);
  if (errno || end == arg || *end || v < 1 || v > 3600)
    return brig_error (err, 0, "`%s`: expected seconds, 1 to 3600", arg);
  ((struct pull_opts *)ctx)->timeout = v;
  return 0;
}

static int
set_max_layer (void *ctx, const char *arg, struct brig_err *err)
{
  return brig_max_layer_arg (arg, &((struct pull_opts *)ctx)->max_layer, err);
}

static const struct brig_opt pull_options[] = {
  { 0, "creds", "USER:PASSWORD",
    "credentials for the registry (default: its entry in $BRIG_AUTH_FILE or "
    "~/.docker/config.json, as `docker login` writes it)",
    set_creds },
  { 0, "auth-file", "FILE",
    "a Docker config.json whose \"auths\" give credentials (default $BRIG_AUTH_FILE, else "
    "~/.docker/config.json)",
    set_auth_file },
  { 0, "insecure-registry", "HOST[:PORT]",
    "allow this registry over plain HTTP or unverified TLS (repeatable); no other is",
    set_insecure },
  { 0, "certs-dir", "DIR",
    "CA certificates per registry as DIR/HOST[:PORT]/ca.crt (default $BRIG_CERTS_D, else "
    "/etc/brig/certs.d)",
    set_certs_dir },
  { 0, "timeout", "SECONDS", "give up on a registry that sends nothing for this long (default 60)",
    set_timeout },
  { 0, "max-layer-size", "BYTES",
    "refuse a layer larger than BYTES once decompressed (default 16g)", set_max_layer },
  { 'q', "quiet", NULL, "print only the image's digest", set_quiet },
  { 'h', "help", NULL, "show this help", set_help },
  { 0, "help-man", NULL, NULL, set_help_man },
  { 0, NULL, NULL, NULL, NULL },
};

static const struct brig_cmd_help pull_help = {
  "brig pull [OPTIONS] [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST]",
  "Pull an image from a registry (distribution API v2) into brig's local store.",
  "NAME without a host is on docker.io, as with docker pull.  HTTPS is verified against\n"
  "the system's CA store, or HOST[:PORT]/ca.crt of the certs directory; plain HTTP and\n"
  "unverified TLS only for a --insecure-registry.  An index gives this machine's\n"
  "platform.  Every blob is checked against its digest as it streams into the store;\n"
  "blobs the store has are not fetched again; each new layer is read once against its\n"
  "diff_id.  On failure nothing of the pull is kept.  Prints the digest the reference\n"
  "resolved to and the image's manifest digest.",
};

static char *
default_auth_file (void)
{
  const char *e = getenv ("BRIG_AUTH_FILE"), *home = getenv ("HOME");

  if (e && *e)
    return xstrdup (e);
  return home && *home ? xasprintf ("%s/.docker/config.json", home) : NULL;
}

int
cmd_pull (int argc, char **argv)
{
  struct pull_opts o = { .timeout = 60, .max_layer = UINT64_C (16) << 30 };
  struct brig_err err = { 0 };
  struct brig_store s = { NULL, -1, -1 };
  struct brig_refs refs = { 0 };
  struct brig_pulled p = { 0 };
  _cleanup_free_ char *auth = NULL, *root = NULL;
  int optind_, r;

  if ((r = brig_opt_parse (pull_options, &o, argc, argv, &optind_, &err)) < 0)
    goto out;
  if (o.help_man || o.help)
    {
      if (o.help_man)
        brig_opt_man_page (stdout, "brig-pull", &pull_help, pull_options);
      else
        brig_opt_help (stdout, &pull_help, pull_options);
      strv_free (o.insecure);
      return 0;
    }
  if (argc - optind_ != 1)
    {
      r = brig_error (&err, 0, "%s (usage: %s)",
                      argc - optind_ < 1 ? "no image given" : "one image at a time",
                      pull_help.usage);
      goto out;
    }
  auth = o.auth_file ? xstrdup (o.auth_file) : default_auth_file ();
  {
    const char *cd = getenv ("BRIG_CERTS_D");
    struct brig_pull_opts po = {
      .creds = o.creds,
      .auth_file = auth,
      .certs_dir = o.certs_dir ? o.certs_dir
                   : cd && *cd ? cd
                               : DEFAULT_CERTS_D,
      .insecure = o.insecure,
      .timeout = o.timeout,
      .load = { .max_layer = o.max_layer, .max_entries = 1000000 },
    };
    root = brig_store_root ();
    if ((r = brig_store_open (root, true, &s, &err)) < 0
        || (r = brig_image_pull (&s, argv[optind_], &po, &p, &err)) < 0
        || (r = brig_store_read_refs (&s, &refs, &err)) < 0)
      goto out;
  }
  if (!strv_contains (refs.images, p.digest))
    strv_push (&refs.images, xstrdup (p.digest));
  if (p.name)
    brig_refs_tag (&refs, p.name, p.digest);
  if (strcmp (p.resolved, p.digest) != 0)
    brig_refs_add_digest (&refs, p.repo, p.resolved, p.digest);
  if ((r = brig_store_write_refs (&s, &refs, &err)) < 0)
    goto out;
  if (o.quiet)
    printf ("%s\n", p.digest);
  else
    {
      printf ("Digest: %s\n", p.resolved);
      printf ("Pulled image: %s (%s; %" PRIu64 " blobs fetched, %" PRIu64 " already here)\n",
              p.name ? p.name : argv[optind_], p.digest, p.fetched, p.reused);
    }
out:
  strv_free (o.insecure);
  brig_pulled_release (&p);
  brig_refs_release (&refs);
  brig_store_close (&s);
  return r < 0 ? brig_fail (EXIT_FAIL, &err) : 0;
}
