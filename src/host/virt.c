/* Virtualisation and containers, detected as systemd-detect-virt does and
 * named as it names them, from what is cheap to read: the container
 * markers first (a container on a VM reports the container), then CPUID's
 * hypervisor leaf, then DMI and the Xen markers. */
#include "host/machine.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static void
src_set (struct brig_host_src *s, const char *file, int line)
{
  snprintf (s->file, sizeof s->file, "%s", file);
  s->loc = (struct brig_loc){ line, line ? 1 : 0, 0, 0 };
}

/* The first line of ROOT/PATH, trimmed, in BUF; false when unreadable. */
static bool
first_line (const char *root, const char *path, char *buf, size_t size)
{
  _cleanup_free_ char *full = xasprintf ("%s%s", root, path);
  _cleanup_fclose_ FILE *f = fopen (full, "re");
  size_t n;

  if (f == NULL || fgets (buf, (int)size, f) == NULL)
    return false;
  n = strcspn (buf, "\n");
  while (n && buf[n - 1] == ' ')
    n--;
  buf[n] = '\0';
  return true;
}

static bool
exists (const char *root, const char *path)
{
  _cleanup_free_ char *full = xasprintf ("%s%s", root, path);
  struct stat st;
  return lstat (full, &st) == 0;
}

/* container= in pid 1's environment (systemd and LXC set it; Podman too). */
static bool
pid1_container (const char *root, char *ret, size_t size)
{
  _cleanup_free_ char *full = xasprintf ("%s/proc/1/environ", root);
  _cleanup_free_ char *buf = NULL;
  size_t len;
  struct brig_err e = { 0 };

  if (brig_read_file (full, 1 << 16, &buf, &len, &e) < 0)
    {
      brig_err_release (&e);
      return false;
    }
  for (size_t i = 0; i < len; i += strlen (buf + i) + 1)
    if (strncmp (buf + i, "container=", 10) == 0 && buf[i + 10])
      {
        snprintf (ret, size, "%s", buf + i + 10);
        return true;
      }
  return false;
}

static void
container_found (struct brig_host_virt *v, const char *name, const char *file, const char *why)
{
  snprintf (v->container, sizeof v->container, "%s", name);
  snprintf (v->container_why, sizeof v->container_why, "%s", why);
  src_set (&v->container_src, file, 0);
}

static void
read_container (const char *root, struct brig_host_virt *v)
{
  char buf[64], env[64];

  /* OpenVZ: /proc/vz on host and guest, /proc/bc only on its host. */
  if (exists (root, "/proc/vz") && !exists (root, "/proc/bc"))
    {
      container_found (v, "openvz", "/proc/vz", "/proc/vz without /proc/bc");
      return;
    }
  if (first_line (root, "/proc/sys/kernel/osrelease", buf, sizeof buf)
      && (strstr (buf, "Microsoft") || strstr (buf, "microsoft") || strstr (buf, "WSL")))
    {
      container_found (v, "wsl", "/proc/sys/kernel/osrelease", "the kernel's release names WSL");
      return;
    }
  /* systemd writes what it found at boot here. */
  if (first_line (root, "/run/systemd/container", buf, sizeof buf) && buf[0])
    {
      snprintf (env, sizeof env, "%s", buf);
      char why[128];
      snprintf (why, sizeof why, "/run/systemd/container says %s", env);
      container_found (v, strcmp (env, "oci") == 0 ? "container-other" : env,
                       "/run/systemd/container", why);
      return;
    }
  if (pid1_container (root, env, sizeof env))
    {
      char why[128];
      snprintf (why, sizeof why, "pid 1's environment has container=%s", env);
      container_found (v, strcmp (env, "oci") == 0 ? "container-other" : env, "/proc/1/environ",
                       why);
      return;
    }
  if (exists (root, "/run/.containerenv"))
    {
      container_found (v, "podman", "/run/.containerenv", "/run/.containerenv exists");
      return;
    }
  if (exists (root, "/.dockerenv"))
    {
      container_found (v, "docker", "/.dockerenv", "/.dockerenv exists");
      return;
    }
  if (exists (root, "/dev/.lxc") || exists (root, "/dev/.lxc-boot-id"))
    {
      container_found (v, "lxc", "/dev/.lxc", "/dev/.lxc exists");
      return;
    }
  /* No marker (brig's own containers, runc started by hand): a user
   * namespace other than the first is a container all the same, whose
   * kernel is the host's.  systemd-detect-virt does not look here. */
  {
    unsigned long in, out, count;
    _cleanup_free_ char *um = xasprintf ("%s/proc/self/uid_map", root);
    _cleanup_fclose_ FILE *f = fopen (um, "re");
    if (f && fscanf (f, "%lu %lu %lu", &in, &out, &count) == 3
        && !(in == 0 && out == 0 && count == 4294967295UL))
      {
        char why[128];
        snprintf (why, sizeof why, "a user namespace: /proc/self/uid_map maps %lu to %lu", in, out);
        container_found (v, "container-other", "/proc/self/uid_map", why);
        v->container_src.loc = (struct brig_loc){ 1, 1, 0, 0 };
        return;
      }
  }
}

/* CPUID leaf 0x40000000's vendor -> the name; NULL for an unknown one. */
static const struct
{
  const char *sig, *name;
} cpuid_vendors[] = {
  { "KVMKVMKVM", "kvm" },      { "Linux KVM Hv", "kvm" },    { "TCGTCGTCGTCG", "qemu" },
  { "XenVMMXenVMM", "xen" },   { "VMwareVMware", "vmware" }, { "Microsoft Hv", "microsoft" },
  { "bhyve bhyve ", "bhyve" }, { "QNXQVMBSQG", "qnx" },      { "ACRNACRNACRN", "acrn" },
  { "SRESRESRESRE", "sre" },   { "Apple VZ", "apple" },
};

/* The hypervisor's vendor string from CPUID, or false on bare metal (the
 * hypervisor bit of leaf 1 clear) and other architectures. */
static bool
cpuid_hypervisor (char vendor[13])
{
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;

  if (!__get_cpuid (1, &a, &b, &c, &d) || !(c & (1u << 31)))
    return false;
  __cpuid (0x40000000, a, b, c, d);
  memcpy (vendor, &b, 4);
  memcpy (vendor + 4, &c, 4);
  memcpy (vendor + 8, &d, 4);
  vendor[12] = '\0';
  return true;
#else
  (void)vendor;
  return false;
#endif
}

/* DMI's vendor words -> the name, as systemd-detect-virt reads them. */
static const struct
{
  const char *word, *name;
} dmi_vendors[] = {
  { "KVM", "kvm" },
  { "OpenStack", "kvm" },
  { "KubeVirt", "kvm" },
  { "Amazon EC2", "amazon" },
  { "QEMU", "qemu" },
  { "VMware", "vmware" },
  { "VMW", "vmware" },
  { "innotek GmbH", "oracle" },
  { "VirtualBox", "oracle" },
  { "Oracle Corporation", "oracle" },
  { "Xen", "xen" },
  { "Bochs", "bochs" },
  { "Parallels", "parallels" },
  { "BHYVE", "bhyve" },
  { "Hyper-V", "microsoft" },
  { "Apple Virtualization", "apple" },
  { "Google Compute Engine", "google" },
};

static const char *
read_dmi (const char *root, char *file, size_t fsize, char *value, size_t vsize)
{
  static const char *const keys[]
      = { "product_name", "sys_vendor", "board_vendor", "bios_vendor", "product_version" };
  for (size_t k = 0; k < ARRAY_SIZE (keys); k++)
    {
      char path[96], buf[128];
      snprintf (path, sizeof path, "/sys/class/dmi/id/%s", keys[k]);
      if (!first_line (root, path, buf, sizeof buf))
        continue;
      for (size_t i = 0; i < ARRAY_SIZE (dmi_vendors); i++)
        if (strncmp (buf, dmi_vendors[i].word, strlen (dmi_vendors[i].word)) == 0)
          {
            snprintf (file, fsize, "%s", path);
            snprintf (value, vsize, "%s", buf);
            return dmi_vendors[i].name;
          }
    }
  return NULL;
}

static void
vm_found (struct brig_host_virt *v, const char *name, const char *file, const char *why)
{
  snprintf (v->vm, sizeof v->vm, "%s", name);
  snprintf (v->vm_why, sizeof v->vm_why, "%s", why);
  src_set (&v->vm_src, file, strncmp (file, "host:", 5) ? 1 : 0);
}

static void
read_vm (const struct brig_host_paths *p, struct brig_host_virt *v)
{
  char vendor[13], dmi_file[96], dmi_value[128], why[192], buf[64];
  const char *dmi = read_dmi (p->root, dmi_file, sizeof dmi_file, dmi_value, sizeof dmi_value);
  bool hv = !p->no_cpuid && cpuid_hypervisor (vendor);

  /* DMI names the cloud where CPUID only names its hypervisor. */
  if (dmi
      && (strcmp (dmi, "amazon") == 0 || strcmp (dmi, "oracle") == 0
          || strcmp (dmi, "google") == 0))
    {
      snprintf (why, sizeof why, "DMI says \"%s\"", dmi_value);
      vm_found (v, dmi, dmi_file, why);
      return;
    }
  if (hv)
    for (size_t i = 0; i < ARRAY_SIZE (cpuid_vendors); i++)
      if (strncmp (vendor, cpuid_vendors[i].sig, strlen (cpuid_vendors[i].sig)) == 0)
        {
          snprintf (why, sizeof why, "CPUID leaf 0x40000000 says \"%s\"", vendor);
          vm_found (v, cpuid_vendors[i].name, "host:cpuid", why);
          return;
        }
  if (exists (p->root, "/proc/xen")
      || (first_line (p->root, "/sys/hypervisor/type", buf, sizeof buf)
          && strcmp (buf, "xen") == 0))
    {
      vm_found (v, "xen", exists (p->root, "/proc/xen") ? "/proc/xen" : "/sys/hypervisor/type",
                "the Xen markers in /proc or /sys");
      return;
    }
  if (dmi)
    {
      snprintf (why, sizeof why, "DMI says \"%s\"", dmi_value);
      vm_found (v, dmi, dmi_file, why);
      return;
    }
  if (hv)
    {
      snprintf (why, sizeof why, "CPUID's hypervisor bit, vendor \"%s\"", vendor);
      vm_found (v, "vm-other", "host:cpuid", why);
      return;
    }
}

void
brig_host_read_virt (const struct brig_host_paths *p, struct brig_host_virt *v)
{
  memset (v, 0, sizeof *v);
  snprintf (v->vm, sizeof v->vm, "none");
  snprintf (v->container, sizeof v->container, "none");
  read_container (p->root, v);
  read_vm (p, v);
}
