/* The rules over images themselves (BRIG-Innn): an image of the store or
 * an archive, as brig audit --image reads it (model/imagescan.h).  The
 * Dockerfile rules (policy/image.c) judge how an image is built; these
 * judge what was built: its config and the files of its final root. */
#include "policy/stored_image.h"
#include "model/container.h"
#include "model/imagescan.h"
#include "policy/image.h"
#include "util/cleanup.h"

#include <string.h>

static const struct brig_loc nowhere = { 0, 0, 0, 0 };

/* Directories a program is looked up in, and what a name found there is. */
static const char *const bin_dirs[]
    = { "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", NULL };

static const struct
{
  const char *name;
  enum brig_image_tool kind;
} tools[] = {
  { "sh", BRIG_TOOL_SHELL },         { "bash", BRIG_TOOL_SHELL },
  { "dash", BRIG_TOOL_SHELL },       { "ash", BRIG_TOOL_SHELL },
  { "zsh", BRIG_TOOL_SHELL },        { "ksh", BRIG_TOOL_SHELL },
  { "mksh", BRIG_TOOL_SHELL },       { "csh", BRIG_TOOL_SHELL },
  { "tcsh", BRIG_TOOL_SHELL },       { "fish", BRIG_TOOL_SHELL },
  { "busybox", BRIG_TOOL_SHELL },    { "apt", BRIG_TOOL_PACKAGES },
  { "apt-get", BRIG_TOOL_PACKAGES }, { "dpkg", BRIG_TOOL_PACKAGES },
  { "apk", BRIG_TOOL_PACKAGES },     { "yum", BRIG_TOOL_PACKAGES },
  { "dnf", BRIG_TOOL_PACKAGES },     { "microdnf", BRIG_TOOL_PACKAGES },
  { "rpm", BRIG_TOOL_PACKAGES },     { "zypper", BRIG_TOOL_PACKAGES },
  { "pacman", BRIG_TOOL_PACKAGES },  { "pip", BRIG_TOOL_PACKAGES },
  { "pip3", BRIG_TOOL_PACKAGES },    { "pip2", BRIG_TOOL_PACKAGES },
};

enum brig_image_tool
brig_image_tool (const char *path)
{
  const char *slash = strrchr (path, '/');
  size_t dl;
  bool in_bin = false;

  if (slash == NULL)
    return BRIG_TOOL_NONE;
  dl = (size_t)(slash - path);
  for (size_t i = 0; bin_dirs[i] && !in_bin; i++)
    in_bin = strlen (bin_dirs[i]) == dl && strncmp (bin_dirs[i], path, dl) == 0;
  if (!in_bin)
    return BRIG_TOOL_NONE;
  for (size_t i = 0; i < ARRAY_SIZE (tools); i++)
    if (strcmp (tools[i].name, slash + 1) == 0)
      return tools[i].kind;
  return BRIG_TOOL_NONE;
}

bool
brig_image_watch (const char *path)
{
  return brig_image_tool (path) != BRIG_TOOL_NONE;
}

/* "sha256:0123456789ab": a layer, short. */
static const char *
layer_of (const struct brig_image_scan *img, const struct brig_scan_file *x, char buf[20])
{
  snprintf (buf, 20, "%.19s", x->layer < img->nlayers ? img->layers[x->layer] : "?");
  return buf;
}

static void
check_user (const struct brig_image_scan *img, const struct brig_audit_rule *r,
            struct brig_findings *f)
{
  if (img->user == NULL || img->user[0] == '\0')
    brig_findings_add (f, r, img->name, nowhere, "the image runs as root: its config sets no User");
  else if (brig_user_is_root (img->user))
    brig_findings_add (f, r, img->name, nowhere, "the image runs as root (User %s)", img->user);
}

static bool
moving_tag (const char *name)
{
  return str_has_suffix (name, ":latest");
}

static void
check_tag (const struct brig_image_scan *img, const struct brig_audit_rule *r,
           struct brig_findings *f)
{
  size_t n = 0;

  if (img->pinned)
    return;
  for (size_t i = 0; img->tags && img->tags[i]; i++)
    if (!moving_tag (img->tags[i]))
      return;
    else
      n++;
  if (n == 0)
    brig_findings_add (f, r, img->name, nowhere,
                       "the image has no tag and %s names no digest: what it is cannot be "
                       "told from its name",
                       img->ref);
  else
    brig_findings_add (f, r, img->name, nowhere,
                       "the image is known only as %s, a tag every new build moves, and %s "
                       "names no digest",
                       img->tags[0], img->ref);
}

static void
check_env (const struct brig_image_scan *img, const struct brig_audit_rule *r,
           struct brig_findings *f)
{
  for (size_t i = 0; img->env && img->env[i]; i++)
    {
      const char *eq = strchr (img->env[i], '=');
      _cleanup_free_ char *name = xstrndup (img->env[i], eq ? (size_t)(eq - img->env[i]) : 0);
      if (eq && eq[1] && brig_secret_name (name))
        brig_findings_add (f, r, img->name, nowhere,
                           "Env %s: a secret in the image's configuration, readable by anyone "
                           "who can pull it (value not shown)",
                           name);
    }
}

static void
tools_of (const struct brig_image_scan *img, const struct brig_audit_rule *r,
          struct brig_findings *f, enum brig_image_tool kind, const char *what)
{
  _cleanup_free_ char *list = NULL;
  size_t n = 0;

  for (size_t i = 0; i < img->nfiles; i++)
    if (img->files[i].watched && brig_image_tool (img->files[i].path) == kind)
      {
        n++;
        str_append (&list, ", ", img->files[i].path);
      }
  if (n)
    brig_findings_add (f, r, img->name, nowhere, "%s in the final image: %s", what, list);
}

static void
check_shell (const struct brig_image_scan *img, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  tools_of (img, r, f, BRIG_TOOL_SHELL, "a shell");
}

static void
check_packages (const struct brig_image_scan *img, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  tools_of (img, r, f, BRIG_TOOL_PACKAGES, "a package manager");
}

static void
check_setid (const struct brig_image_scan *img, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  for (size_t i = 0; i < img->nfiles; i++)
    {
      const struct brig_scan_file *x = &img->files[i];
      char l[20];
      if (x->type != BRIG_SCAN_FILE || !(x->mode & 06000))
        continue;
      brig_findings_add (
          f, r, x->where, nowhere, "%s%s%s file %s (mode %04o, owner %llu:%llu, layer %s)",
          x->mode & 04000 ? "setuid" : "", (x->mode & 06000) == 06000 ? "+" : "",
          x->mode & 02000 ? "setgid" : "", x->path, (unsigned)x->mode, (unsigned long long)x->uid,
          (unsigned long long)x->gid, layer_of (img, x, l));
    }
}

static void
check_world_writable (const struct brig_image_scan *img, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  for (size_t i = 0; i < img->nfiles; i++)
    {
      const struct brig_scan_file *x = &img->files[i];
      char l[20];
      if (!(x->mode & 0002) || x->type == BRIG_SCAN_SYMLINK || x->type == BRIG_SCAN_OTHER
          || (x->type == BRIG_SCAN_DIR && (x->mode & 01000)))
        continue;
      brig_findings_add (
          f, r, x->where, nowhere, "%s %s is writable by anyone (mode %04o%s, layer %s)",
          x->type == BRIG_SCAN_DIR ? "directory" : "file", x->path, (unsigned)x->mode,
          x->type == BRIG_SCAN_DIR ? ", no sticky bit" : "", layer_of (img, x, l));
    }
}

/* Services an image should not offer to whoever reaches its ports. */
static const struct
{
  unsigned long port;
  const char *what;
} sensitive_ports[] = {
  { 22, "SSH" },
  { 23, "telnet" },
  { 111, "rpcbind" },
  { 445, "SMB" },
  { 2375, "the Docker API without TLS" },
  { 2376, "the Docker API" },
  { 3389, "RDP" },
  { 5900, "VNC" },
};

static void
check_ports (const struct brig_image_scan *img, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  for (size_t i = 0; img->exposed_ports && img->exposed_ports[i]; i++)
    for (size_t k = 0; k < ARRAY_SIZE (sensitive_ports); k++)
      if (brig_expose_covers (img->exposed_ports[i], sensitive_ports[k].port))
        {
          brig_findings_add (f, r, img->name, nowhere, "ExposedPorts %s: the image offers %s",
                             img->exposed_ports[i], sensitive_ports[k].what);
          break;
        }
}

static void
check_healthcheck (const struct brig_image_scan *img, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  if (img->healthcheck == NULL || img->healthcheck[0] == NULL)
    brig_findings_add (f, r, img->name, nowhere, "the image's config has no Healthcheck");
  else if (strcmp (img->healthcheck[0], "NONE") == 0)
    brig_findings_add (f, r, img->name, nowhere,
                       "Healthcheck NONE: the image turns its base's health check off");
}

#define R(id_, title_, sev_, control_, why_, fix_, refs_, check_)                                  \
  {                                                                                                \
    .id = id_, .title = title_, .severity = sev_, .control = control_, .why = why_, .fix = fix_,   \
    .refs = refs_, .check_scan = check_                                                            \
  }

static const struct brig_audit_rule rules[] = {
  /* brig run's gate rule of the same id, title and severity
   * (policy/rules.c), here for an image judged before it runs. */
  R ("BRIG-C018", "image runs as root", BRIG_SEV_MEDIUM, "image-user",
     "The image's config sets no User, or root: every container from it runs as root unless "
     "the one who runs it remembers -u; in a user namespace that root is unprivileged on the "
     "host, but it owns everything in the container and is one kernel bug away from the "
     "host's root.",
     "Rebuild with USER and an unprivileged user (USER 10001:10001 needs no /etc/passwd entry); "
     "until then run it with -u (brig run --strict refuses it).",
     "CIS Docker 4.1; dockle CIS-DI-0001; brig run: BRIG-C018 (the gate rule of this id)",
     check_user),
  R ("BRIG-I001", "image known only by :latest or no tag", BRIG_SEV_MEDIUM, "image-tag",
     "An image whose only names are :latest (or none) and that was not named by its digest: "
     "the next load or pull of the same name is another image, and nothing records which one "
     "was judged.",
     "Tag images with a version (app:1.2.3) and refer to them by digest "
     "(app@sha256:...), as brig inspect shows it.",
     "dockle DKL-DI-0006; trivy DS-0001 (for FROM)", check_tag),
  R ("BRIG-I002", "secret in the image's Env", BRIG_SEV_HIGH, "image-secret-env",
     "A variable named like a secret (PASSWORD, TOKEN, API_KEY...) with a value in the image's "
     "config: anyone who can pull the image reads it with docker inspect.",
     "Remove the ENV from the build; give secrets at run time (a secret store, a mounted file, "
     "-e from the environment) and rotate the one the image leaked.",
     "CIS Docker 4.10; dockle CIS-DI-0010", check_env),
  R ("BRIG-I003", "shell in the image", BRIG_SEV_LOW, "image-shell",
     "A shell in the final image is the first thing an intruder who gets code execution uses; "
     "a service needs none.",
     "Build in one stage and COPY the program into a distroless or scratch final stage; or "
     "remove the shells in the last layer that needs them.",
     "CIS Docker 4.3", check_shell),
  R ("BRIG-I004", "package manager in the image", BRIG_SEV_LOW, "image-packages",
     "A package manager (apt, dpkg, apk, yum, dnf, rpm, pip...) left in the final image lets an "
     "intruder install the tools the image left out.",
     "Use a final stage without one (distroless, scratch), or remove it in the last layer.",
     "CIS Docker 4.3", check_packages),
  R ("BRIG-I005", "setuid or setgid file in the image", BRIG_SEV_MEDIUM, "image-setid",
     "A setuid or setgid program runs with its owner's or group's rights whoever starts it: a "
     "way up for a process that is not root, where a bug in it is found.",
     "Remove the bits in the build (RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +), "
     "or remove the programs; brig run clears them at unpack unless the policy keeps them.",
     "CIS Docker 4.8; dockle CIS-DI-0008", check_setid),
  R ("BRIG-I006", "world-writable file or directory in the image", BRIG_SEV_MEDIUM,
     "image-world-writable",
     "A file anyone may write can be changed by any user of the container (a program or "
     "configuration replaced); a directory anyone may write without the sticky bit lets any "
     "user delete or replace the others' files.",
     "chmod o-w the files in the build; give shared directories the sticky bit (chmod 1777), "
     "as /tmp has.",
     "no anchor rule", check_world_writable),
  R ("BRIG-I007", "sensitive service port exposed", BRIG_SEV_MEDIUM, "image-ports",
     "The image declares a port of a remote administration service (SSH, telnet, RDP, VNC, the "
     "Docker API...): a container should not be logged into, and such a port published is a "
     "way in.",
     "Remove the EXPOSE and the service; use docker exec or brig run for administration.",
     "no anchor rule (CIS Docker 5.7 asks for no sshd in containers)", check_ports),
  R ("BRIG-I008", "no Healthcheck in the image", BRIG_SEV_LOW, "image-healthcheck",
     "Without a health check the engine cannot tell a hung service from a working one.",
     "Rebuild with HEALTHCHECK CMD <a command that fails when the service does>, or define "
     "probes where it runs (Kubernetes ignores HEALTHCHECK).",
     "CIS Docker 4.6; dockle CIS-DI-0006", check_healthcheck),
};

const struct brig_audit_rule *
brig_stored_image_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

void
brig_audit_stored_image (const struct brig_image_scan *img, struct brig_findings *f)
{
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    rules[i].check_scan (img, &rules[i], f);
}
