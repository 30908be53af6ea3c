/* Image JSON documents (manifest.h). */
#include "image/manifest.h"
#include "image/digest.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <string.h>
#include <sys/utsname.h>

static int
load (const char *buf, size_t len, const char *name, json_t **ret, struct brig_err *err)
{
  json_error_t je;
  json_t *j = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &je);

  if (j == NULL)
    return brig_error (err, 0, "%s: invalid JSON at line %d: %s", name, je.line, je.text);
  if (!json_is_object (j))
    {
      json_decref (j);
      return brig_error (err, 0, "%s: expected a JSON object", name);
    }
  *ret = j;
  return 0;
}

/* An optional string member; a value of another type is an error. */
static int
opt_str (json_t *o, const char *key, const char *name, char **ret, struct brig_err *err)
{
  json_t *v = json_object_get (o, key);

  *ret = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_string (v))
    return brig_error (err, 0, "%s: `%s` must be a string", name, key);
  *ret = xstrndup (json_string_value (v), json_string_length (v));
  return 0;
}

/* An optional array of strings; *RET NULL when absent or null. */
static int
opt_strv (json_t *o, const char *key, const char *name, char ***ret, struct brig_err *err)
{
  json_t *v = json_object_get (o, key), *x;
  size_t i;

  *ret = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_array (v))
    return brig_error (err, 0, "%s: `%s` must be an array of strings", name, key);
  *ret = xcalloc (1, sizeof (char *));
  json_array_foreach (v, i, x)
  {
    if (!json_is_string (x))
      {
        strv_free (*ret);
        *ret = NULL;
        return brig_error (err, 0, "%s: `%s` must be an array of strings", name, key);
      }
    strv_push (ret, xstrndup (json_string_value (x), json_string_length (x)));
  }
  return 0;
}

static int
parse_descriptor (json_t *o, const char *name, struct brig_descriptor *d, struct brig_err *err)
{
  json_t *size, *plat, *ann;
  const char *hex;
  int r;

  memset (d, 0, sizeof *d);
  if (!json_is_object (o))
    return brig_error (err, 0, "%s: a descriptor must be an object", name);
  if ((r = opt_str (o, "mediaType", name, &d->media_type, err)) < 0
      || (r = opt_str (o, "digest", name, &d->digest, err)) < 0)
    goto fail;
  if (d->digest == NULL)
    {
      r = brig_error (err, 0, "%s: a descriptor without a digest", name);
      goto fail;
    }
  if ((r = brig_digest_hex (d->digest, name, &hex, err)) < 0)
    goto fail;
  size = json_object_get (o, "size");
  if (!json_is_integer (size) || json_integer_value (size) < 0)
    {
      r = brig_error (err, 0, "%s: descriptor %s has no valid size", name, d->digest);
      goto fail;
    }
  d->size = json_integer_value (size);
  plat = json_object_get (o, "platform");
  if (json_is_object (plat)
      && ((r = opt_str (plat, "os", name, &d->os, err)) < 0
          || (r = opt_str (plat, "architecture", name, &d->arch, err)) < 0
          || (r = opt_str (plat, "variant", name, &d->variant, err)) < 0))
    goto fail;
  ann = json_object_get (o, "annotations");
  if (json_is_object (ann)
      && ((r = opt_str (ann, "org.opencontainers.image.ref.name", name, &d->ref_name, err)) < 0
          || (r = opt_str (ann, "io.containerd.image.name", name, &d->image_name, err)) < 0))
    goto fail;
  return 0;
fail:
  brig_descriptor_release (d);
  return r;
}

static const char *const index_types[] = {
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
};
static const char *const manifest_types[] = {
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
};
static const char *const layer_types[] = {
  "application/vnd.oci.image.layer.v1.tar",
  "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd",
  "application/vnd.docker.image.rootfs.diff.tar.gzip",
  "application/vnd.docker.image.rootfs.diff.tar",
};

static bool
in_table (const char *s, const char *const *t, size_t n)
{
  for (size_t i = 0; s && i < n; i++)
    if (strcmp (s, t[i]) == 0)
      return true;
  return false;
}

bool
brig_media_is_layer (const char *media_type)
{
  return in_table (media_type, layer_types, ARRAY_SIZE (layer_types));
}

int
brig_doc_kind (const char *buf, size_t len, const char *name, enum brig_doc_kind *ret,
               struct brig_err *err)
{
  json_t *j;
  const char *mt;
  int r;

  if ((r = load (buf, len, name, &j, err)) < 0)
    return r;
  mt = json_string_value (json_object_get (j, "mediaType"));
  if (in_table (mt, index_types, ARRAY_SIZE (index_types))
      || (mt == NULL && json_is_array (json_object_get (j, "manifests"))))
    *ret = BRIG_DOC_INDEX;
  else if (in_table (mt, manifest_types, ARRAY_SIZE (manifest_types))
           || (mt == NULL && json_is_object (json_object_get (j, "config"))))
    *ret = BRIG_DOC_MANIFEST;
  else
    r = brig_error (err, 0, "%s: media type `%s` is neither an image index nor a manifest", name,
                    mt ? mt : "(none)");
  json_decref (j);
  return r;
}

int
brig_parse_index (const char *buf, size_t len, const char *name, struct brig_index *ret,
                  struct brig_err *err)
{
  json_t *j, *m, *x;
  size_t i;
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = load (buf, len, name, &j, err)) < 0)
    return r;
  m = json_object_get (j, "manifests");
  if (!json_is_array (m))
    {
      json_decref (j);
      return brig_error (err, 0, "%s: `manifests` must be an array", name);
    }
  ret->v = xcalloc (json_array_size (m) + 1, sizeof *ret->v);
  json_array_foreach (m, i, x)
  {
    if ((r = parse_descriptor (x, name, &ret->v[i], err)) < 0)
      break;
    ret->n++;
  }
  json_decref (j);
  if (r < 0)
    brig_index_release (ret);
  return r;
}

int
brig_parse_manifest (const char *buf, size_t len, const char *name, struct brig_manifest *ret,
                     struct brig_err *err)
{
  json_t *j, *l, *x;
  size_t i;
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = load (buf, len, name, &j, err)) < 0)
    return r;
  l = json_object_get (j, "layers");
  if (json_integer_value (json_object_get (j, "schemaVersion")) != 2)
    r = brig_error (err, 0, "%s: expected schemaVersion 2", name);
  else if (!json_is_array (l))
    r = brig_error (err, 0, "%s: `layers` must be an array", name);
  else if ((r = parse_descriptor (json_object_get (j, "config"), name, &ret->config, err)) == 0)
    {
      ret->layers = xcalloc (json_array_size (l) + 1, sizeof *ret->layers);
      json_array_foreach (l, i, x)
      {
        if ((r = parse_descriptor (x, name, &ret->layers[i], err)) < 0)
          break;
        ret->nlayers++;
        if (!brig_media_is_layer (ret->layers[i].media_type))
          {
            r = brig_error (err, 0,
                            "%s: layer %s has media type `%s`, which brig cannot unpack "
                            "(expected a tar, tar+gzip or tar+zstd layer)",
                            name, ret->layers[i].digest,
                            ret->layers[i].media_type ? ret->layers[i].media_type : "(none)");
            break;
          }
      }
    }
  json_decref (j);
  if (r < 0)
    brig_manifest_release (ret);
  return r;
}

int
brig_parse_image_config (const char *buf, size_t len, const char *name,
                         struct brig_image_config *ret, struct brig_err *err)
{
  json_t *j, *c, *rootfs, *ids, *x, *ports, *vols, *hc, *labels;
  const char *key, *hex;
  size_t i;
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = load (buf, len, name, &j, err)) < 0)
    return r;
  if ((r = opt_str (j, "os", name, &ret->os, err)) < 0
      || (r = opt_str (j, "architecture", name, &ret->arch, err)) < 0
      || (r = opt_str (j, "variant", name, &ret->variant, err)) < 0
      || (r = opt_str (j, "created", name, &ret->created, err)) < 0)
    goto out;
  c = json_object_get (j, "config");
  if (json_is_object (c))
    {
      if ((r = opt_strv (c, "Entrypoint", name, &ret->entrypoint, err)) < 0
          || (r = opt_strv (c, "Cmd", name, &ret->cmd, err)) < 0
          || (r = opt_strv (c, "Env", name, &ret->env, err)) < 0
          || (r = opt_str (c, "WorkingDir", name, &ret->workdir, err)) < 0
          || (r = opt_str (c, "User", name, &ret->user, err)) < 0)
        goto out;
      ports = json_object_get (c, "ExposedPorts");
      if (json_is_object (ports))
        json_object_foreach (ports, key, x) strv_push (&ret->exposed_ports, xstrdup (key));
      vols = json_object_get (c, "Volumes");
      if (json_is_object (vols))
        json_object_foreach (vols, key, x) strv_push (&ret->volumes, xstrdup (key));
      hc = json_object_get (c, "Healthcheck");
      if (json_is_object (hc) && (r = opt_strv (hc, "Test", name, &ret->healthcheck, err)) < 0)
        goto out;
      labels = json_object_get (c, "Labels");
      if (json_is_object (labels))
        json_object_foreach (labels, key, x) if (json_is_string (x))
            strv_push (&ret->labels, xasprintf ("%s=%s", key, json_string_value (x)));
    }
  else if (c && !json_is_null (c))
    {
      r = brig_error (err, 0, "%s: `config` must be an object", name);
      goto out;
    }
  rootfs = json_object_get (j, "rootfs");
  ids = json_object_get (rootfs, "diff_ids");
  if (!json_is_array (ids))
    {
      r = brig_error (err, 0, "%s: `rootfs.diff_ids` must be an array", name);
      goto out;
    }
  ret->diff_ids = xcalloc (json_array_size (ids) + 1, sizeof (char *));
  json_array_foreach (ids, i, x)
  {
    if ((r = brig_digest_hex (json_string_value (x), name, &hex, err)) < 0)
      goto out;
    ret->diff_ids[ret->ndiff_ids++] = xstrdup (json_string_value (x));
  }
out:
  json_decref (j);
  if (r < 0)
    brig_image_config_release (ret);
  return r;
}

int
brig_parse_docker_manifest (const char *buf, size_t len, const char *name,
                            struct brig_docker_entry **ret, size_t *ret_n, struct brig_err *err)
{
  json_error_t je;
  json_t *j = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &je), *x;
  struct brig_docker_entry *v = NULL;
  size_t i, n = 0;
  int r = 0;

  if (j == NULL)
    return brig_error (err, 0, "%s: invalid JSON at line %d: %s", name, je.line, je.text);
  if (!json_is_array (j) || json_array_size (j) == 0)
    {
      json_decref (j);
      return brig_error (err, 0, "%s: expected an array of images", name);
    }
  v = xcalloc (json_array_size (j), sizeof *v);
  json_array_foreach (j, i, x)
  {
    struct brig_docker_entry *e = &v[n++];
    if (!json_is_object (x))
      {
        r = brig_error (err, 0, "%s: image %zu is not an object", name, i);
        break;
      }
    if ((r = opt_str (x, "Config", name, &e->config, err)) < 0
        || (r = opt_strv (x, "RepoTags", name, &e->repo_tags, err)) < 0
        || (r = opt_strv (x, "Layers", name, &e->layers, err)) < 0)
      break;
    if (e->config == NULL || e->layers == NULL)
      {
        r = brig_error (err, 0, "%s: image %zu lacks `Config` or `Layers`", name, i);
        break;
      }
    e->nlayers = strv_len (e->layers);
  }
  json_decref (j);
  if (r < 0)
    {
      brig_docker_entries_free (v, n);
      return r;
    }
  *ret = v;
  *ret_n = n;
  return 0;
}

void
brig_host_platform (const char **ret_arch, const char **ret_variant)
{
  static const struct
  {
    const char *machine, *arch, *variant;
  } map[] = {
    { "x86_64", "amd64", NULL },    { "aarch64", "arm64", NULL }, { "armv7l", "arm", "v7" },
    { "armv6l", "arm", "v6" },      { "i686", "386", NULL },      { "i386", "386", NULL },
    { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },   { "riscv64", "riscv64", NULL },
  };
  static struct utsname u;

  *ret_variant = NULL;
  if (uname (&u) == 0)
    for (size_t i = 0; i < ARRAY_SIZE (map); i++)
      if (strcmp (u.machine, map[i].machine) == 0)
        {
          *ret_arch = map[i].arch;
          *ret_variant = map[i].variant;
          return;
        }
  *ret_arch = u.machine;
}

int
brig_index_pick (const struct brig_index *idx, const char *os, const char *arch,
                 const char *variant, char **ret_seen)
{
  int any = -1;

  *ret_seen = NULL;
  for (size_t i = 0; i < idx->n; i++)
    {
      const struct brig_descriptor *d = &idx->v[i];
      if (d->os == NULL && d->arch == NULL)
        {
          if (any < 0)
            any = (int)i;
          continue;
        }
      if (d->os && d->arch && strcmp (d->os, os) == 0 && strcmp (d->arch, arch) == 0
          && (variant == NULL || d->variant == NULL || strcmp (d->variant, variant) == 0))
        {
          free (*ret_seen);
          *ret_seen = NULL;
          return (int)i;
        }
      {
        _cleanup_free_ char *p
            = xasprintf ("%s/%s%s%s", d->os ? d->os : "?", d->arch ? d->arch : "?",
                         d->variant ? "/" : "", d->variant ? d->variant : "");
        str_append (ret_seen, ", ", p);
      }
    }
  if (any >= 0)
    {
      free (*ret_seen);
      *ret_seen = NULL;
    }
  return any;
}

static json_t *
descriptor_json (const struct brig_descriptor *d)
{
  return json_pack ("{s:s?, s:s, s:I}", "mediaType", d->media_type, "digest", d->digest, "size",
                    (json_int_t)d->size);
}

char *
brig_manifest_json (const struct brig_manifest *m)
{
  json_t *layers = json_array (), *j;
  char *s;

  for (size_t i = 0; i < m->nlayers; i++)
    json_array_append_new (layers, descriptor_json (&m->layers[i]));
  j = json_pack ("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType",
                 "application/vnd.oci.image.manifest.v1+json", "config",
                 descriptor_json (&m->config), "layers", layers);
  s = json_dumps (j, JSON_COMPACT);
  json_decref (j);
  if (s == NULL)
    abort ();
  return s;
}

void
brig_descriptor_release (struct brig_descriptor *d)
{
  free (d->media_type);
  free (d->digest);
  free (d->os);
  free (d->arch);
  free (d->variant);
  free (d->ref_name);
  free (d->image_name);
  memset (d, 0, sizeof *d);
}

void
brig_index_release (struct brig_index *idx)
{
  for (size_t i = 0; i < idx->n; i++)
    brig_descriptor_release (&idx->v[i]);
  free (idx->v);
  memset (idx, 0, sizeof *idx);
}

void
brig_manifest_release (struct brig_manifest *m)
{
  brig_descriptor_release (&m->config);
  for (size_t i = 0; i < m->nlayers; i++)
    brig_descriptor_release (&m->layers[i]);
  free (m->layers);
  memset (m, 0, sizeof *m);
}

void
brig_image_config_release (struct brig_image_config *c)
{
  free (c->os);
  free (c->arch);
  free (c->variant);
  free (c->created);
  strv_free (c->entrypoint);
  strv_free (c->cmd);
  strv_free (c->env);
  free (c->workdir);
  free (c->user);
  strv_free (c->exposed_ports);
  strv_free (c->volumes);
  strv_free (c->healthcheck);
  strv_free (c->labels);
  strv_free (c->diff_ids);
  memset (c, 0, sizeof *c);
}

void
brig_docker_entries_free (struct brig_docker_entry *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].config);
      strv_free (v[i].repo_tags);
      strv_free (v[i].layers);
    }
  free (v);
}
