#include "report/oci_spec.h"
#include "model/caps.h"
#include "parse/units.h"
#include "util/cleanup.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

json_t *
brig_oci_seccomp_json (const struct brig_seccomp *p, uint64_t caps)
{
  json_t *root = json_object (), *rules = json_array (), *arches = json_array ();

  json_object_set_new (root, "defaultAction",
                       json_string (brig_scmp_action_name (p->default_action)));
  if (p->default_action == BRIG_SCMP_ERRNO)
    json_object_set_new (root, "defaultErrnoRet", json_integer (p->default_errno));
  for (size_t i = 0; p->arches && p->arches[i]; i++)
    json_array_append_new (arches, json_string (p->arches[i]));
  if (json_array_size (arches) == 0)
    json_array_append_new (arches, json_string ("SCMP_ARCH_X86_64"));
  json_object_set_new (root, "architectures", arches);
  for (size_t i = 0; i < p->nrules; i++)
    {
      const struct brig_scmp_rule *r = &p->rules[i];
      json_t *names, *rule;

      if ((r->caps_all & caps) != r->caps_all || (r->caps_none & caps))
        continue;
      names = json_array ();
      for (size_t j = 0; r->names[j]; j++)
        json_array_append_new (names, json_string (r->names[j]));
      rule = json_pack ("{s:o, s:s}", "names", names, "action", brig_scmp_action_name (r->action));
      if (r->action == BRIG_SCMP_ERRNO || r->action == BRIG_SCMP_TRACE)
        json_object_set_new (rule, "errnoRet", json_integer (r->errno_ret));
      if (r->nargs)
        {
          json_t *args = json_array ();
          for (size_t j = 0; j < r->nargs; j++)
            json_array_append_new (args,
                                   json_pack ("{s:i, s:I, s:I, s:s}", "index", r->args[j].index,
                                              "value", (json_int_t)r->args[j].value, "valueTwo",
                                              (json_int_t)r->args[j].value_two, "op",
                                              brig_scmp_op_name (r->args[j].op)));
          json_object_set_new (rule, "args", args);
        }
      json_array_append_new (rules, rule);
    }
  json_object_set_new (root, "syscalls", rules);
  return root;
}

static json_t *
caps_json (uint64_t set)
{
  json_t *a = json_array ();
  for (int i = 0; i <= BRIG_CAP_MAX; i++)
    if (set & (UINT64_C (1) << i))
      json_array_append_new (a, json_string (brig_cap_name (i)));
  return a;
}

json_t *
brig_strv_json (char *const *v)
{
  json_t *a = json_array ();
  for (size_t i = 0; v && v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

static const struct
{
  unsigned long flag;
  const char *name;
} flag_names[] = {
  { MS_RDONLY, "ro" },
  { MS_NOSUID, "nosuid" },
  { MS_NODEV, "nodev" },
  { MS_NOEXEC, "noexec" },
  { MS_NOATIME, "noatime" },
  { MS_NODIRATIME, "nodiratime" },
  { MS_STRICTATIME, "strictatime" },
};

static json_t *
mount_json (const struct brig_mount *m)
{
  json_t *opts = json_array ();
  bool bind = strcmp (m->type, "bind") == 0;

  if (bind)
    json_array_append_new (opts, json_string (m->flags & MS_REC ? "rbind" : "bind"));
  for (size_t i = 0; i < ARRAY_SIZE (flag_names); i++)
    if (m->flags & flag_names[i].flag)
      json_array_append_new (opts, json_string (flag_names[i].name));
  for (size_t i = 0; m->data && m->data[i]; i++)
    json_array_append_new (opts, json_string (m->data[i]));
  return json_pack ("{s:s, s:s, s:s, s:o}", "destination", m->dest, "type", m->type, "source",
                    m->source ? m->source : m->type, "options", opts);
}

static json_t *
idmaps_json (const struct brig_idmap *maps, size_t n)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < n; i++)
    json_array_append_new (
        a, json_pack ("{s:I, s:I, s:I}", "containerID", (json_int_t)maps[i].inside, "hostID",
                      (json_int_t)maps[i].outside, "size", (json_int_t)maps[i].count));
  return a;
}

static const struct
{
  unsigned bit;
  const char *name;
} ns_names[] = {
  { BRIG_NS_PID, "pid" },       { BRIG_NS_NET, "network" }, { BRIG_NS_IPC, "ipc" },
  { BRIG_NS_UTS, "uts" },       { BRIG_NS_MNT, "mount" },   { BRIG_NS_USER, "user" },
  { BRIG_NS_CGROUP, "cgroup" },
};

json_t *
brig_oci_spec_json (const struct brig_container *c)
{
  json_t *process, *lx, *mounts = json_array (), *nss = json_array (), *rlimits = json_array ();
  json_t *resources = json_object (), *groups = json_array ();

  for (size_t i = 0; i < c->ngroups; i++)
    json_array_append_new (groups, json_integer (c->groups[i]));
  for (size_t i = 0; i < c->nrlimits; i++)
    {
      _cleanup_free_ char *name
          = xasprintf ("RLIMIT_%s", brig_rlimit_name (c->rlimits[i].resource));
      for (char *p = name; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
      json_array_append_new (rlimits, json_pack ("{s:s, s:I, s:I}", "type", name, "hard",
                                                 (json_int_t)c->rlimits[i].hard, "soft",
                                                 (json_int_t)c->rlimits[i].soft));
    }
  process = json_pack (
      "{s:b, s:{s:i, s:i, s:o}, s:o, s:o, s:s, s:{s:o, s:o, s:o, s:o, s:o}, "
      "s:o, s:b}",
      "terminal", c->terminal, "user", "uid", (int)c->uid, "gid", (int)c->gid, "additionalGids",
      groups, "args", brig_strv_json (c->argv), "env", brig_strv_json (c->env), "cwd",
      c->cwd ? c->cwd : "/", "capabilities", "bounding", caps_json (c->caps.bounding), "effective",
      caps_json (c->caps.effective), "permitted", caps_json (c->caps.permitted), "inheritable",
      caps_json (c->caps.inheritable), "ambient", caps_json (c->caps.ambient), "rlimits", rlimits,
      "noNewPrivileges", c->no_new_privs);
  for (size_t i = 0; i < c->nmounts; i++)
    json_array_append_new (mounts, mount_json (&c->mounts[i]));
  for (size_t i = 0; i < ARRAY_SIZE (ns_names); i++)
    if (c->namespaces & ns_names[i].bit)
      json_array_append_new (nss, json_pack ("{s:s}", "type", ns_names[i].name));
  if (c->limits.memory != BRIG_UNLIMITED)
    json_object_set_new (
        resources, "memory",
        json_pack (
            "{s:I, s:I}", "limit", (json_int_t)c->limits.memory, "swap",
            (json_int_t)(c->limits.memory_swap == BRIG_UNLIMITED ? -1 : c->limits.memory_swap)));
  if (c->limits.pids != BRIG_UNLIMITED)
    json_object_set_new (resources, "pids",
                         json_pack ("{s:I}", "limit", (json_int_t)c->limits.pids));
  if (c->ndevices)
    {
      /* Deny every device first, as runc and containerd write it: the
       * rules that follow are the only devices allowed. */
      json_t *devs = json_array ();
      json_array_append_new (devs, json_pack ("{s:b, s:s}", "allow", 0, "access", "rwm"));
      for (size_t i = 0; i < c->ndevices; i++)
        {
          const struct brig_device_rule *d = &c->devices[i];
          json_t *o = json_pack ("{s:b, s:s#}", "allow", d->allow, "type", &d->type, 1);
          if (d->major >= 0)
            json_object_set_new (o, "major", json_integer (d->major));
          if (d->minor >= 0)
            json_object_set_new (o, "minor", json_integer (d->minor));
          json_object_set_new (o, "access", json_string (d->access));
          json_array_append_new (devs, o);
        }
      json_object_set_new (resources, "devices", devs);
    }
  if (c->limits.cpu_quota)
    json_object_set_new (resources, "cpu",
                         json_pack ("{s:I, s:I}", "quota", (json_int_t)c->limits.cpu_quota,
                                    "period", (json_int_t)c->limits.cpu_period));
  lx = json_pack ("{s:o, s:o, s:o, s:o, s:o, s:o}", "namespaces", nss, "uidMappings",
                  idmaps_json (c->uidmap, c->nuidmap), "gidMappings",
                  idmaps_json (c->gidmap, c->ngidmap), "resources", resources, "maskedPaths",
                  brig_strv_json (c->masked_paths), "readonlyPaths",
                  brig_strv_json (c->readonly_paths));
  if (c->seccomp)
    json_object_set_new (lx, "seccomp", brig_oci_seccomp_json (c->seccomp, c->caps.bounding));
  return json_pack ("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.2.0", "process",
                    process, "root", "path", c->rootfs ? c->rootfs : "rootfs", "readonly",
                    c->readonly_rootfs, "hostname", c->hostname ? c->hostname : "brig", "mounts",
                    mounts, "linux", lx);
}

int
brig_oci_spec_write (int fd, const struct brig_container *c, struct brig_err *err)
{
  json_t *j = brig_oci_spec_json (c);
  int r;

  if (j == NULL)
    return brig_error (err, ENOMEM, "build config.json");
  r = json_dumpfd (j, fd, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (j);
  if (r < 0 || write (fd, "\n", 1) != 1)
    return brig_error (err, errno, "write config.json");
  return 0;
}

static json_t *
names_json (const char *const *names)
{
  json_t *a = json_array ();
  for (size_t i = 0; names[i]; i++)
    json_array_append_new (a, json_string (names[i]));
  return a;
}

json_t *
brig_oci_features (void)
{
  static const char *const mount_options[]
      = { "ro",       "rw",          "nosuid",     "suid",       "nodev",       "dev",
          "noexec",   "exec",        "bind",       "rbind",      "noatime",     "atime",
          "relatime", "strictatime", "nodiratime", "private",    "rprivate",    "slave",
          "rslave",   "shared",      "rshared",    "unbindable", "runbindable", "idmap",
          "ridmap",   "sync",        "dirsync",    "async",      NULL };
  static const char *const namespaces[]
      = { "pid", "network", "ipc", "uts", "mount", "user", "cgroup", NULL };
  static const char *const actions[] = { "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
                                         "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                         "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                         "SCMP_ACT_TRAP",        "SCMP_ACT_TRACE",
                                         "SCMP_ACT_NOTIFY",      NULL };
  static const char *const operators[]
      = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
          "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };
  static const char *const archs[]
      = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", NULL };
  json_t *caps = json_array ();

  for (int i = 0; i <= BRIG_CAP_MAX; i++)
    json_array_append_new (caps, json_string (brig_cap_name (i)));
  /* AppArmor and SELinux are applied where the host runs them (an error
   * elsewhere); Intel RDT is refused. */
  return json_pack ("{s:s, s:s, s:[ssssss], s:o, s:{s:o, s:o, s:{s:b, s:b, s:b}, s:{s:b, s:o, s:o, "
                    "s:o, s:[]}, s:{s:b}, s:{s:b}, s:{s:b}}, s:{}}",
                    "ociVersionMin", "1.0.0", "ociVersionMax", "1.2.0", "hooks", "prestart",
                    "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
                    "mountOptions", names_json (mount_options), "linux", "namespaces",
                    names_json (namespaces), "capabilities", caps, "cgroup", "v1", 1, "v2", 1,
                    "systemd", 0, "seccomp", "enabled", 1, "archs", names_json (archs), "actions",
                    names_json (actions), "operators", names_json (operators), "supportedFlags",
                    "apparmor", "enabled", 1, "selinux", "enabled", 1, "intelRdt", "enabled", 0,
                    "annotations");
}
