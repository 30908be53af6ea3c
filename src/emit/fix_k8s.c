/* --fix for Kubernetes manifests: the securityContext settings the Pod
 * Security Standards ask for, set in the container (or the pod) the
 * finding names, at the file's indentation; what is there and wrong is
 * replaced in place; readOnly: true where a sensitive hostPath is
 * mounted writable (BRIG-R003).  hostPath volumes, sysctls, SELinux options and
 * runAsUser: 0 are left: only the manifest's author can say what to use
 * instead. */
#include "emit/fix.h"
#include "emit/yamledit.h"
#include "parse/k8s.h"
#include "util/cleanup.h"

#include <string.h>

struct kfix
{
  struct brig_yedit y;
  const struct brig_ynode *doc;
};

/* A setting found where the finding points: the pair KEY there gets
 * what the rule asks.  SUB: set under the key's mapping instead
 * (seccompProfile.type). */
static const struct
{
  const char *rule, *key, *sub, *value;
  bool remove;
} pair_fixes[] = {
  { "BRIG-K001", "privileged", NULL, "false", false },
  { "BRIG-K002", "hostNetwork", NULL, "false", false },
  { "BRIG-K002", "hostPID", NULL, "false", false },
  { "BRIG-K002", "hostIPC", NULL, "false", false },
  { "BRIG-K005", "hostPort", NULL, NULL, true },
  { "BRIG-K006", "appArmorProfile", "type", "RuntimeDefault", false },
  { "BRIG-K006", "type", NULL, "RuntimeDefault", false },
  { "BRIG-K008", "procMount", NULL, "Default", false },
  { "BRIG-K107", "procMount", NULL, "Default", false },
  { "BRIG-K009", "seccompProfile", "type", "RuntimeDefault", false },
  { "BRIG-K105", "seccompProfile", "type", "RuntimeDefault", false },
  { "BRIG-K009", "type", NULL, "RuntimeDefault", false },
  { "BRIG-K105", "type", NULL, "RuntimeDefault", false },
  { "BRIG-K011", "hostProcess", NULL, "false", false },
  { "BRIG-K012", "host", NULL, NULL, true },
  { "BRIG-K102", "allowPrivilegeEscalation", NULL, "false", false },
  { "BRIG-K103", "runAsNonRoot", NULL, "true", false },
  { "BRIG-K106", "capabilities", "drop", "ALL", false },
};

static bool
literal (const char *v)
{
  return strcmp (v, "true") == 0 || strcmp (v, "false") == 0;
}

static bool
fix_pair (struct kfix *x, const struct brig_finding *f)
{
  size_t i;
  const struct brig_ynode *map = brig_yedit_find_pair (x->doc, f->loc, &i);
  const char *key;

  if (map == NULL)
    return false;
  key = map->items[2 * i]->value;
  /* container.apparmor.security.beta.kubernetes.io/NAME: unconfined */
  if (brig_fix_is (f, "BRIG-K006")
      && str_has_prefix (key, "container.apparmor.security.beta.kubernetes.io/"))
    {
      brig_yedit_replace (&x->y, map->items[2 * i + 1], BRIG_YSTR ("runtime/default"));
      return true;
    }
  for (size_t k = 0; k < ARRAY_SIZE (pair_fixes); k++)
    {
      const char *v = pair_fixes[k].value;
      if (!brig_fix_is (f, pair_fixes[k].rule) || strcmp (key, pair_fixes[k].key) != 0)
        continue;
      if (pair_fixes[k].remove)
        brig_yedit_remove (&x->y, map, key);
      else if (pair_fixes[k].sub && strcmp (pair_fixes[k].sub, "drop") == 0)
        return brig_yedit_seq_add (&x->y, map->items[2 * i + 1], "drop", BRIG_YSTR (v));
      else if (pair_fixes[k].sub)
        {
          const struct brig_ynode *m = map->items[2 * i + 1];
          /* A profile of another type may not name a local one. */
          if (brig_yedit_get (m, "localhostProfile", NULL))
            brig_yedit_remove (&x->y, m, "localhostProfile");
          return brig_yedit_set (&x->y, m, pair_fixes[k].sub, BRIG_YSTR (v));
        }
      else
        brig_yedit_replace (&x->y, map->items[2 * i + 1],
                            literal (v) ? BRIG_YLIT (v) : BRIG_YSTR (v));
      return true;
    }
  return false;
}

/* A capability added that the level does not allow: the item goes. */
static bool
fix_cap_item (struct kfix *x, const struct brig_finding *f)
{
  const struct brig_ynode *seq = NULL, *caps = NULL, *item;
  size_t i = 0, k = 0;

  item = brig_yedit_find (x->doc, f->loc, &seq, &i);
  if (item == NULL || item->kind != BRIG_Y_SCALAR || seq == NULL || seq->kind != BRIG_Y_SEQ)
    return false;
  if (brig_yedit_find (x->doc, brig_yloc (seq), &caps, &k) != seq || caps == NULL
      || caps->kind != BRIG_Y_MAP || k % 2 == 0 || strcmp (caps->items[k - 1]->value, "add") != 0)
    return false;
  brig_yedit_seq_remove (&x->y, caps, "add", i);
  return true;
}

/* A setting missing from container C (or its pod SPEC). */
static bool
fix_missing (struct kfix *x, const struct brig_finding *f, const struct brig_ynode *spec,
             const struct brig_ynode *c)
{
  if (brig_fix_is (f, "BRIG-K102"))
    return brig_yedit_set (&x->y, c, "securityContext.allowPrivilegeEscalation",
                           BRIG_YLIT ("false"));
  if (brig_fix_is (f, "BRIG-K103"))
    return brig_yedit_set (&x->y, c, "securityContext.runAsNonRoot", BRIG_YLIT ("true"));
  if (brig_fix_is (f, "BRIG-K105"))
    return brig_yedit_set (&x->y, spec, "securityContext.seccompProfile.type",
                           BRIG_YSTR ("RuntimeDefault"));
  if (brig_fix_is (f, "BRIG-K106"))
    return brig_yedit_seq_add (&x->y, c, "securityContext.capabilities.drop", BRIG_YSTR ("ALL"));
  return false;
}

/* The hardening beyond the Pod Security Standards (BRIG-K2nn) for
 * container C: a read-only root, a memory limit, ids of 10000 and above
 * where none is set, no service account token.  An id the author set
 * low is left: files in the image may belong to it. */
static bool
fix_hardening (struct kfix *x, const struct brig_finding *f, const struct brig_ynode *spec,
               const struct brig_ynode *c)
{
  size_t i;
  const struct brig_ynode *map = brig_yedit_find_pair (x->doc, f->loc, &i);
  const char *key = map ? map->items[2 * i]->value : "";

  if (brig_fix_is (f, "BRIG-K206"))
    return brig_yedit_set (&x->y, spec, "automountServiceAccountToken", BRIG_YLIT ("false"));
  if (c == NULL)
    return false;
  if (brig_fix_is (f, "BRIG-K201"))
    return brig_yedit_set (&x->y, c, "securityContext.readOnlyRootFilesystem", BRIG_YLIT ("true"));
  if (brig_fix_is (f, "BRIG-K202") && strcmp (key, "cpu") != 0)
    return brig_yedit_set (&x->y, c, "resources.limits.memory", BRIG_YSTR (BRIG_FIX_K8S_MEMORY));
  if (brig_fix_is (f, "BRIG-K207") && strcmp (key, "runAsUser") != 0)
    return brig_yedit_set (&x->y, c, "securityContext.runAsUser", BRIG_YLIT (BRIG_FIX_UID));
  if (brig_fix_is (f, "BRIG-K208") && strcmp (key, "runAsGroup") != 0)
    return brig_yedit_set (&x->y, c, "securityContext.runAsGroup", BRIG_YLIT (BRIG_FIX_UID));
  return false;
}

/* BRIG-R003 at a hostPath volume's path: readOnly: true in every
 * volumeMounts entry of it that is not read-only. */
static bool
fix_writable_host_path (struct kfix *x, const struct brig_workload *w, const struct brig_finding *f)
{
  bool done = false;

  for (size_t i = 0; i < w->nvolumes; i++)
    {
      if (!w->volumes[i].host_path.set || !brig_loc_eq (w->volumes[i].host_path.loc, f->loc))
        continue;
      BRIG_EACH_CONTAINER (w, c)
      for (size_t k = 0; k < c->nmounts; k++)
        {
          const struct brig_wvmount *m = &c->mounts[k];
          const struct brig_ynode *node;
          if (strcmp (m->name.s, w->volumes[i].name) != 0 || brig_wtrue (&m->read_only))
            continue;
          node = brig_yedit_find (x->doc, m->loc, NULL, NULL);
          if (node && node->kind == BRIG_Y_MAP)
            done |= brig_yedit_set (&x->y, node, "readOnly", BRIG_YLIT ("true"));
        }
    }
  return done;
}

static int
fix_workload (struct kfix *x, const struct brig_workload *w, const struct brig_finding *f, size_t n)
{
  const struct brig_ynode *spec = brig_yedit_find (x->doc, w->spec_loc, NULL, NULL);
  int fixed = 0;

  for (size_t i = 0; i < n; i++)
    {
      const struct brig_ynode *c = NULL;
      bool done = false;

      if (!brig_loc_within (w->loc, f[i].loc))
        continue;
      if (str_has_prefix (f[i].rule->id, "BRIG-K2"))
        {
          /* The container the finding is in (at its securityContext,
           * its resources, or itself). */
          for (size_t k = 0; k < w->ncontainers && c == NULL; k++)
            if (brig_loc_within (w->containers[k].loc, f[i].loc))
              c = brig_yedit_find (x->doc, w->containers[k].loc, NULL, NULL);
          fixed += fix_hardening (x, &f[i], spec, c && c->kind == BRIG_Y_MAP ? c : NULL);
          continue;
        }
      for (size_t k = 0; k < w->ncontainers && c == NULL; k++)
        if (brig_loc_eq (w->containers[k].loc, f[i].loc))
          c = brig_yedit_find (x->doc, w->containers[k].loc, NULL, NULL);
      if (brig_fix_is (&f[i], "BRIG-R003"))
        done = fix_writable_host_path (x, w, &f[i]);
      else if (c && c->kind == BRIG_Y_MAP)
        done = fix_missing (x, &f[i], spec, c);
      else if ((brig_fix_is (&f[i], "BRIG-K004") || brig_fix_is (&f[i], "BRIG-K106"))
               && fix_cap_item (x, &f[i]))
        done = true;
      else
        done = fix_pair (x, &f[i]);
      fixed += done;
    }
  return fixed;
}

int
brig_fix_k8s (struct brig_edits *e, const char *file, const struct brig_finding *f, size_t n,
              struct brig_err *err)
{
  struct brig_yaml *yaml = NULL;
  int fixed = 0;

  if (brig_yaml_load (e->buf, e->len, file, &yaml, err) < 0)
    return -1;
  for (size_t d = 0; d < brig_yaml_ndocs (yaml); d++)
    {
      struct kfix x = { .doc = brig_yaml_doc (yaml, d) };
      struct brig_workload *w = NULL;
      size_t nw = 0;

      if (x.doc == NULL || !brig_k8s_detect_doc (x.doc))
        continue;
      if (brig_parse_k8s_doc (x.doc, file, &w, &nw, err) < 0)
        {
          brig_yaml_free (yaml);
          return -1;
        }
      brig_yedit_init (&x.y, e, x.doc);
      for (size_t i = 0; i < nw; i++)
        fixed += fix_workload (&x, &w[i], f, n);
      brig_yedit_flush (&x.y);
      brig_workloads_free (w, nw);
    }
  brig_yaml_free (yaml);
  return fixed;
}
