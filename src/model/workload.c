#include "model/workload.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
sec_release (struct brig_wsec *s)
{
  free (s->cap_add.v);
  free (s->cap_drop.v);
}

void
brig_wdocker_release (struct brig_wdocker *d)
{
  struct brig_wlist *lists[] = { &d->cap_add, &d->cap_drop, &d->devices, &d->device_cgroup_rules,
                                 &d->tmpfs,   &d->profiles, &d->ulimits };
  for (size_t i = 0; i < ARRAY_SIZE (lists); i++)
    free (lists[i]->v);
  free (d->ports);
  free (d->mounts);
  memset (d, 0, sizeof *d);
}

void
brig_workload_free (struct brig_workload *w)
{
  if (w == NULL)
    return;
  sec_release (&w->sec);
  free (w->sysctls.v);
  free (w->annotations);
  free (w->obj_annotations);
  free (w->volumes);
  for (size_t i = 0; i < w->ncontainers; i++)
    {
      sec_release (&w->containers[i].sec);
      free (w->containers[i].host_ports.v);
      free (w->containers[i].probe_hosts.v);
      free (w->containers[i].mounts);
    }
  free (w->containers);
  brig_wdocker_release (&w->docker);
  strv_free (w->strs);
  memset (w, 0, sizeof *w);
}

void
brig_workloads_free (struct brig_workload *w, size_t n)
{
  for (size_t i = 0; i < n; i++)
    brig_workload_free (&w[i]);
  free (w);
}

void
brig_wlist_push (struct brig_wlist *l, struct brig_wval v)
{
  l->v = xreallocarray (l->v, l->n + 1, sizeof *l->v);
  l->v[l->n++] = v;
}

bool
brig_wtrue (const struct brig_wval *v)
{
  return v->set && v->s && strcmp (v->s, "true") == 0;
}

bool
brig_wfalse (const struct brig_wval *v)
{
  return v->set && v->s && strcmp (v->s, "false") == 0;
}

/* S[0..N) into DST (SIZE bytes), cut to fit, as snprintf "%.*s" would:
 * the rules parse every base image reference several times. */
static void
copy_cut (char *dst, size_t size, const char *s, size_t n)
{
  if (n >= size)
    n = size - 1;
  memcpy (dst, s, n);
  dst[n] = '\0';
}

void
brig_image_ref_parse (const char *s, struct brig_image_ref *r)
{
  const char *at = strchr (s, '@'), *end = at ? at : s + strlen (s), *slash, *colon;

  memset (r, 0, sizeof *r);
  r->digest = at != NULL;
  /* A colon before the last slash is a registry's port, not a tag. */
  slash = memrchr (s, '/', (size_t)(end - s));
  colon = memrchr (slash ? slash : s, ':', (size_t)(end - (slash ? slash : s)));
  if (colon)
    {
      copy_cut (r->tag, sizeof r->tag, colon + 1, (size_t)(end - colon - 1));
      end = colon;
    }
  copy_cut (r->name, sizeof r->name, s, (size_t)(end - s));
  r->pin = r->digest                        ? BRIG_REF_DIGEST
           : r->tag[0] == '\0'              ? BRIG_REF_UNTAGGED
           : strcmp (r->tag, "latest") == 0 ? BRIG_REF_LATEST
                                            : BRIG_REF_TAG;
}

bool
brig_loc_within (struct brig_loc in, struct brig_loc l)
{
  if (l.line < in.line || (l.line == in.line && l.col < in.col))
    return false;
  return l.line < in.end_line || (l.line == in.end_line && l.col < in.end_col);
}

bool
brig_loc_eq (struct brig_loc a, struct brig_loc b)
{
  return a.line == b.line && a.col == b.col && a.end_line == b.end_line && a.end_col == b.end_col;
}

bool
brig_wdocker_has_tmpfs (const struct brig_wdocker *d, const char *path)
{
  size_t n = strlen (path);

  for (size_t i = 0; i < d->tmpfs.n; i++)
    if (strncmp (d->tmpfs.v[i].s, path, n) == 0
        && (d->tmpfs.v[i].s[n] == '\0' || d->tmpfs.v[i].s[n] == ':'))
      return true;
  return false;
}
