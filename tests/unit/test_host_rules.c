/* brig host's rules over hand-made host models: the table's shape, and
 * each check's verdict on the one fact it reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "host/machine.h"
#include "policy/host.h"
#include "util/cleanup.h"

#define TODAY 20261124

/* A healthy host: a KVM guest with a maintained kernel. */
static void
healthy (struct brig_host *h)
{
  memset (h, 0, sizeof *h);
  snprintf (h->virt.vm, sizeof h->virt.vm, "%s", "kvm");
  snprintf (h->virt.container, sizeof h->virt.container, "%s", "none");
  snprintf (h->kernel.release, sizeof h->kernel.release, "%s", "6.1.0-28-amd64");
  h->kernel.major = 6;
  h->kernel.minor = 1;
  h->kernel.max_user_namespaces = 15000;
  h->kernel.seccomp_field = h->kernel.seccomp_filter = true;
  snprintf (h->kernel.seccomp_src.file, sizeof h->kernel.seccomp_src.file, "%s",
            "/proc/self/status");
  h->kernel.cgroup = BRIG_CGROUP_V2;
  h->kernel.landlock_abi = 3;
}

/* The ids H's findings have, space-separated, in order. */
static char *ids (const struct brig_host *h);

/* H's findings are WANT's ids, in order. */
static void
expect_ids (const struct brig_host *h, const char *want)
{
  _cleanup_free_ char *s = ids (h);
  assert_string_equal (s, want);
}

/* The ids H's findings have, space-separated, in order. */
static char *
ids (const struct brig_host *h)
{
  struct brig_findings f = { 0 };
  char *s = xstrdup ("");

  brig_audit_host (h, TODAY, &f);
  for (size_t i = 0; i < f.n; i++)
    {
      char *t = xasprintf ("%s%s%s", s, *s ? " " : "", f.v[i].rule->id);
      free (s);
      s = t;
    }
  brig_findings_release (&f);
  return s;
}

static void
test_table (void **state)
{
  size_t n, listed = 0;
  const struct brig_audit_rule *r = brig_host_rules (&n), *x;

  (void)state;
  assert_true (n >= 20);
  for (size_t i = 0; i < n; i++)
    {
      assert_int_equal (strncmp (r[i].id, "BRIG-V0", 7), 0);
      assert_true (i == 0 || strcmp (r[i - 1].id, r[i].id) < 0);
      assert_true (r[i].title && r[i].why && r[i].fix && r[i].refs && r[i].control);
      assert_null (r[i].check);
      assert_non_null (r[i].check_host);
      assert_ptr_equal (brig_audit_rule_find (r[i].id), &r[i]);
    }
  for (size_t i = 0; (x = brig_audit_rule_nth (i)); i++)
    listed += x >= r && x < r + n;
  assert_int_equal (listed, n);
}

static void
test_healthy_host_has_no_finding (void **state)
{
  struct brig_host h;
  (void)state;
  healthy (&h);
  _cleanup_free_ char *s = ids (&h);
  assert_string_equal (s, "");
}

static void
test_each_fact (void **state)
{
  struct brig_host h;
  struct brig_host_container c = { 0 };
  char *caps[] = { "CAP_SYS_ADMIN", NULL }, *ports[] = { "0.0.0.0:80->80/tcp", NULL };
  char *binds[] = { "/run/docker.sock", "/srv/data", NULL };
  (void)state;

  healthy (&h);
  snprintf (h.virt.container, sizeof h.virt.container, "%s", "lxc");
  expect_ids (&h, "BRIG-V001");
  healthy (&h);
  h.kernel.max_user_namespaces = 0;
  h.kernel.seccomp_filter = false;
  h.kernel.cgroup = BRIG_CGROUP_HYBRID;
  h.kernel.landlock_abi = 0;
  expect_ids (&h, "BRIG-V002 BRIG-V003 BRIG-V004 BRIG-V006");
  /* 5.10 is maintained until 2026-12-01; 5.11 never was longterm; 6.19
   * is newer than the table. */
  healthy (&h);
  h.kernel.major = 5, h.kernel.minor = 10;
  expect_ids (&h, "BRIG-V005");
  h.kernel.minor = 11;
  expect_ids (&h, "BRIG-V005 BRIG-V007");
  h.kernel.major = 6, h.kernel.minor = 19;
  expect_ids (&h, "");
  /* Docker through its API. */
  healthy (&h);
  c.name = "web";
  c.where = "host:docker/web";
  c.engine = "Docker";
  c.privileged = c.host_pid = c.nat = true;
  c.cap_add = caps;
  c.open_ports = ports;
  c.binds = binds;
  h.docker.installed = h.docker.api = true;
  h.docker.api_seccomp = true;
  h.docker.containers = &c;
  h.docker.ncontainers = 1;
  expect_ids (&h,
              "BRIG-V013 BRIG-V014 BRIG-V015 BRIG-V016 BRIG-V017 BRIG-V018 BRIG-V023 BRIG-V024");
  h.docker.api_rootless = true;
  h.firewall.ufw = true;
  expect_ids (&h,
              "BRIG-V014 BRIG-V015 BRIG-V016 BRIG-V017 BRIG-V018 BRIG-V022 BRIG-V023 BRIG-V024");
  /* A port of its own listener (slirp4netns), not NAT: UFW sees it. */
  c.nat = false;
  expect_ids (&h, "BRIG-V014 BRIG-V015 BRIG-V016 BRIG-V017 BRIG-V018 BRIG-V023 BRIG-V024");
  /* Podman's containers are judged as Docker's are. */
  c.nat = true;
  c.where = "host:podman/web";
  c.engine = "Podman";
  h.docker.containers = NULL;
  h.docker.ncontainers = 0;
  h.engines.podman_containers = &c;
  h.engines.npodman_containers = 1;
  expect_ids (&h,
              "BRIG-V014 BRIG-V015 BRIG-V016 BRIG-V017 BRIG-V018 BRIG-V022 BRIG-V023 BRIG-V024");
  h.engines.podman_containers = NULL;
  h.engines.npodman_containers = 0;
}

/* nftables' own ruleset, as nft -j prints it: what iptables-save would
 * have shown, each at its place in the array. */
static void
test_nft (void **state)
{
  struct brig_host h;
  json_t *j = json_loads (
      "{\"nftables\": [{\"metainfo\": {}},"
      " {\"chain\": {\"table\": \"t\", \"name\": \"DOCKER-USER\"}},"
      " {\"chain\": {\"table\": \"t\", \"name\": \"DOCKER\"}},"
      " {\"rule\": {\"chain\": \"DOCKER-USER\", \"expr\": [{\"return\": null}]}},"
      " {\"rule\": {\"chain\": \"DOCKER\", \"expr\": ["
      "   {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\","
      "    \"field\": \"dport\"}}, \"right\": 8080}},"
      "   {\"dnat\": {\"addr\": \"172.17.0.2\", \"port\": 80}}]}},"
      " {\"rule\": {\"chain\": \"DOCKER\", \"expr\": ["
      "   {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\","
      "    \"field\": \"daddr\"}}, \"right\": \"127.0.0.1\"}}, {\"dnat\": {\"addr\": \"x\"}}]}},"
      " {\"rule\": {\"chain\": \"F\", \"expr\": ["
      "   {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": "
      "\"docker0\"}},"
      "   {\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"oifname\"}}, \"right\": "
      "\"docker0\"}},"
      "   {\"accept\": null}]}}]}",
      0, NULL);
  (void)state;

  assert_non_null (j);
  healthy (&h);
  brig_host_parse_nft (j, &h.firewall);
  json_decref (j);
  assert_true (h.firewall.docker_chains);
  assert_int_equal (h.firewall.docker_user_line, 2);
  assert_int_equal (h.firewall.docker_user_rules, 0); /* only a return */
  assert_int_equal (h.firewall.dnat_open_line, 5);    /* not the one for 127.0.0.1 */
  assert_string_equal (h.firewall.dnat_open, "port 8080 -> 172.17.0.2:80");
  assert_int_equal (h.firewall.icc_accept_line, 7);
  assert_int_equal (h.firewall.icc_drop_line, 0);
  h.firewall.read = h.firewall.ufw = true;
  expect_ids (&h, "BRIG-V020 BRIG-V021 BRIG-V022");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_table),
    cmocka_unit_test (test_healthy_host_has_no_finding),
    cmocka_unit_test (test_each_fact),
    cmocka_unit_test (test_nft),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
