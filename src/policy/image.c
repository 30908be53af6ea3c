/* The Dockerfile rules, one per check, as data (the table at the end).
 * Each reads the image model: what the final image is (its user, ports,
 * health check, base: the final stage and the stages it builds on), and what
 * every stage's build does (its base images, ADD, ENV, ARG and RUN
 * commands).  Rules about the final image (what it runs as, offers and
 * holds, what its RUNs leave in its layers: recommends, apt lists, apk's
 * cache) read only the final stage's chain; rules about how the build
 * fetches and installs read every stage. */
#include "policy/image.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first bytes first: most words differ there, and this is the
 * rules' inner loop (every command against every word list). */
static inline bool
streq (const char *a, const char *b)
{
  return a[0] == b[0] && (a[0] == '\0' || (a[1] == b[1] && strcmp (a + 1, b + 1) == 0));
}

static inline bool
in_list (const char *s, const char *const *list)
{
  for (; *list; list++)
    if (streq (s, *list))
      return true;
  return false;
}

static const char *
base_name (const char *s)
{
  const char *b = strrchr (s, '/');
  return b ? b + 1 : s;
}

/* --- the final image ------------------------------------------------------- */

/* Which stages make up the final image: a mask the caller frees. */
static bool *
final_mask (const struct brig_image *img)
{
  bool *m = xcalloc (img->nstages, sizeof *m);

  for (const struct brig_istage *s = brig_image_final (img); s; s = brig_image_parent (img, s))
    m[s - img->stages] = true;
  return m;
}

enum what
{
  HAS_USER,
  HAS_HEALTHCHECK,
};

/* The first stage along the final chain (final first) that has WHAT. */
static const struct brig_istage *
chain_find (const struct brig_image *img, enum what what)
{
  for (const struct brig_istage *s = brig_image_final (img); s; s = brig_image_parent (img, s))
    if (what == HAS_USER ? s->has_user : s->has_healthcheck)
      return s;
  return NULL;
}

/* An image reference split: name (registry/path), tag, digest. */
static bool
is_scratch (const char *s)
{
  return strcasecmp (s, "scratch") == 0;
}

/* Images that run as a non-root user unless told otherwise. */
static bool
nonroot_base (const char *s)
{
  struct brig_image_ref r;

  brig_image_ref_parse (s, &r);
  return strstr (r.tag, "nonroot") || strncmp (r.name, "cgr.dev/chainguard/", 19) == 0
         || strcasestr (s, "nanoserver");
}

/* Bases with no shell: scratch, distroless (not :debug), Chainguard's
 * images (not -dev, not the ones that are a shell). */
static bool
minimal_base (const char *s)
{
  static const char *const chainguard_shells[]
      = { "wolfi-base", "busybox", "bash", "alpine-base", "chainguard-base", NULL };
  struct brig_image_ref r;

  if (is_scratch (s))
    return true;
  brig_image_ref_parse (s, &r);
  if (strstr (r.name, "distroless"))
    return strstr (r.tag, "debug") == NULL;
  if (strncmp (r.name, "cgr.dev/chainguard/", 19) == 0)
    return strstr (r.tag, "dev") == NULL && !in_list (base_name (r.name), chainguard_shells);
  return false;
}

static void
check_user_root (const struct brig_image *img, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  const struct brig_istage *s = chain_find (img, HAS_USER);

  if (s && s->user_resolved && brig_user_is_root (s->user.s))
    brig_findings_add (f, r, img->file, s->user.loc, "the final image runs as %s (USER %s)",
                       strncasecmp (s->user.s, "Container", 9) == 0 ? "the administrator" : "root",
                       s->user.s);
}

static void
check_user_missing (const struct brig_image *img, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  const struct brig_istage *fin = brig_image_final (img), *root = brig_image_root (img, fin);

  if (chain_find (img, HAS_USER))
    return;
  if (root->base_resolved && nonroot_base (root->base.s))
    return;
  brig_findings_add (f, r, img->file, fin->loc,
                     "no USER in the final stage: it runs as the user of %s, root unless that "
                     "image sets another",
                     root->base.s);
}

/* --- base images ----------------------------------------------------------- */

/* What an ONBUILD trigger's finding says after its message. */
#define ONBUILD_NOTE " (ONBUILD: done in the build of every image FROM this one)"

/* An image the build pulls, resolved and not scratch: a stage's base
 * (FROM), or an image COPY or ADD --from= takes files from.  Both are
 * judged alike; the stages' bases come first. */
struct pulled
{
  size_t i, k;                   /* the walk: stage I, its Kth copy once COPIES */
  bool copies;                   /* past the bases */
  const struct brig_iword *w;    /* the reference */
  const struct brig_icopy *copy; /* its COPY or ADD; NULL: a FROM */
  struct brig_image_ref ref;     /* W split */
};

static bool
next_pulled (const struct brig_image *img, struct pulled *p)
{
  for (;;)
    {
      const struct brig_istage *s;

      if (p->i == img->nstages)
        {
          if (p->copies)
            return false;
          *p = (struct pulled){ .copies = true };
          continue;
        }
      s = &img->stages[p->i];
      if (!p->copies)
        {
          p->i++;
          if (s->parent < 0 && s->base_resolved && !is_scratch (s->base.s))
            {
              p->w = &s->base;
              p->copy = NULL;
              break;
            }
        }
      else if (p->k < s->ncopies)
        {
          const struct brig_icopy *c = &s->copies[p->k++];
          if (c->from_image.s && c->from_image_resolved && !is_scratch (c->from_image.s))
            {
              p->w = &c->from_image;
              p->copy = c;
              break;
            }
        }
      else
        p->i++, p->k = 0;
    }
  brig_image_ref_parse (p->w->s, &p->ref);
  return true;
}

static void
check_base_latest (const struct brig_image *img, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  for (struct pulled p = { 0 }; next_pulled (img, &p);)
    {
      const char *s = p.w->s;

      if (p.ref.pin != BRIG_REF_UNTAGGED && p.ref.pin != BRIG_REF_LATEST)
        continue;
      if (p.copy)
        brig_findings_add (f, r, img->file, p.w->loc,
                           "%s --from=%s takes files from %s, whatever that is today%s",
                           p.copy->add ? "ADD" : "COPY", s,
                           p.ref.tag[0] ? "the image's latest" : "an image without a tag (latest)",
                           p.copy->onbuild ? ONBUILD_NOTE : "");
      else if (p.ref.pin == BRIG_REF_UNTAGGED)
        brig_findings_add (f, r, img->file, p.w->loc,
                           "FROM %s has no tag: it means %s:latest, whatever that is today", s, s);
      else
        brig_findings_add (f, r, img->file, p.w->loc, "FROM %s: latest changes under the build", s);
    }
}

static void
check_base_digest (const struct brig_image *img, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  for (struct pulled p = { 0 }; next_pulled (img, &p);)
    {
      /* Untagged and :latest are BRIG-D003's. */
      if (p.ref.pin != BRIG_REF_TAG)
        continue;
      if (p.copy)
        brig_findings_add (f, r, img->file, p.w->loc,
                           "%s --from=%s is not pinned by digest: the tag can be moved to another "
                           "image%s",
                           p.copy->add ? "ADD" : "COPY", p.w->s,
                           p.copy->onbuild ? ONBUILD_NOTE : "");
      else
        brig_findings_add (f, r, img->file, p.w->loc,
                           "FROM %s is not pinned by digest: the tag can be moved to another image",
                           p.w->s);
    }
}

/* --- ADD --------------------------------------------------------------------- */

static bool
remote_source (const char *s)
{
  return strncasecmp (s, "http://", 7) == 0 || strncasecmp (s, "https://", 8) == 0
         || strncmp (s, "git@", 4) == 0 || strncmp (s, "git://", 6) == 0
         || strncmp (s, "ssh://", 6) == 0;
}

static bool
archive_source (const char *s)
{
  static const char *const ext[] = { ".tar",      ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz",
                                     ".tb2",      ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.lz",
                                     ".tar.lzma", ".tlz",    ".gz",  ".bz2",     ".xz",   ".zst" };
  size_t n = strlen (s);

  for (size_t i = 0; i < ARRAY_SIZE (ext); i++)
    {
      size_t k = strlen (ext[i]);
      if (n > k && strcasecmp (s + n - k, ext[i]) == 0)
        return true;
    }
  return false;
}

static void
check_add_remote (const struct brig_image *img, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  for (size_t i = 0; i < img->nstages; i++)
    for (size_t k = 0; k < img->stages[i].ncopies; k++)
      {
        const struct brig_icopy *c = &img->stages[i].copies[k];
        for (size_t j = 0; c->add && !c->checksum && j < c->nsrc; j++)
          if (!c->src_heredoc[j] && remote_source (c->src[j].s))
            {
              brig_findings_add (f, r, img->file, c->src[j].loc,
                                 "ADD fetches %s at build time and checks nothing of what it got%s",
                                 c->src[j].s, c->onbuild ? ONBUILD_NOTE : "");
              break;
            }
      }
}

static void
check_add_local (const struct brig_image *img, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  for (size_t i = 0; i < img->nstages; i++)
    for (size_t k = 0; k < img->stages[i].ncopies; k++)
      {
        const struct brig_icopy *c = &img->stages[i].copies[k];
        bool copy_would_do = c->add;

        for (size_t j = 0; j < c->nsrc && copy_would_do; j++)
          copy_would_do = c->src_heredoc[j]
                          || (c->src_resolved[j] && !remote_source (c->src[j].s)
                              && !archive_source (c->src[j].s));
        if (copy_would_do)
          brig_findings_add (f, r, img->file, c->nsrc ? c->src[0].loc : c->loc,
                             "ADD %s: COPY would do (nothing to fetch or unpack)%s",
                             c->nsrc ? c->src[0].s : "", c->onbuild ? ONBUILD_NOTE : "");
      }
}

/* --- ENV and ARG -------------------------------------------------------------- */

/* Words of a variable name: DB_PASSWORD, dbPassword -> DB PASSWORD. */
static size_t
name_words (const char *name, char words[][32], size_t max)
{
  size_t n = 0, k = 0;

  for (const char *p = name;; p++)
    {
      bool boundary
          = *p == '\0' || !isalnum ((unsigned char)*p)
            || (p > name && islower ((unsigned char)p[-1]) && isupper ((unsigned char)*p));
      if (boundary && k)
        {
          words[n][k] = '\0';
          if (++n == max)
            return n;
          k = 0;
        }
      if (*p == '\0')
        return n;
      if (isalnum ((unsigned char)*p) && k < 31)
        words[n][k++] = (char)toupper ((unsigned char)*p);
    }
}

/* Could NAME be named like a secret?  Each word secret_name looks for is
 * a part of the name, in any case, and holds one of these: most names
 * hold none, and are passed over without being split into words. */
static bool
may_be_secret (const char *name)
{
  for (const char *p = name; *p; p++)
    {
      /* Its first two letters first: few places of a name pass that. */
      const char *part;
      switch (*p | 0x20)
        {
        case 'p':
          part = "pass";
          break;
        case 's':
          part = "secret";
          break;
        case 't':
          part = "token";
          break;
        case 'k':
          part = "key";
          break;
        case 'c':
          part = "credentials";
          break;
        default:
          continue;
        }
      if ((p[1] | 0x20) == part[1] && strncasecmp (p, part, strlen (part)) == 0)
        return true;
    }
  return false;
}

/* Named like a secret (PASSWORD, SECRET, TOKEN, API_KEY...) and not like
 * something about one (_FILE, _PATH, _URL, GPG keys, key ids). */
bool
brig_secret_name (const char *name)
{
  static const char *const secret[]
      = { "PASSWORD", "PASSWD", "PASS",        "PASSPHRASE", "SECRET", "SECRETS",
          "TOKEN",    "APIKEY", "CREDENTIALS", "PRIVATEKEY", NULL };
  static const char *const key_after[]
      = { "API",    "ACCESS", "SECRET",  "PRIVATE", "AUTH",    "ENCRYPTION", "SIGNING", "MASTER",
          "CLIENT", "APP",    "ACCOUNT", "SSH",     "LICENSE", "SERVICE",    NULL };
  static const char *const not_last[]
      = { "FILE",        "PATH",     "DIR",      "URL",    "URI",    "ID",        "NAME",
          "USER",        "USERNAME", "HOST",     "PORT",   "LENGTH", "SIZE",      "TYPE",
          "FINGERPRINT", "VERSION",  "ENDPOINT", "SERVER", "REGION", "ENABLED",   "MODE",
          "HEADER",      "FORMAT",   "TTL",      "EXPIRY", "POLICY", "ALGORITHM", "LOCATION",
          "PREFIX",      "SUFFIX",   "KEYRING",  "KEYS",   "FILES",  "PATHS",     NULL };
  static const char *const never[] = { "GPG", "PGP", "GNUPG", "PUBLIC", "PUB", NULL };
  char w[16][32];
  size_t n;
  bool hit = false;

  if (!may_be_secret (name))
    return false;
  n = name_words (name, w, 16);
  if (n == 0 || in_list (w[n - 1], not_last))
    return false;
  for (size_t i = 0; i < n; i++)
    {
      if (in_list (w[i], never))
        return false;
      hit |= in_list (w[i], secret)
             || (streq (w[i], "KEY") && (n == 1 || (i > 0 && in_list (w[i - 1], key_after))));
    }
  return hit;
}

static void
secret_var (const struct brig_image *img, const struct brig_ivar *v,
            const struct brig_audit_rule *r, struct brig_findings *f)
{
  if (!brig_secret_name (v->name))
    return;
  if (v->arg)
    brig_findings_add (f, r, img->file, v->loc,
                       "ARG %s: a build argument named like a secret is kept in the image's "
                       "history (value not shown)",
                       v->name);
  else if (v->value && v->value[0])
    brig_findings_add (f, r, img->file, v->loc,
                       "ENV %s: a secret in the image's configuration, readable by anyone who "
                       "can pull it (value not shown)",
                       v->name);
}

/* A rule over variables: CHECK asked about every ARG and ENV, the global
 * ARGs first, then each stage's in order. */
typedef void (*var_check) (const struct brig_image *img, const struct brig_ivar *v,
                           const struct brig_audit_rule *r, struct brig_findings *f);

static void
each_var (const struct brig_image *img, const struct brig_audit_rule *r, struct brig_findings *f,
          var_check check)
{
  for (size_t i = 0; i < img->nglobal_args; i++)
    check (img, &img->global_args[i], r, f);
  for (size_t s = 0; s < img->nstages; s++)
    for (size_t i = 0; i < img->stages[s].nvars; i++)
      check (img, &img->stages[s].vars[i], r, f);
}

static void
check_secrets (const struct brig_image *img, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  each_var (img, r, f, secret_var);
}

/* --- RUN commands -------------------------------------------------------------- */

/* The first letters of the wrappers unwrap () looks through: sudo, doas,
 * env and the plain ones. */
static const bool wrapper_first[256] = {
  ['s'] = true, ['d'] = true, ['e'] = true, ['n'] = true, ['t'] = true, ['c'] = true, ['i'] = true,
};

/* Where the command a wrapper runs starts: `sudo -u x env A=1 nice -n 5 cmd`.
 * *RET_SUDO: the sudo or doas word, if any; *RET_NAME: the command's
 * basename, NULL if none. */
static size_t
unwrap (const struct brig_icmd *c, const struct brig_iword **ret_sudo, const char **ret_name)
{
  static const char *const plain[]
      = { "exec", "nohup", "time", "command", "nice", "stdbuf", "ionice", "chronic", NULL };
  size_t i = 0;

  if (ret_sudo)
    *ret_sudo = NULL;
  *ret_name = NULL;
  while (i < c->argc)
    {
      const char *b = base_name (c->argv[i].s);
      if (!wrapper_first[(unsigned char)b[0]])
        {
          *ret_name = b; /* most commands: no wrapper starts as they do */
          break;
        }
      if (streq (b, "sudo") || streq (b, "doas"))
        {
          if (ret_sudo && *ret_sudo == NULL)
            *ret_sudo = &c->argv[i];
          for (i++; i < c->argc && c->argv[i].s[0] == '-'; i++)
            {
              const char *o = c->argv[i].s;
              if (streq (o, "--"))
                {
                  i++;
                  break;
                }
              if (strlen (o) == 2 && strchr ("ugCDhprtUT", o[1]))
                i++;
            }
        }
      else if (streq (b, "env"))
        {
          for (i++; i < c->argc && (c->argv[i].s[0] == '-' || strchr (c->argv[i].s, '=')); i++)
            if (streq (c->argv[i].s, "-u") || streq (c->argv[i].s, "-C"))
              i++;
        }
      else if (in_list (b, plain))
        {
          for (i++; i < c->argc && c->argv[i].s[0] == '-'; i++)
            if (streq (c->argv[i].s, "-n") || streq (c->argv[i].s, "-c"))
              i++;
        }
      else
        {
          *ret_name = b;
          break;
        }
    }
  return i;
}

/* What a RUN rule may find in a command, known from its name (after
 * wrappers), its sudo and its environment alone: each bit is a condition
 * without which that rule's check finds nothing in the command, so a
 * command (or a whole RUN) without the bits a rule asks for is passed
 * over without asking it. */
enum
{
  CMD_SUDO = 1u << 0,       /* sudo or doas */
  CMD_PIPE_SHELL = 1u << 1, /* an interpreter, eval or source */
  CMD_TLS = 1u << 2,        /* a tool with a certificate check to turn off, or NAME=value */
  CMD_UNSIGNED = 1u << 3,   /* a package manager with a signature check to turn off */
  CMD_CHPASSWD = 1u << 4,
  CMD_APT = 1u << 5, /* apt-get, apt or aptitude */
  CMD_APK = 1u << 6,
  CMD_RM = 1u << 7,
};

/* The commands with bits, by their first letter (a lookup per command). */
struct name_bits
{
  const char *name;
  unsigned bits;
};
#define PKG CMD_UNSIGNED
#define SHELL CMD_PIPE_SHELL
static const struct name_bits names_a[]
    = { { "apt-get", CMD_APT | PKG },  { "apt", CMD_APT | PKG }, { "apk", CMD_APK | PKG },
        { "aptitude", CMD_APT | PKG }, { "ash", SHELL },         { NULL, 0 } };
static const struct name_bits names_b[] = { { "bash", SHELL }, { NULL, 0 } };
static const struct name_bits names_c[]
    = { { "curl", CMD_TLS }, { "chpasswd", CMD_CHPASSWD }, { NULL, 0 } };
static const struct name_bits names_d[] = {
  { "dnf", PKG | CMD_TLS }, { "dash", SHELL }, { "dnf-config-manager", CMD_TLS }, { NULL, 0 }
};
static const struct name_bits names_e[] = { { "eval", SHELL }, { NULL, 0 } };
static const struct name_bits names_g[] = { { "git", CMD_TLS }, { NULL, 0 } };
static const struct name_bits names_k[] = { { "ksh", SHELL }, { NULL, 0 } };
static const struct name_bits names_m[]
    = { { "microdnf", PKG | CMD_TLS }, { "mksh", SHELL }, { NULL, 0 } };
static const struct name_bits names_n[] = { { "npm", CMD_TLS }, { "node", SHELL }, { NULL, 0 } };
/* and pip..., python... (CMD_TLS; python... is a SHELL too) */
static const struct name_bits names_p[]
    = { { "pnpm", CMD_TLS }, { "perl", SHELL }, { "php", SHELL }, { NULL, 0 } };
static const struct name_bits names_r[]
    = { { "rm", CMD_RM }, { "rpm", PKG }, { "ruby", SHELL }, { NULL, 0 } };
static const struct name_bits names_s[] = { { "sh", SHELL }, { "source", SHELL }, { NULL, 0 } };
static const struct name_bits names_t[] = { { "tdnf", PKG }, { NULL, 0 } };
static const struct name_bits names_w[] = { { "wget", CMD_TLS }, { NULL, 0 } };
static const struct name_bits names_y[] = {
  { "yum", PKG | CMD_TLS }, { "yarn", CMD_TLS }, { "yum-config-manager", CMD_TLS }, { NULL, 0 }
};
static const struct name_bits names_z[] = { { "zypper", PKG }, { "zsh", SHELL }, { NULL, 0 } };
#undef PKG
#undef SHELL
static const struct name_bits *const names_by_letter[26] = {
  ['a' - 'a'] = names_a, ['b' - 'a'] = names_b, ['c' - 'a'] = names_c, ['d' - 'a'] = names_d,
  ['e' - 'a'] = names_e, ['g' - 'a'] = names_g, ['k' - 'a'] = names_k, ['m' - 'a'] = names_m,
  ['n' - 'a'] = names_n, ['p' - 'a'] = names_p, ['r' - 'a'] = names_r, ['s' - 'a'] = names_s,
  ['t' - 'a'] = names_t, ['w' - 'a'] = names_w, ['y' - 'a'] = names_y, ['z' - 'a'] = names_z,
};

/* The bits a command's NAME gives. */
static unsigned
name_bits (const char *name)
{
  const struct name_bits *l;

  if (name[0] < 'a' || name[0] > 'z' || (l = names_by_letter[name[0] - 'a']) == NULL)
    return 0;
  if (name[0] == 'p' && strncmp (name, "pip", 3) == 0)
    return CMD_TLS;
  if (name[0] == 'p' && strncmp (name, "python", 6) == 0)
    return CMD_TLS | CMD_PIPE_SHELL;
  for (; l->name; l++)
    if (streq (name, l->name))
      return l->bits;
  return 0;
}

/* Every RUN rule asks each command what unwrap () finds: worked out once
 * per command, with the bits above. */
struct unwrapped
{
  size_t k;
  const char *name;
  const struct brig_iword *sudo;
  unsigned bits;
};

static void
unwrap_into (struct unwrapped *e, const struct brig_icmd *c)
{
  e->k = unwrap (c, &e->sudo, &e->name);
  e->bits = (e->sudo ? CMD_SUDO : 0) | (c->nenv ? CMD_TLS : 0);
  if (e->name)
    e->bits |= name_bits (e->name);
}

/* A RUN's commands unwrapped, and the union of their bits. */
struct run_facts
{
  struct unwrapped *cmds;
  unsigned bits;
};

/* Every RUN of an image: RUNS[FIRST[S] + K] is stage S's Kth. */
struct image_facts
{
  const struct brig_image *img;
  size_t *first;
  struct run_facts *runs;
  struct unwrapped *cmds;
};

static void
image_facts_init (struct image_facts *x, const struct brig_image *img)
{
  size_t nruns = 0, ncmds = 0;

  for (size_t s = 0; s < img->nstages; s++)
    for (size_t k = 0; k < img->stages[s].nruns; k++, nruns++)
      ncmds += img->stages[s].runs[k].ncmds;
  /* One block: the commands', the RUNs' and the stages' arrays, in that
     order (each element's alignment no stricter than the one before's). */
  x->img = img;
  x->cmds = xmalloc ((ncmds + 1) * sizeof *x->cmds + (nruns + 1) * sizeof *x->runs
                     + (img->nstages + 1) * sizeof *x->first);
  x->runs = (struct run_facts *)(x->cmds + ncmds + 1);
  x->first = (size_t *)(x->runs + nruns + 1);
  nruns = ncmds = 0;
  for (size_t s = 0; s < img->nstages; s++)
    {
      x->first[s] = nruns;
      for (size_t k = 0; k < img->stages[s].nruns; k++, nruns++)
        {
          const struct brig_irun *run = &img->stages[s].runs[k];
          struct run_facts *rf = &x->runs[nruns];
          rf->cmds = &x->cmds[ncmds];
          rf->bits = 0;
          for (size_t i = 0; i < run->ncmds; i++)
            {
              unwrap_into (&rf->cmds[i], &run->cmds[i]);
              rf->bits |= rf->cmds[i].bits;
            }
          ncmds += run->ncmds;
        }
    }
}

static void
image_facts_release (struct image_facts *x)
{
  free (x->cmds);
  *x = (struct image_facts){ 0 };
}

/* brig_audit_image's facts of its image, while it runs: the rules are
 * called through the table (struct brig_audit_rule), whose signature has
 * no room for them.  A rule asked about another image (or called outside
 * brig_audit_image) works them out for itself.  Per thread; set and
 * cleared by brig_audit_image alone, which no rule calls. */
static _Thread_local const struct image_facts *audit_facts;

/* The facts of IMG: brig_audit_image's, or worked out in OWN (which the
 * caller releases with image_facts_release). */
static const struct image_facts *
image_facts (const struct brig_image *img, struct image_facts *own)
{
  if (audit_facts && audit_facts->img == img)
    return audit_facts;
  image_facts_init (own, img);
  return own;
}

/* The name (basename, after wrappers; NULL if none) of the Ith command of
 * a RUN whose commands' facts are U, and in *RET_K the index of its word. */
static inline const char *
cmd_name (const struct unwrapped *u, size_t i, size_t *ret_k)
{
  *ret_k = u[i].k;
  return u[i].name;
}

/* The first argument after K that is not an option (OPTARG: options that
 * take the next word as their value). */
static size_t
subcommand (const struct brig_icmd *c, size_t k, const char *const *optarg)
{
  for (size_t j = k + 1; j < c->argc; j++)
    {
      const char *a = c->argv[j].s;
      if (a[0] != '-')
        return j;
      if (optarg && in_list (a, optarg))
        j++;
    }
  return c->argc;
}

/* An argument after K that is OPT, or OPT=... for a long option. */
static const struct brig_iword *
find_opt (const struct brig_icmd *c, size_t k, const char *opt)
{
  size_t n = strlen (opt);

  for (size_t j = k + 1; j < c->argc; j++)
    {
      const char *a = c->argv[j].s;
      if (a[0] != opt[0])
        continue; /* a package name, most often */
      /* OPT itself, or OPT=... (A is as long as OPT when they match) */
      if (strncmp (a, opt, n) == 0 && (a[n] == '\0' || (n > 2 && opt[1] == '-' && a[n] == '=')))
        return &c->argv[j];
    }
  return NULL;
}

/* A short option LETTER after K, alone or in a group (-Lkv), before any
 * letter of ARGLETTERS (which takes the rest of the group as its value). */
static const struct brig_iword *
find_short (const struct brig_icmd *c, size_t k, char letter, const char *argletters)
{
  for (size_t j = k + 1; j < c->argc; j++)
    {
      const char *a = c->argv[j].s;
      if (a[0] != '-' || a[1] == '-')
        continue;
      for (const char *p = a + 1; *p; p++)
        {
          if (*p == letter)
            return &c->argv[j];
          if (strchr (argletters, *p))
            break;
        }
    }
  return NULL;
}

/* Any word in a RUN's commands containing S (for "was this cleaned up"). */
static bool
run_mentions (const struct brig_irun *run, const char *s)
{
  for (size_t i = 0; i < run->nflags; i++)
    if (strstr (run->flags[i].s, s))
      return true;
  for (size_t i = 0; i < run->ncmds; i++)
    for (size_t j = 0; j < run->cmds[i].argc; j++)
      if (strstr (run->cmds[i].argv[j].s, s))
        return true;
  return false;
}

/* run_mentions (RUN, A) || run_mentions (RUN, B), in one pass: A and B
 * both contain COMMON, which is looked for first. */
static bool
run_mentions_any (const struct brig_irun *run, const char *common, const char *a, const char *b)
{
  for (size_t i = 0; i < run->nflags; i++)
    if (strstr (run->flags[i].s, common)
        && (strstr (run->flags[i].s, a) || strstr (run->flags[i].s, b)))
      return true;
  for (size_t i = 0; i < run->ncmds; i++)
    for (size_t j = 0; j < run->cmds[i].argc; j++)
      {
        const char *w = run->cmds[i].argv[j].s;
        if (strstr (w, common) && (strstr (w, a) || strstr (w, b)))
          return true;
      }
  return false;
}

/* A rule over RUN commands: the first command HIT finds in each RUN (of
 * the final image's stages only with FINAL) is reported, with HIT's message;
 * RUNs for which CLEAN is true are skipped (CLEAN, which reads the whole
 * RUN, is asked only about a RUN with a hit). */
typedef const struct brig_iword *(*cmd_hit) (const struct brig_irun *run, const struct unwrapped *u,
                                             size_t i, char *msg, size_t len);
typedef bool (*run_clean) (const struct brig_irun *run, const struct unwrapped *u);

/* ... asking HIT only about the commands with one of BITS. */
static void
each_run (const struct brig_image *img, const struct brig_audit_rule *r, struct brig_findings *f,
          bool final, unsigned bits, cmd_hit hit, run_clean clean)
{
  _cleanup_free_ bool *mask = final ? final_mask (img) : NULL;
  struct image_facts own = { 0 };
  const struct image_facts *x = image_facts (img, &own);

  for (size_t s = 0; s < img->nstages; s++)
    {
      if (mask && !mask[s])
        continue;
      for (size_t k = 0; k < img->stages[s].nruns; k++)
        {
          const struct brig_irun *run = &img->stages[s].runs[k];
          const struct run_facts *rf = &x->runs[x->first[s] + k];

          if (!run->posix || !(rf->bits & bits))
            continue;
          for (size_t i = 0; i < run->ncmds; i++)
            {
              char msg[512];
              const struct brig_iword *w;

              if (!(rf->cmds[i].bits & bits)
                  || (w = hit (run, rf->cmds, i, msg, sizeof msg)) == NULL)
                continue;
              if (!(clean && clean (run, rf->cmds)))
                brig_findings_add (f, r, img->file, w->loc, "%s%s", msg,
                                   run->onbuild ? ONBUILD_NOTE : "");
              break;
            }
        }
    }
  image_facts_release (&own);
}

static const struct brig_iword *
hit_sudo (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg, size_t len)
{
  const struct brig_iword *sudo = u[i].sudo;

  (void)run;
  if (sudo)
    snprintf (msg, len, "RUN uses %s", base_name (sudo->s));
  return sudo;
}

static bool
interpreter (const char *name)
{
  static const char *const names[]
      = { "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "perl", "ruby", "node", "php", NULL };
  return name && (in_list (name, names) || (name[0] == 'p' && strncmp (name, "python", 6) == 0));
}

static const struct brig_iword *
hit_pipe_shell (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
                size_t len)
{
  const struct brig_icmd *c = &run->cmds[i];
  size_t k;
  const char *name = cmd_name (u, i, &k);

  if (!interpreter (name) && !(name && (streq (name, "eval") || streq (name, "source"))))
    return NULL;
  /* curl ... | sh (in a pipeline of at most 16 commands: longer is not worth the time) */
  for (size_t j = i; j > 0 && j + 16 > i && run->cmds[j].pipe_in; j--)
    {
      size_t m;
      const char *up = cmd_name (u, j - 1, &m);
      if (up && (streq (up, "curl") || streq (up, "wget")))
        {
          snprintf (msg, len, "%s | %s runs what the server sends, unverified", up, name);
          return &run->cmds[j - 1].argv[m];
        }
    }
  /* sh -c "$(curl ...)", bash <(curl ...), eval "$(wget -O- ...)" */
  for (size_t j = k + 1; j < c->argc; j++)
    {
      static const char *const subst[]
          = { "$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget", NULL };
      for (size_t s = 0; subst[s]; s++)
        if (strstr (c->argv[j].s, subst[s]))
          {
            snprintf (msg, len, "%s runs a script downloaded by %s, unverified", name,
                      subst[s] + 2);
            return &c->argv[k];
          }
    }
  return NULL;
}

static bool
false_word (const char *s)
{
  return strcasecmp (s, "false") == 0 || streq (s, "0") || strcasecmp (s, "no") == 0
         || strcasecmp (s, "off") == 0;
}

/* Environment variables that turn certificate checks off: with any value
 * (OFF NULL: even declared without one, as an ARG to be passed), or set to
 * OFF. */
static const struct tls_var
{
  const char *name;
  size_t len; /* of NAME */
  const char *off;
  bool nocase; /* npm reads its variables in any case */
  const char *why;
} tls_vars[] = {
  { "GIT_SSL_NO_VERIFY", sizeof "GIT_SSL_NO_VERIFY" - 1, NULL, false,
    "GIT_SSL_NO_VERIFY (any value) turns git's certificate checks off" },
  { "PIP_TRUSTED_HOST", sizeof "PIP_TRUSTED_HOST" - 1, NULL, false,
    "PIP_TRUSTED_HOST lets pip fetch from a host without checking its certificate" },
  { "NODE_TLS_REJECT_UNAUTHORIZED", sizeof "NODE_TLS_REJECT_UNAUTHORIZED" - 1, "0", false,
    "NODE_TLS_REJECT_UNAUTHORIZED=0 turns Node's certificate checks off" },
  { "PYTHONHTTPSVERIFY", sizeof "PYTHONHTTPSVERIFY" - 1, "0", false,
    "PYTHONHTTPSVERIFY=0 turns Python's certificate checks off" },
  { "NPM_CONFIG_STRICT_SSL", sizeof "NPM_CONFIG_STRICT_SSL" - 1, "false", true,
    "npm_config_strict_ssl=false turns npm's certificate checks off" },
};

/* NAME (N bytes) = VALUE (NULL: declared without a value). */
static const struct tls_var *
tls_env (const char *name, size_t n, const char *value)
{
  for (size_t i = 0; i < ARRAY_SIZE (tls_vars); i++)
    {
      const struct tls_var *t = &tls_vars[i];
      if (t->len != n
          || (t->nocase ? strncasecmp (name, t->name, n) : strncmp (name, t->name, n)) != 0)
        continue;
      if (t->off == NULL
          || (value && (t->nocase ? strcasecmp (value, t->off) : strcmp (value, t->off)) == 0))
        return t;
    }
  return NULL;
}

static const struct tls_var *
tls_assignment (const char *w)
{
  const char *eq = strchr (w, '=');
  return eq ? tls_env (w, (size_t)(eq - w), eq + 1) : NULL;
}

static bool
sslverify_off (const char *setopt)
{
  const char *eq = strrchr (setopt, '='), *key;

  if (eq == NULL)
    return false;
  for (key = eq; key > setopt && key[-1] != '.' && key[-1] != '='; key--)
    ;
  return (size_t)(eq - key) == 9 && strncasecmp (key, "sslverify", 9) == 0 && false_word (eq + 1);
}

static const struct brig_iword *
hit_tls (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg, size_t len)
{
  const struct brig_icmd *c = &run->cmds[i];
  const struct brig_iword *w = NULL;
  size_t k;
  const char *name = cmd_name (u, i, &k);
  const struct tls_var *t;

  for (size_t j = 0; j < c->nenv; j++)
    if ((t = tls_assignment (c->env[j].s)))
      {
        snprintf (msg, len, "%s", t->why);
        return &c->env[j];
      }
  if (name == NULL)
    return NULL;
  if (streq (name, "curl")
      && ((w = find_opt (c, k, "--insecure"))
          || (w = find_short (c, k, 'k', "AbcCdDeEFHKmoPQrtTuUwxXyYz"))))
    snprintf (msg, len, "curl %s does not check the server's certificate", w->s);
  else if (streq (name, "wget") && (w = find_opt (c, k, "--no-check-certificate")))
    snprintf (msg, len, "wget --no-check-certificate does not check the server's certificate");
  else if (name[0] == 'p'
           && (strncmp (name, "pip", 3) == 0
               || (strncmp (name, "python", 6) == 0 && find_opt (c, k, "-m")))
           && (w = find_opt (c, k, "--trusted-host")))
    snprintf (msg, len, "pip --trusted-host fetches packages without checking the certificate");
  else if (streq (name, "git"))
    {
      for (size_t j = k + 1; j < c->argc && !w; j++)
        {
          const char *a = c->argv[j].s, *eq = strchr (a, '=');
          if (strncasecmp (a, "http.", 5) == 0 && eq && eq - a >= 9
              && strncasecmp (eq - 9, "sslverify", 9) == 0 && false_word (eq + 1))
            w = &c->argv[j];
          else if (strncasecmp (a, "http.", 5) == 0 && strlen (a) >= 9
                   && strcasecmp (a + strlen (a) - 9, "sslverify") == 0 && j + 1 < c->argc
                   && false_word (c->argv[j + 1].s))
            w = &c->argv[j];
        }
      if (w)
        snprintf (msg, len, "git %s turns git's certificate checks off", w->s);
    }
  else if (streq (name, "npm") || streq (name, "yarn") || streq (name, "pnpm"))
    {
      size_t j = k + 1;
      if (j < c->argc && (streq (c->argv[j].s, "config") || streq (c->argv[j].s, "c")))
        j++;
      if (j < c->argc && streq (c->argv[j].s, "set"))
        {
          for (j++; j < c->argc && c->argv[j].s[0] == '-'; j++)
            ;
          if (j < c->argc
              && (strcasecmp (c->argv[j].s, "strict-ssl=false") == 0
                  || (streq (c->argv[j].s, "strict-ssl") && j + 1 < c->argc
                      && strcasecmp (c->argv[j + 1].s, "false") == 0)))
            w = &c->argv[j];
        }
      if (w == NULL && (w = find_opt (c, k, "--strict-ssl=false")) == NULL)
        w = find_opt (c, k, "--no-strict-ssl");
      if (w)
        snprintf (msg, len, "%s strict-ssl false turns its certificate checks off", name);
    }
  else if (streq (name, "yum-config-manager") || streq (name, "dnf-config-manager")
           || ((streq (name, "yum") || streq (name, "dnf") || streq (name, "microdnf"))
               && subcommand (c, k, NULL) < c->argc
               && streq (c->argv[subcommand (c, k, NULL)].s, "config-manager")))
    {
      for (size_t j = k + 1; j < c->argc && !w; j++)
        {
          const char *a = c->argv[j].s;
          if ((strncmp (a, "--setopt=", 9) == 0 && sslverify_off (a + 9))
              || (streq (a, "--setopt") && j + 1 < c->argc && sslverify_off (c->argv[j + 1].s)))
            w = &c->argv[j];
        }
      if (w)
        snprintf (msg, len, "%s sets sslverify off for its repositories", name);
    }
  return w;
}

static void
tls_var (const struct brig_image *img, const struct brig_ivar *v, const struct brig_audit_rule *r,
         struct brig_findings *f)
{
  const struct tls_var *t = tls_env (v->name, strlen (v->name), v->value);

  if (t)
    brig_findings_add (f, r, img->file, v->loc, "%s %s", v->arg ? "ARG" : "ENV", t->why);
}

static void
check_tls (const struct brig_image *img, const struct brig_audit_rule *r, struct brig_findings *f)
{
  each_var (img, r, f, tls_var);
  each_run (img, r, f, false, CMD_TLS, hit_tls, NULL);
}

static const struct brig_iword *
hit_unsigned (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
              size_t len)
{
  static const char *const apt_opts[]
      = { "--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories", NULL };
  static const char *const rpm_opts[]
      = { "--nosignature", "--nodigest", "--noverify", "--nofiledigest", NULL };
  static const char *const yum[] = { "yum", "dnf", "tdnf", "microdnf", NULL };
  const struct brig_icmd *c = &run->cmds[i];
  const struct brig_iword *w = NULL;
  size_t k;
  const char *name = cmd_name (u, i, &k);

  if (name == NULL)
    return NULL;
  if (streq (name, "apt-get") || streq (name, "apt") || streq (name, "aptitude"))
    {
      for (size_t o = 0; apt_opts[o] && !w; o++)
        w = find_opt (c, k, apt_opts[o]);
      for (size_t j = k + 1; j + 1 < c->argc && !w; j++)
        if (streq (c->argv[j].s, "-o")
            && (strcasestr (c->argv[j + 1].s, "AllowUnauthenticated=true")
                || strcasestr (c->argv[j + 1].s, "AllowInsecureRepositories=true")))
          w = &c->argv[j + 1];
    }
  else if (streq (name, "apk"))
    w = find_opt (c, k, "--allow-untrusted");
  else if (streq (name, "rpm"))
    for (size_t o = 0; rpm_opts[o] && !w; o++)
      w = find_opt (c, k, rpm_opts[o]);
  else if (in_list (name, yum))
    {
      w = find_opt (c, k, "--nogpgcheck");
      for (size_t j = k + 1; j < c->argc && !w; j++)
        if (strncmp (c->argv[j].s, "--setopt=", 9) == 0 && strcasestr (c->argv[j].s, "gpgcheck=")
            && false_word (strrchr (c->argv[j].s, '=') + 1))
          w = &c->argv[j];
    }
  else if (streq (name, "zypper"))
    w = find_opt (c, k, "--no-gpg-checks");
  if (w)
    snprintf (msg, len, "%s %s installs packages whose signature is not checked", name, w->s);
  return w;
}

static const struct brig_iword *
hit_chpasswd (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
              size_t len)
{
  size_t k;
  const char *name = cmd_name (u, i, &k);

  if (name == NULL || !streq (name, "chpasswd"))
    return NULL;
  snprintf (msg, len, "chpasswd sets a password that every container of the image shares");
  return &run->cmds[i].argv[k];
}

/* The Ith command of RUN (its commands' facts U): apt-get, apt or aptitude,
 * and the index of its subcommand; or NULL. */
static const char *
apt (const struct brig_irun *run, const struct unwrapped *u, size_t i, size_t *ret_k,
     size_t *ret_sub)
{
  static const char *const optarg[] = {
    "-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release", "--host-architecture",
    NULL
  };
  const struct brig_icmd *c = &run->cmds[i];
  const char *name = cmd_name (u, i, ret_k);

  if (name == NULL || !(streq (name, "apt-get") || streq (name, "apt") || streq (name, "aptitude")))
    return NULL;
  *ret_sub = subcommand (c, *ret_k, optarg);
  return name;
}

/* apt-get -s (--simulate...) installs nothing. */
static bool
apt_simulates (const struct brig_icmd *c, size_t k)
{
  static const char *const sim[]
      = { "--simulate", "--just-print", "--dry-run", "--recon", "--no-act", NULL };
  for (size_t i = 0; sim[i]; i++)
    if (find_opt (c, k, sim[i]))
      return true;
  return find_short (c, k, 's', "octa") != NULL;
}

static const struct brig_iword *
hit_apt_yes (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
             size_t len)
{
  static const char *const needs_yes[]
      = { "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "safe-upgrade", NULL };
  const struct brig_icmd *c = &run->cmds[i];
  size_t k, sub;
  const char *name = apt (run, u, i, &k, &sub);

  if (name == NULL || sub >= c->argc || !in_list (c->argv[sub].s, needs_yes)
      || apt_simulates (c, k))
    return NULL;
  if (find_opt (c, k, "--yes") || find_opt (c, k, "--assume-yes") || find_opt (c, k, "-qq")
      || find_short (c, k, 'y', "octa") || find_opt (c, k, "--quiet=2") || find_opt (c, k, "-q=2"))
    return NULL;
  for (size_t j = k + 1; j + 1 < c->argc; j++)
    if (streq (c->argv[j].s, "-o") && strcasestr (c->argv[j + 1].s, "Assume-Yes=true"))
      return NULL;
  /* yes | apt-get install ... */
  if (c->pipe_in && i > 0)
    {
      size_t m;
      const char *up = cmd_name (u, i - 1, &m);
      if (up && streq (up, "yes"))
        return NULL;
    }
  snprintf (msg, len, "%s %s without -y stops at its confirmation prompt", name, c->argv[sub].s);
  return &c->argv[k];
}

static void
check_apt_recommends (const struct brig_image *img, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  _cleanup_free_ bool *mask = final_mask (img);
  bool configured = false; /* APT::Install-Recommends set in a file by an earlier RUN */
  struct image_facts own = { 0 };
  const struct image_facts *x = image_facts (img, &own);
  size_t apt_left = 0; /* RUNs with apt still to come: CONFIGURED matters to them only */

  for (size_t s = 0; s < img->nstages; s++)
    for (size_t k = 0; mask[s] && k < img->stages[s].nruns; k++)
      apt_left += img->stages[s].runs[k].posix && (x->runs[x->first[s] + k].bits & CMD_APT);
  for (size_t s = 0; s < img->nstages; s++)
    {
      if (!mask[s])
        continue;
      for (size_t k = 0; k < img->stages[s].nruns; k++)
        {
          const struct brig_irun *run = &img->stages[s].runs[k];
          const struct run_facts *rf = &x->runs[x->first[s] + k];

          for (size_t i = 0; run->posix && (rf->bits & CMD_APT) && i < run->ncmds && !configured;
               i++)
            {
              const struct brig_icmd *c = &run->cmds[i];
              size_t a, sub;
              const char *name
                  = (rf->cmds[i].bits & CMD_APT) ? apt (run, rf->cmds, i, &a, &sub) : NULL;
              bool ok = false;

              if (name == NULL || sub >= c->argc || !streq (c->argv[sub].s, "install")
                  || apt_simulates (c, a))
                continue;
              ok = find_opt (c, a, "--no-install-recommends")
                   || (streq (name, "aptitude")
                       && (find_opt (c, a, "--without-recommends") || find_opt (c, a, "-R")));
              for (size_t j = a + 1; j + 1 < c->argc && !ok; j++)
                ok = streq (c->argv[j].s, "-o")
                     && strcasestr (c->argv[j + 1].s, "Install-Recommends")
                     && false_word (strrchr (c->argv[j + 1].s, '=')
                                        ? strrchr (c->argv[j + 1].s, '=') + 1
                                        : "");
              if (!ok)
                {
                  brig_findings_add (f, r, img->file, c->argv[a].loc,
                                     "%s install without --no-install-recommends installs what "
                                     "the packages only recommend%s",
                                     name, run->onbuild ? ONBUILD_NOTE : "");
                  break;
                }
            }
          apt_left -= run->posix && (rf->bits & CMD_APT);
          configured |= apt_left && !configured && !run->onbuild
                        && strstr (run->text, "Install-Recommends") != NULL;
        }
    }
  image_facts_release (&own);
}

/* Does the RUN remove apt's lists (or keep them in a cache mount)? */
static bool
apt_lists_clean (const struct brig_irun *run, const struct unwrapped *u)
{
  if (run_mentions_any (run, "/var/lib/apt", "/var/lib/apt/lists", "target=/var/lib/apt"))
    return true;
  /* apt-get dist-clean (apt 2.7.8+) removes the lists too. */
  for (size_t j = 0; j < run->ncmds; j++)
    {
      size_t a, d;
      if (apt (run, u, j, &a, &d) && d < run->cmds[j].argc
          && streq (run->cmds[j].argv[d].s, "dist-clean"))
        return true;
    }
  return false;
}

static const struct brig_iword *
hit_apt_lists (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
               size_t len)
{
  const struct brig_icmd *c = &run->cmds[i];
  size_t k, sub;
  const char *name = apt (run, u, i, &k, &sub);

  if (name == NULL || sub >= c->argc || !streq (c->argv[sub].s, "update"))
    return NULL;
  snprintf (msg, len,
            "%s update without rm -rf /var/lib/apt/lists/* in the same RUN leaves the package "
            "lists in the layer",
            name);
  return &c->argv[sub];
}

static const struct brig_iword *
hit_apk_cache (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
               size_t len)
{
  static const char *const optarg[]
      = { "-X",         "--repository",        "-p", "--root", "--arch", "--cache-dir",
          "--keys-dir", "--repositories-file", NULL };
  const struct brig_icmd *c = &run->cmds[i];
  size_t k, sub;
  const char *name = cmd_name (u, i, &k);

  if (name == NULL || !streq (name, "apk"))
    return NULL;
  sub = subcommand (c, k, optarg);
  /* --no-network installs from what is already there: no index is fetched. */
  if (sub >= c->argc || !streq (c->argv[sub].s, "add") || find_opt (c, k, "--no-cache")
      || find_opt (c, k, "--no-network"))
    return NULL;
  snprintf (msg, len, "apk add without --no-cache keeps the package index in the layer");
  return &c->argv[k];
}

/* Does the RUN remove apk's cache (or keep it in a cache mount)? */
static bool
apk_cache_clean (const struct brig_irun *run, const struct unwrapped *u)
{
  (void)u;
  return run_mentions (run, "/var/cache/apk") || run_mentions (run, "target=/etc/apk/cache");
}

static const struct brig_iword *
hit_upgrade (const struct brig_irun *run, const struct unwrapped *u, size_t i, char *msg,
             size_t len)
{
  static const char *const apt_up[]
      = { "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade", NULL };
  const struct brig_icmd *c = &run->cmds[i];
  size_t k, sub;
  const char *name = apt (run, u, i, &k, &sub);

  if (name && sub < c->argc && in_list (c->argv[sub].s, apt_up))
    {
      snprintf (msg, len, "%s %s upgrades the base image's packages in place", name,
                c->argv[sub].s);
      return &c->argv[sub];
    }
  name = cmd_name (u, i, &k);
  if (name && streq (name, "apk"))
    {
      sub = subcommand (c, k, NULL);
      if (sub < c->argc && streq (c->argv[sub].s, "upgrade"))
        {
          snprintf (msg, len, "apk upgrade upgrades the base image's packages in place");
          return &c->argv[sub];
        }
    }
  return NULL;
}

/* The RUN rules: which commands, in which stages. */
#define RUN_RULE(check, final, bits, hit, clean)                                                   \
  static void check (const struct brig_image *img, const struct brig_audit_rule *r,                \
                     struct brig_findings *f)                                                      \
  {                                                                                                \
    each_run (img, r, f, final, bits, hit, clean);                                                 \
  }
RUN_RULE (check_sudo, false, CMD_SUDO, hit_sudo, NULL)
RUN_RULE (check_pipe_shell, false, CMD_PIPE_SHELL, hit_pipe_shell, NULL)
RUN_RULE (check_unsigned, false, CMD_UNSIGNED, hit_unsigned, NULL)
RUN_RULE (check_chpasswd, false, CMD_CHPASSWD, hit_chpasswd, NULL)
RUN_RULE (check_apt_yes, false, CMD_APT, hit_apt_yes, NULL)
RUN_RULE (check_apt_lists, true, CMD_APT, hit_apt_lists, apt_lists_clean)
RUN_RULE (check_apk_cache, true, CMD_APK, hit_apk_cache, apk_cache_clean)
RUN_RULE (check_upgrade, false, CMD_APT | CMD_APK, hit_upgrade, NULL)

/* --- the final image's configuration --------------------------------------- */

bool
brig_expose_covers (const char *s, unsigned long port)
{
  char *end;
  unsigned long a, b;

  a = strtoul (s, &end, 10);
  if (end == s)
    return false;
  b = a;
  if (*end == '-')
    {
      const char *p = end + 1;
      b = strtoul (p, &end, 10);
      if (end == p)
        return false;
    }
  return (*end == '\0' || *end == '/') && a <= port && port <= b;
}

static void
check_expose_ssh (const struct brig_image *img, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  _cleanup_free_ bool *mask = final_mask (img);

  for (size_t s = 0; s < img->nstages; s++)
    for (size_t i = 0; mask[s] && i < img->stages[s].nexpose; i++)
      if (brig_expose_covers (img->stages[s].expose[i].s, 22))
        brig_findings_add (f, r, img->file, img->stages[s].expose[i].loc,
                           "EXPOSE %s: the image offers SSH", img->stages[s].expose[i].s);
}

static void
check_healthcheck (const struct brig_image *img, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  const struct brig_istage *s = chain_find (img, HAS_HEALTHCHECK);

  if (s == NULL)
    brig_findings_add (f, r, img->file, brig_image_final (img)->loc,
                       "no HEALTHCHECK in the final image");
  else if (s->healthcheck_none)
    brig_findings_add (f, r, img->file, s->healthcheck_loc,
                       "HEALTHCHECK NONE: the final image has no health check");
}

static void
check_minimal_base (const struct brig_image *img, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  const struct brig_istage *fin = brig_image_final (img), *root = brig_image_root (img, fin);
  _cleanup_free_ bool *mask = NULL;
  struct image_facts own = { 0 };
  const struct image_facts *x;

  if (!root->base_resolved || root->windows || minimal_base (root->base.s))
    return;
  /* A final stage that deletes its shells has none left. */
  mask = final_mask (img);
  x = image_facts (img, &own);
  for (size_t s = 0; s < img->nstages; s++)
    for (size_t k = 0; mask[s] && k < img->stages[s].nruns; k++)
      {
        const struct brig_irun *run = &img->stages[s].runs[k];
        const struct run_facts *rf = &x->runs[x->first[s] + k];

        for (size_t i = 0; !run->onbuild && (rf->bits & CMD_RM) && i < run->ncmds; i++)
          {
            const struct brig_icmd *c = &run->cmds[i];
            size_t a = rf->cmds[i].k;
            const char *name = rf->cmds[i].name;
            for (size_t j = a + 1; name && streq (name, "rm") && j < c->argc; j++)
              if (streq (c->argv[j].s, "/bin/sh") || streq (c->argv[j].s, "/bin/*sh"))
                {
                  image_facts_release (&own);
                  return;
                }
          }
      }
  image_facts_release (&own);
  brig_findings_add (f, r, img->file, fin->loc,
                     "the final image is built on %s, which has a shell and tools an intruder "
                     "can use",
                     root->base.s);
}

/* --- the table ------------------------------------------------------------------ */

/* After CHECK_, maybe SAME (...): the other tools' rules that check the
 * same thing ("hadolint:DL3002"), whose suppressions silence this one. */
#define R(id_, title_, sev_, control_, why_, fix_, refs_, check_, ...)                             \
  {                                                                                                \
    .id = id_, .title = title_, .severity = sev_, .control = control_, .why = why_, .fix = fix_,   \
    .refs = refs_, .check_image = check_, __VA_ARGS__                                              \
  }
#define SAME(...) .same_as = BRIG_SAME_AS (__VA_ARGS__)

static const struct brig_audit_rule rules[] = {
  R ("BRIG-D001", "final image runs as root", BRIG_SEV_HIGH, "user-root",
     "The last USER of the final stage is root (or 0, or ContainerAdministrator): the container "
     "runs as root, one kernel bug, mounted socket or misconfiguration away from the host.",
     "End the final stage with USER and an unprivileged user; a numeric UID (USER 10001:10001) "
     "needs no /etc/passwd entry.",
     "hadolint DL3002; dockle CIS-DI-0001; checkov CKV_DOCKER_8; trivy DS-0002; CIS Docker 4.1",
     check_user_root, SAME ("hadolint:DL3002")),
  R ("BRIG-D002", "no USER in the final image", BRIG_SEV_MEDIUM, "user-missing",
     "Without USER the container runs as its base image's user, which is root for almost every "
     "base.",
     "Create an unprivileged user and add USER to the final stage (or build on a base that runs "
     "as non-root, such as distroless's :nonroot).",
     "checkov CKV_DOCKER_3; trivy DS-0002; dockle CIS-DI-0001; CIS Docker 4.1", check_user_missing),
  R ("BRIG-D003", "base image :latest or untagged", BRIG_SEV_MEDIUM, "base-latest",
     "latest (what a reference without a tag means) changes under the build: the image cannot "
     "be rebuilt as it was, and a changed or compromised base comes in unnoticed.  The same "
     "holds for an image COPY --from takes files from.",
     "Name a version tag (FROM python:3.12-slim, COPY --from=golang:1.23), better a digest.",
     "hadolint DL3006, DL3007; dockle DKL-DI-0006; checkov CKV_DOCKER_7; trivy DS-0001",
     check_base_latest, SAME ("hadolint:DL3006", "hadolint:DL3007")),
  R ("BRIG-D004", "base image not pinned by digest", BRIG_SEV_LOW, "base-digest",
     "A tag can be moved to another image; only a digest names one image.  The same holds for "
     "an image COPY --from takes files from.",
     "Pin each base, and each image COPY --from names: FROM image:tag@sha256:<digest>, and let "
     "a bot (Renovate, Dependabot) update the digest.",
     "no anchor rule (hadolint DL3006/DL3007 and CIS Docker 4.2 ask for known, trusted bases)",
     check_base_digest),
  R ("BRIG-D005", "ADD from a remote URL", BRIG_SEV_MEDIUM, "add-remote",
     "ADD fetches a URL at build time and, without --checksum, verifies nothing of what it got: "
     "whoever controls the server or the path controls the image.",
     "Use ADD --checksum=sha256:<digest> <url>, or fetch with curl and check a checksum or "
     "signature in the same RUN.",
     "dockle CIS-DI-0009; checkov CKV_DOCKER_4; trivy DS-0005; CIS Docker 4.9 (hadolint's DL3020 "
     "leaves URLs alone)",
     check_add_remote),
  R ("BRIG-D006", "ADD where COPY would do", BRIG_SEV_LOW, "add-local",
     "ADD also fetches URLs and unpacks archives; for local files COPY says what it does and "
     "does only that.",
     "Use COPY; keep ADD for a local tar archive that must be unpacked.",
     "hadolint DL3020; dockle CIS-DI-0009; checkov CKV_DOCKER_4; trivy DS-0005; CIS Docker 4.9",
     check_add_local, SAME ("hadolint:DL3020")),
  R ("BRIG-D007", "secret in ENV or ARG", BRIG_SEV_HIGH, "secret-env",
     "ENV values stay in the image's configuration and ARG values in its history (docker "
     "history): anyone who can pull the image can read them.",
     "Pass build secrets with RUN --mount=type=secret and run-time secrets from a secret store "
     "or a mounted file, never through ENV or ARG.",
     "hadolint DL3064; dockle CIS-DI-0010; trivy DS-0031; CIS Docker 4.10", check_secrets,
     SAME ("hadolint:DL3064")),
  R ("BRIG-D008", "sudo in RUN", BRIG_SEV_MEDIUM, "sudo",
     "RUN already runs as the stage's USER; sudo in an image means sudo is installed and "
     "configured in it, a ready step up for whoever gets in, with unpredictable TTY and signal "
     "behaviour.",
     "Switch with USER root before the step that needs it and USER back after; in an entrypoint "
     "use gosu or su-exec.",
     "hadolint DL3004; dockle DKL-DI-0001; checkov CKV2_DOCKER_1; trivy DS-0010", check_sudo,
     SAME ("hadolint:DL3004")),
  R ("BRIG-D009", "remote script piped to a shell", BRIG_SEV_MEDIUM, "pipe-to-shell",
     "curl ... | sh runs whatever the server (or anyone on the path) sends, as the build's user, "
     "with no checksum or signature.",
     "Download to a file, check its checksum or signature, then run it.", "no anchor rule (brig)",
     check_pipe_shell),
  R ("BRIG-D010", "TLS certificate checks turned off", BRIG_SEV_HIGH, "tls-off",
     "With certificate checks off anyone on the network path can replace what the build "
     "downloads.",
     "Remove curl -k/--insecure, wget --no-check-certificate, pip --trusted-host, npm/yarn "
     "strict-ssl false, sslverify=0, GIT_SSL_NO_VERIFY, NODE_TLS_REJECT_UNAUTHORIZED=0, "
     "PYTHONHTTPSVERIFY=0, PIP_TRUSTED_HOST; install the proxy's CA certificate instead if one "
     "intercepts TLS.",
     "checkov CKV2_DOCKER_2, _3, _4, _5, _6, _12, _13, _14, _15, _16", check_tls),
  R ("BRIG-D011", "package signatures not checked", BRIG_SEV_HIGH, "unsigned-packages",
     "Installing packages whose signatures are not checked lets a mirror or a man in the middle "
     "choose the code in the image.",
     "Remove --allow-unauthenticated, --force-yes, --allow-untrusted, --nogpgcheck, "
     "--nosignature, --nodigest, --noverify, --nofiledigest, --no-gpg-checks; import the "
     "repository's signing key instead.",
     "checkov CKV2_DOCKER_7, _8, _9, _10, _11; dockle CIS-DI-0011; CIS Docker 4.11",
     check_unsigned),
  R ("BRIG-D012", "password set with chpasswd", BRIG_SEV_MEDIUM, "chpasswd",
     "A password set in a Dockerfile is in the image and in the source: every container of the "
     "image shares it.",
     "Give accounts in images no password (passwd -l); use keys or run-time secrets.",
     "checkov CKV2_DOCKER_17", check_chpasswd),
  R ("BRIG-D013", "apt-get install without -y", BRIG_SEV_LOW, "apt-get-yes",
     "Without -y apt-get asks for confirmation, and the build fails or hangs at the prompt.",
     "apt-get install -y ...", "hadolint DL3014; trivy DS-0021", check_apt_yes,
     SAME ("hadolint:DL3014")),
  R ("BRIG-D014", "apt-get install without --no-install-recommends", BRIG_SEV_LOW,
     "apt-get-recommends",
     "Recommended packages are installed too: more code in the image, more to patch, more for "
     "an intruder to use.",
     "apt-get install -y --no-install-recommends ...", "hadolint DL3015; trivy DS-0029",
     check_apt_recommends, SAME ("hadolint:DL3015")),
  R ("BRIG-D015", "apt package lists left in the image", BRIG_SEV_LOW, "apt-lists",
     "The lists apt-get update downloads stay in the layer, tens of megabytes of stale index "
     "that a later RUN cannot remove.",
     "End the same RUN with && rm -rf /var/lib/apt/lists/* (or use RUN "
     "--mount=type=cache,target=/var/lib/apt/lists).",
     "hadolint DL3009; dockle DKL-DI-0005", check_apt_lists, SAME ("hadolint:DL3009")),
  R ("BRIG-D016", "apk add without --no-cache", BRIG_SEV_LOW, "apk-cache",
     "apk keeps its package index in the layer.", "apk add --no-cache ...",
     "hadolint DL3019; dockle DKL-DI-0004; trivy DS-0025", check_apk_cache,
     SAME ("hadolint:DL3019")),
  R ("BRIG-D017", "distribution upgrade in the image", BRIG_SEV_LOW, "upgrade",
     "apt-get upgrade, dist-upgrade or apk upgrade make the image depend on the day it was "
     "built and can change what the base image pinned; an updated base image is the way to get "
     "fixes.",
     "Rebuild on an updated base image (pinned by digest, updated by a bot) instead of "
     "upgrading in it.",
     "dockle DKL-DI-0003; trivy DS-0024", check_upgrade),
  R ("BRIG-D018", "SSH port exposed", BRIG_SEV_MEDIUM, "expose-ssh",
     "EXPOSE 22 means an SSH server in the container: another way in, with its own keys and "
     "passwords to manage.",
     "Remove EXPOSE 22 and the SSH server; use docker exec or kubectl exec to get into a "
     "container.",
     "checkov CKV_DOCKER_1; trivy DS-0004; CIS Docker 5.7 (at run time)", check_expose_ssh),
  R ("BRIG-D019", "no HEALTHCHECK", BRIG_SEV_LOW, "healthcheck",
     "Without a health check the engine cannot tell a hung service from a working one.",
     "Add HEALTHCHECK CMD <a command that fails when the service does>, or define probes in the "
     "orchestrator (Kubernetes ignores HEALTHCHECK).",
     "hadolint DL3057; dockle CIS-DI-0006; checkov CKV_DOCKER_2; trivy DS-0026; CIS Docker 4.6",
     check_healthcheck, SAME ("hadolint:DL3057")),
  R ("BRIG-D020", "shell and tools in the final image", BRIG_SEV_LOW, "minimal-base",
     "A base with a shell and a package manager gives an intruder tools to use; scratch and "
     "distroless bases have neither.",
     "Build in one stage and COPY the result into a distroless or scratch final stage (FROM "
     "gcr.io/distroless/static-debian12, FROM scratch).",
     "no anchor rule (CIS Docker 4.3 asks for no unnecessary packages)", check_minimal_base),
};

const struct brig_audit_rule *
brig_image_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

static int
by_first_line (const void *a, const void *b)
{
  const struct brig_loc *x = a, *y = b;
  return (x->line > y->line) - (x->line < y->line);
}

/* A finding in an instruction continued over lines (or with a heredoc)
 * after its first line: comments above the instruction suppress it too, as
 * hadolint's `# hadolint ignore=` does. */
static void
set_first_lines (const struct brig_image *img, struct brig_findings *f, size_t first)
{
  _cleanup_free_ struct brig_loc *v = NULL;
  size_t n = 0, cap = 0;

  for (size_t s = 0; s < img->nstages && first < f->n; s++)
    {
      const struct brig_istage *st = &img->stages[s];
      for (size_t k = 0; k < st->nruns + st->ncopies; k++)
        {
          struct brig_loc l = k < st->nruns ? st->runs[k].loc : st->copies[k - st->nruns].loc;
          if (l.end_line <= l.line)
            continue;
          if (n == cap)
            {
              cap = cap ? cap * 2 : 16;
              v = xreallocarray (v, cap, sizeof *v);
            }
          v[n++] = l;
        }
    }
  if (n == 0)
    return;
  qsort (v, n, sizeof *v, by_first_line);
  for (size_t i = first; i < f->n; i++)
    {
      struct brig_finding *x = &f->v[i];
      size_t lo = 0, hi = n;

      /* The last instruction starting at or before the finding's line. */
      while (hi - lo > 1)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (v[mid].line <= x->loc.line)
            lo = mid;
          else
            hi = mid;
        }
      if (x->first_line == 0 && v[lo].line < x->loc.line && x->loc.line <= v[lo].end_line)
        x->first_line = v[lo].line;
    }
}

void
brig_audit_image (const struct brig_image *img, struct brig_findings *f)
{
  size_t first = f->n;
  struct image_facts x;

  image_facts_init (&x, img);
  audit_facts = &x;
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    rules[i].check_image (img, &rules[i], f);
  audit_facts = NULL;
  image_facts_release (&x);
  set_first_lines (img, f, first);
}
