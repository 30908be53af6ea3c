/* brig ps's /proc reader over a made-up /proc: grouping, engines from
 * cgroup paths, namespaces shared with the host, limits from cgroup v2 and
 * v1 files, and mounts that give the container the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/proc.h"
#include "util/fileio.h"
#include "util/mem.h"

static char root[] = "/tmp/brig-test-proc.XXXXXX";

static void
put (const char *rel, const char *text)
{
  struct brig_err err = { 0 };
  char *path = xasprintf ("%s/%s", root, rel);
  char *dir = xstrdup (path);
  *strrchr (dir, '/') = '\0';
  assert_int_equal (brig_mkdir_p (dir, 0755, &err), 0);
  FILE *f = fopen (path, "we");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
  free (dir);
  free (path);
}

/* The same namespace: a hard link, which has the same inode. */
static void
same_ns (int pid, const char *ns, int as)
{
  char *a = xasprintf ("%s/proc/%d/ns/%s", root, as, ns);
  char *b = xasprintf ("%s/proc/%d/ns/%s", root, pid, ns);
  assert_int_equal (link (a, b), 0);
  free (a);
  free (b);
}

static const char *const nss[] = { "pid", "net", "ipc", "uts", "user", "cgroup", "mnt" };

static void
own_ns (int pid)
{
  for (size_t i = 0; i < 7; i++)
    {
      char *rel = xasprintf ("proc/%d/ns/%s", pid, nss[i]);
      put (rel, "");
      free (rel);
    }
}

static int
setup (void **state)
{
  char *mi;
  (void)state;
  assert_non_null (mkdtemp (root));
  put ("proc/sys/kernel/cap_last_cap", "40\n");
  own_ns (1);
  put ("proc/1/status", "Name:\tinit\nCapBnd:\t000001ffffffffff\n");
  mi = xasprintf ("1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
                  "2 1 0:30 / /run rw,nosuid - tmpfs tmpfs rw\n"
                  "3 1 0:40 / %s/v2 rw - cgroup2 cgroup2 rw\n"
                  "4 1 0:41 / %s/memory rw - cgroup cgroup rw,memory\n"
                  "5 1 0:42 / %s/pids rw - cgroup cgroup rw,pids\n"
                  "6 1 0:43 / %s/devices rw - cgroup cgroup rw,devices\n",
                  root, root, root, root);
  put ("proc/1/mountinfo", mi);
  free (mi);

  /* A Docker container (systemd driver, v2 limits) with two processes,
     the host's ipc and user namespaces, and the host's / and socket. */
  own_ns (100);
  for (const char *const *n = (const char *const[]){ "ipc", "user", NULL }; *n; n++)
    {
      char *p = xasprintf ("%s/proc/100/ns/%s", root, *n);
      unlink (p);
      free (p);
      same_ns (100, *n, 1);
    }
  put ("proc/100/status", "Name:\tapp\nUid:\t0\t0\t0\t0\nPPid:\t50\nNSpid:\t100\t1\n"
                          "CapEff:\t00000000a82425fb\nCapBnd:\t00000000a82425fb\n"
                          "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
  put ("proc/100/cgroup", "0::/system.slice/docker-abcdef0123.scope\n");
  put ("proc/100/mountinfo", "10 9 0:50 / / ro,relatime - overlay overlay rw\n"
                             "11 10 0:30 /docker.sock /var/run/docker.sock rw - tmpfs tmpfs rw\n"
                             "12 10 8:1 / /host rw - ext4 /dev/sda1 rw\n"
                             "13 10 0:51 / /proc rw - proc proc rw\n"
                             "14 10 0:52 / /sys rw - sysfs sysfs rw\n"
                             "15 10 8:1 /srv/my\\040data /data ro - ext4 /dev/sda1 rw\n");
  put ("v2/system.slice/docker-abcdef0123.scope/memory.max", "67108864\n");
  put ("v2/system.slice/docker-abcdef0123.scope/pids.max", "max\n");
  put ("v2/system.slice/docker-abcdef0123.scope/cpu.max", "50000 100000\n");
  put ("proc/101/status", "Name:\tworker\nPPid:\t100\nNSpid:\t101\t2\n");
  put ("proc/101/cgroup", "0::/system.slice/docker-abcdef0123.scope\n");
  put ("proc/101/ns/net", "");
  same_ns (101, "pid", 100);

  /* A brig container on cgroup v1: its own user namespace. */
  own_ns (300);
  put ("proc/300/status", "Name:\tsleep\nUid:\t100000\t100000\t100000\t100000\nPPid:\t299\n"
                          "NSpid:\t300\t1\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n"
                          "Seccomp:\t2\nSeccomp_filters:\t1\n");
  put ("proc/300/cgroup", "5:memory:/brig/xyz\n4:pids:/brig/xyz\n3:devices:/brig/xyz\n0::/\n");
  put ("devices/brig/xyz/devices.list", "c 1:3 rwm\nc 1:5 rwm\n");

  /* Not in the scan (no namespaces to read): --privileged as Docker
     20.10's runc gives it, every capability up to CAP_AUDIT_READ but
     SYS_RESOURCE (this host's root lacks it), and every device. */
  put ("proc/500/status", "Name:\tsh\nUid:\t0\t0\t0\t0\nCapEff:\t0000003ffeffffff\n"
                          "CapBnd:\t0000003ffeffffff\nSeccomp:\t0\n");
  put ("proc/500/cgroup", "3:devices:/docker/priv\n");
  put ("devices/docker/priv/devices.list", "a *:* rwm\n");
  put ("proc/1/status", "Name:\tinit\nCapBnd:\t000001fffeffffff\n");
  put ("proc/300/uid_map", "         0     100000      65536\n");
  put ("proc/300/mountinfo", "20 19 0:60 /img / ro - ext4 /dev/sdb rw\n");
  put ("memory/brig/xyz/memory.limit_in_bytes", "9223372036854771712\n");
  put ("pids/brig/xyz/pids.max", "1024\n");

  /* In the host's namespaces, named by their cgroups: a Kubernetes pod's
     container (containerd), Podman's conmon (not a container), an LXC
     container's payload. */
  static const struct
  {
    int pid;
    const char *cgroup;
  } host_ns[] = {
    { 400, "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-feed42.scope\n" },
    { 401, "0::/machine.slice/libpod-conmon-abc.scope\n" },
    { 402, "0::/lxc.payload.web\n" },
  };
  for (size_t k = 0; k < 3; k++)
    {
      char *rel = xasprintf ("proc/%d/ns/x", host_ns[k].pid);
      put (rel, "");
      free (rel);
      for (size_t i = 0; i < 7; i++)
        same_ns (host_ns[k].pid, nss[i], 1);
      rel = xasprintf ("proc/%d/status", host_ns[k].pid);
      put (rel, "Name:\tx\nPPid:\t1\n");
      free (rel);
      rel = xasprintf ("proc/%d/cgroup", host_ns[k].pid);
      put (rel, host_ns[k].cgroup);
      free (rel);
    }

  /* A host process: not a container. */
  own_ns (200);
  for (size_t i = 0; i < 7; i++)
    {
      char *p = xasprintf ("%s/proc/200/ns/%s", root, nss[i]);
      unlink (p);
      free (p);
      same_ns (200, nss[i], 1);
    }
  put ("proc/200/status", "Name:\tsshd\nPPid:\t1\n");
  put ("proc/200/cgroup", "0::/system.slice/ssh.service\n");
  return 0;
}

static int
teardown (void **state)
{
  char *cmd = xasprintf ("rm -rf '%s'", root);
  (void)state;
  assert_int_equal (system (cmd), 0);
  free (cmd);
  return 0;
}

static const struct brig_obs_mount *
mount_at (const struct brig_observed *o, const char *target)
{
  for (size_t i = 0; i < o->nmounts; i++)
    if (strcmp (o->mounts[i].target, target) == 0)
      return &o->mounts[i];
  return NULL;
}

static void
test_scan (void **state)
{
  struct brig_observed_list l = { 0 };
  struct brig_err err = { 0 };
  char *proc = xasprintf ("%s/proc", root);
  const struct brig_observed *d = NULL, *b = NULL;
  const struct brig_obs_mount *m;
  (void)state;

  assert_int_equal (brig_proc_scan (proc, &l, &err), 0);
  assert_int_equal (l.host_ref_pid, 1);
  assert_int_equal (l.n, 4);
  for (size_t i = 0; i < l.n; i++)
    if (l.v[i].pid == 100)
      d = &l.v[i];
    else if (l.v[i].pid == 300)
      b = &l.v[i];
    else if (l.v[i].pid == 400)
      {
        assert_string_equal (l.v[i].engine, "containerd");
        assert_string_equal (l.v[i].id, "feed42");
        assert_true (l.v[i].shares[BRIG_OBS_NS_PID]);
      }
    else if (l.v[i].pid == 402)
      {
        assert_string_equal (l.v[i].engine, "lxc");
        assert_string_equal (l.v[i].id, "web");
        assert_string_equal (l.v[i].name, "web"); /* no API: its cgroup's name */
      }
    else
      fail_msg ("pid %d is not a container", l.v[i].pid);
  assert_non_null (d);
  assert_non_null (b);

  assert_int_equal (d->nprocs, 2);
  assert_string_equal (d->engine, "docker");
  assert_string_equal (d->id, "abcdef0123");
  assert_string_equal (d->comm, "app");
  assert_int_equal (d->uid, 0);
  assert_false (d->userns);
  assert_int_equal (d->root_uid, 0);
  assert_true (d->cap_eff & (UINT64_C (1) << 21));
  assert_false (d->all_caps);
  assert_int_equal (d->seccomp, 0);
  assert_int_equal (d->no_new_privs, 0);
  assert_int_equal (d->read_only_root, 1);
  assert_true (d->shares[BRIG_OBS_NS_IPC]);
  assert_false (d->shares[BRIG_OBS_NS_PID]);
  assert_false (d->shares[BRIG_OBS_NS_NET]);
  assert_int_equal (d->mem_limit, 67108864);
  assert_int_equal (d->pids_limit, -1);
  assert_int_equal (d->cpu_quota, 50000);
  assert_int_equal (d->cpu_period, 100000);
  m = mount_at (d, "/var/run/docker.sock");
  assert_non_null (m);
  assert_string_equal (m->host_path, "/run/docker.sock");
  assert_string_equal (m->what, "engine socket");
  m = mount_at (d, "/host");
  assert_non_null (m);
  assert_string_equal (m->what, "host /");
  m = mount_at (d, "/data");
  assert_non_null (m);
  assert_string_equal (m->host_path, "/srv/my data");
  assert_null (m->what);
  assert_true (m->read_only);
  assert_non_null (mount_at (d, "/sys"));
  assert_string_equal (mount_at (d, "/sys")->what, "/sys writable");
  assert_string_equal (mount_at (d, "/proc/sys")->what, "/proc/sys writable");

  assert_string_equal (b->engine, "brig");
  assert_string_equal (b->id, "xyz");
  assert_true (b->userns);
  assert_int_equal (b->root_uid, 100000);
  assert_string_equal (b->uid_map, "0 100000 65536");
  assert_int_equal (b->cap_eff, 0);
  assert_int_equal (b->seccomp, 2);
  assert_int_equal (b->seccomp_filters, 1);
  assert_int_equal (b->no_new_privs, 1);
  assert_int_equal (b->read_only_root, 1);
  assert_int_equal (b->mem_limit, -1); /* v1's "no limit" */
  assert_int_equal (b->pids_limit, 1024);
  assert_int_equal (b->nmounts, 0);
  assert_int_equal (b->all_devices, 0);
  assert_int_equal (d->all_devices, -1); /* v2: not read */

  brig_observed_list_release (&l);
  free (proc);
}

static void
test_privileged (void **state)
{
  char *proc = xasprintf ("%s/proc", root);
  struct brig_observed o = { 0 };
  struct brig_err err = { 0 };
  (void)state;

  assert_int_equal (brig_proc_observe (proc, 500, &o, &err), 0);
  assert_string_equal (o.engine, "docker");
  assert_true (o.all_caps);
  assert_int_equal (o.all_devices, 1);
  brig_observed_release (&o);
  /* One capability short of that (CAP_SYS_ADMIN) is not privileged. */
  put ("proc/500/status", "Name:\tsh\nCapEff:\t0000003ffedfffff\n");
  assert_int_equal (brig_proc_observe (proc, 500, &o, &err), 0);
  assert_false (o.all_caps);
  brig_observed_release (&o);
  free (proc);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_scan),
    cmocka_unit_test (test_privileged),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
