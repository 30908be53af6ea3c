/* The engines' own files for brig audit: daemon.json (detection, the
 * reader, the BRIG-H rules) and an OCI config.json (where its values are,
 * the gate's decisions at their keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "parse/daemonjson.h"
#include "parse/ocifile.h"
#include "policy/daemon.h"
#include "policy/oci_audit.h"
#include "util/cleanup.h"

static struct brig_yaml *
load (const char *text)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;

  if (brig_yaml_load (text, strlen (text), "daemon.json", &y, &err) < 0)
    fail_msg ("%s", err.msg);
  return y;
}

static bool
detect (const char *text)
{
  struct brig_yaml *y = load (text);
  bool r = brig_daemon_json_detect (text, strlen (text), y);

  brig_yaml_free (y);
  return r;
}

static void
test_daemon_options_sorted (void **state)
{
  const char *const *keys;
  size_t n = brig_daemon_json_options (&keys);

  (void)state;
  assert_true (n > 80);
  for (size_t i = 1; i < n; i++)
    if (strcmp (keys[i - 1], keys[i]) >= 0)
      fail_msg ("options out of order: %s before %s", keys[i - 1], keys[i]);
}

static void
test_daemon_detection (void **state)
{
  (void)state;
  /* This machine's kind of file: runtimes, iptables, a storage driver. */
  assert_true (detect ("{\n \"runtimes\": {\"x\": {\"path\": \"/x\"}},\n \"iptables\": false,\n"
                       " \"storage-driver\": \"vfs\",\n \"bridge\": \"none\"\n}\n"));
  assert_true (detect ("  {\"log-driver\": \"journald\"}"));
  /* Only words other files use too. */
  assert_false (detect ("{\"labels\": [\"a=b\"], \"debug\": true}"));
  assert_false (detect ("{\"features\": {\"buildkit\": true}}"));
  /* A key dockerd does not read. */
  assert_false (detect ("{\"icc\": false, \"name\": \"x\"}"));
  assert_false (detect ("{\"name\": \"x\", \"version\": \"1.0.0\"}"));
  assert_false (detect ("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}}"));
  assert_false (detect ("{}"));
  /* YAML that is not one JSON object. */
  assert_false (detect ("icc: false\nlog-level: info\n"));
  assert_false (detect ("{\"icc\": false}\n---\n{\"icc\": true}\n"));
  assert_false (detect ("[{\"icc\": false}]"));
}

static struct brig_daemon *
parse (const char *text, struct brig_yaml **ret_y, struct brig_err *err)
{
  struct brig_daemon *d = NULL;

  *ret_y = load (text);
  if (brig_parse_daemon_json (*ret_y, "daemon.json", &d, err) < 0)
    return NULL;
  return d;
}

static void
expect_error (const char *text, const char *want)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_daemon *d = parse (text, &y, &err);

  assert_null (d);
  assert_non_null (err.msg);
  if (strstr (err.msg, want) == NULL)
    fail_msg ("error `%s`, expected `%s`", err.msg, want);
  brig_err_release (&err);
  brig_yaml_free (y);
}

static void
test_daemon_reader (void **state)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_daemon *d = parse (
      "{\n  \"icc\": false,\n  \"hosts\": [\"unix:///run/d.sock\", \"tcp://0.0.0.0:2375\"],\n"
      "  \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Soft\": 1, \"Hard\": 2}},\n"
      "  \"log-level\": null,\n  \"unknown-to-brig\": [1, {\"x\": 2}]\n}\n",
      &y, &err);

  (void)state;
  assert_non_null (d);
  assert_string_equal (d->icc.s, "false");
  assert_int_equal (d->icc.loc.line, 2);
  assert_int_equal (d->icc.loc.col, 3);
  assert_int_equal (d->icc.loc.end_col, 15);
  assert_int_equal (d->hosts.items.n, 2);
  assert_string_equal (d->hosts.items.v[1].s, "tcp://0.0.0.0:2375");
  assert_int_equal (d->hosts.items.v[1].loc.col, 35);
  assert_int_equal (d->default_ulimits.items.n, 1);
  assert_string_equal (d->default_ulimits.items.v[0].s, "nofile");
  assert_false (d->log_level.set); /* null: the default */
  assert_false (d->live_restore.set);
  assert_int_equal (d->loc.line, 1);
  brig_daemon_free (d);
  brig_yaml_free (y);

  expect_error ("{\n  \"icc\": \"false\"\n}", "daemon.json:2:10: icc: expected true or false");
  expect_error ("{\"log-driver\": 1}", "daemon.json:1:16: log-driver: expected a string");
  expect_error ("{\"hosts\": \"tcp://x:1\"}", "hosts: expected a list of strings");
  expect_error ("{\"hosts\": [\"unix://x\", true]}", "1:24: hosts: expected a list of strings");
  expect_error ("{\"default-ulimits\": []}", "default-ulimits: expected an object");
  expect_error ("{\"icc\": true,\n \"icc\": false}",
                "daemon.json:2:2: `icc` is given twice (first at line 1)");
  expect_error ("[1, 2]", "daemon.json:1:1: expected a JSON object");
  expect_error ("{\"icc\": true}\n---\n{}", "daemon.json:3:1: expected one JSON object");
}

/* The rules D's text breaks, as "ID LINE:COL" joined by spaces, in the
 * rules' order. */
static char *
findings (const char *text)
{
  struct brig_err err = { 0 };
  struct brig_yaml *y = NULL;
  struct brig_daemon *d = parse (text, &y, &err);
  struct brig_findings f = { 0 };
  char *out = xstrdup ("");

  if (d == NULL)
    fail_msg ("%s", err.msg);
  brig_audit_daemon (d, &f);
  for (size_t i = 0; i < f.n; i++)
    {
      char *o = xasprintf ("%s%s%s %d:%d", out, out[0] ? " " : "", f.v[i].rule->id, f.v[i].loc.line,
                           f.v[i].loc.col);
      free (out);
      out = o;
    }
  brig_findings_release (&f);
  brig_daemon_free (d);
  brig_yaml_free (y);
  return out;
}

static void
expect_findings (const char *text, const char *want)
{
  _cleanup_free_ char *got = findings (text);
  if (strcmp (got, want) != 0)
    fail_msg ("%s\n  got:    %s\n  wanted: %s", text, got, want);
}

/* Every option the rules want, as they want it. */
static const char *const hardened[] = {
  "\"icc\": false",
  "\"userns-remap\": \"default\"",
  "\"no-new-privileges\": true",
  "\"live-restore\": true",
  "\"userland-proxy\": false",
  "\"log-driver\": \"syslog\"",
  "\"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Soft\": 1024, \"Hard\": 4096}}",
  "\"authorization-plugins\": [\"authz\"]",
};

/* The hardened options on line 1, but those MEMBERS (on line 2) set
 * again; its findings. */
static void
expect_with (const char *members, const char *want)
{
  _cleanup_free_ char *text = xstrdup ("{");

  for (size_t i = 0; i < ARRAY_SIZE (hardened); i++)
    {
      _cleanup_free_ char *key = xstrndup (hardened[i], strcspn (hardened[i], ":"));
      char *t;
      if (members && strstr (members, key))
        continue;
      t = xasprintf ("%s%s%s", text, text[1] ? ", " : "", hardened[i]);
      free (text);
      text = t;
    }
  if (members)
    {
      char *t = xasprintf ("%s,\n%s}", text, members);
      free (text);
      text = t;
    }
  else
    {
      char *t = xasprintf ("%s}", text);
      free (text);
      text = t;
    }
  expect_findings (text, want);
}

static void
test_daemon_rules (void **state)
{
  (void)state;
  expect_with (NULL, "");
  /* Every default that the benchmark faults, at the object. */
  expect_findings ("{\"data-root\": \"/srv/docker\"}",
                   "BRIG-H001 1:1 BRIG-H007 1:1 BRIG-H008 1:1 BRIG-H010 1:1 BRIG-H012 1:1 "
                   "BRIG-H013 1:1 BRIG-H014 1:1 BRIG-H015 1:1");
  /* Each at its key or item. */
  expect_with ("\"icc\": true", "BRIG-H001 2:1");
  expect_with ("\"log-level\": \"warn\", \"debug\": true", "BRIG-H002 2:1 BRIG-H002 2:22");
  expect_with ("\"log-level\": \"info\"", "");
  expect_with ("\"iptables\": false", "BRIG-H003 2:1");
  expect_with ("\"insecure-registries\": [\"127.0.0.0/8\", \"10.1.2.3:5000\"]", "BRIG-H004 2:40");
  expect_with ("\"storage-driver\": \"aufs\"", "BRIG-H005 2:1");
  expect_with ("\"storage-driver\": \"overlay2\"", "");
  expect_with (
      "\"hosts\": [\"fd://\", \"unix:///x.sock\", \"tcp://0.0.0.0:2375\", \"10.0.0.1:2375\"]",
      "BRIG-H006 2:38 BRIG-H006 2:60");
  expect_with ("\"hosts\": [\"tcp://0.0.0.0:2376\"], \"tls\": true", "BRIG-H006 2:11");
  expect_with ("\"hosts\": [\"tcp://0.0.0.0:2376\"], \"tlsverify\": true", "");
  expect_with ("\"default-ulimits\": {}", "BRIG-H007 2:1");
  expect_with ("\"userns-remap\": \"\"", "BRIG-H008 2:1");
  expect_with ("\"storage-opts\": [\"dm.thinpooldev=x\", \"dm.basesize=50G\"]", "BRIG-H009 2:38");
  expect_with ("\"authorization-plugins\": []", "BRIG-H010 2:1");
  expect_with ("\"log-driver\": \"none\"", "BRIG-H011 2:1");
  expect_with ("\"log-driver\": \"json-file\"", "BRIG-H012 2:1");
  expect_with ("\"log-driver\": \"local\"", "BRIG-H012 2:1");
  expect_with ("\"no-new-privileges\": false", "BRIG-H013 2:1");
  expect_with ("\"live-restore\": false", "BRIG-H014 2:1");
  expect_with ("\"userland-proxy\": true", "BRIG-H015 2:1");
  expect_with ("\"seccomp-profile\": \"unconfined\"", "BRIG-H016 2:1");
  expect_with ("\"seccomp-profile\": \"/etc/docker/seccomp.json\"", "");
  expect_with ("\"experimental\": true", "BRIG-H017 2:1");
  expect_with ("\"experimental\": false", "");
}

/* Every rule of the daemon table: BRIG-Hnnn in order, with all it needs
 * for --list-rules and SARIF, and reachable by brig_audit_rule_nth. */
static void
test_daemon_table (void **state)
{
  size_t n, listed = 0;
  const struct brig_audit_rule *r = brig_daemon_rules (&n), *x;

  (void)state;
  assert_true (n >= 17);
  for (size_t i = 0; i < n; i++)
    {
      char id[32];
      snprintf (id, sizeof id, "BRIG-H%03zu", i + 1);
      assert_string_equal (r[i].id, id);
      assert_non_null (r[i].check_daemon);
      assert_null (r[i].check);
      assert_true (r[i].title && r[i].why && r[i].fix && r[i].control);
      assert_non_null (strstr (r[i].refs, "CIS Docker 2."));
      assert_ptr_equal (brig_audit_rule_find (id), &r[i]);
    }
  for (size_t i = 0; (x = brig_audit_rule_nth (i)); i++)
    listed += x >= r && x < r + n;
  assert_int_equal (listed, n);
}

/* --- config.json ------------------------------------------------------------- */

/* Every rule of the runtime gate has an audit rule of its id, title and
 * severity, so that each decision on a config.json can be reported. */
static void
test_gate_rules_all_in_the_audit (void **state)
{
  size_t n;
  const struct brig_rule *g = brig_rules (&n);

  (void)state;
  for (size_t i = 0; i < n; i++)
    {
      const struct brig_audit_rule *a = brig_audit_rule_find (g[i].id);
      if (a == NULL)
        fail_msg ("gate rule %s has no audit rule", g[i].id);
      assert_string_equal (a->title, g[i].title);
      assert_int_equal (a->severity, g[i].severity);
    }
}

static void
test_locmap (void **state)
{
  struct brig_yaml *y = load (
      "{\n \"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\",\n   \"CAP_X\"]}},\n"
      " \"a.b\": 1\n}\n");
  struct brig_locmap m = { 0 };
  const struct brig_locent *e;

  (void)state;
  brig_json_locmap (brig_yaml_doc (y, 0), &m);
  e = brig_locmap_get (&m, "process.capabilities.bounding[1]");
  assert_non_null (e);
  assert_string_equal (e->value, "CAP_X");
  assert_int_equal (e->loc.line, 3);
  assert_int_equal (e->loc.col, 4);
  e = brig_locmap_get (&m, "process.capabilities");
  assert_null (e->value);
  assert_int_equal (e->loc.line, 2);
  assert_int_equal (e->loc.col, 14);
  e = brig_locmap_nearest (&m, "process.capabilities.ambient[0]");
  assert_string_equal (e->path, "process.capabilities");
  e = brig_locmap_nearest (&m, "linux.resources.memory.limit");
  assert_string_equal (e->path, "");
  assert_int_equal (e->loc.line, 1);
  brig_locmap_release (&m);
  brig_yaml_free (y);
}

/* A config that breaks every rule of the gate, one thing per line. */
static const char bad_config[]
    = "{\"ociVersion\": \"1.0.2\",\n"
      " \"root\": {\"path\": \"rootfs\",\n"
      "          \"readonly\": false},\n"
      " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0},\n"
      "   \"noNewPrivileges\": false,\n"
      "   \"capabilities\": {\"bounding\": [\"CAP_CHOWN\",\n"
      "                                 \"CAP_NET_RAW\"],\n"
      "                    \"ambient\": [\"CAP_CHOWN\"]}},\n"
      " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
      "            {\"destination\": \"/run/docker.sock\", \"type\": \"bind\", \"source\": "
      "\"/run/docker.sock\", \"options\": [\"rbind\"]}],\n"
      " \"linux\": {\"namespaces\": [{\"type\": \"mount\"},\n"
      "                           {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}],\n"
      "           \"devices\": [{\"path\": \"/dev/kmsg\", \"type\": \"c\", \"major\": 1, "
      "\"minor\": "
      "11}],\n"
      "           \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"},\n"
      "                                      {\"allow\": true, \"access\": \"rwm\"}]}}\n"
      "}\n";

static char *
oci_findings (const char *text)
{
  struct brig_err err = { 0 };
  struct brig_container *c = NULL;
  struct brig_locmap where = { 0 };
  struct brig_findings f = { 0 };
  char *out = xstrdup ("");

  if (brig_parse_oci_located (text, strlen (text), "b/config.json", NULL, &c, &where, &err) < 0)
    fail_msg ("%s", err.msg);
  brig_audit_oci (c, &where, "b/config.json", &f);
  for (size_t i = 0; i < f.n; i++)
    {
      char *o = xasprintf ("%s%s%s %d:%d", out, out[0] ? " " : "", f.v[i].rule->id, f.v[i].loc.line,
                           f.v[i].loc.col);
      /* The finding's rule is the audit table's own entry. */
      assert_ptr_equal (f.v[i].rule, brig_audit_rule_find (f.v[i].rule->id));
      free (out);
      out = o;
    }
  brig_findings_release (&f);
  brig_locmap_release (&where);
  brig_container_free (c);
  return out;
}

static void
test_oci_decisions_at_their_keys (void **state)
{
  _cleanup_free_ char *got = oci_findings (bad_config);

  (void)state;
  /* In the gate's order: C002 pid, ipc, uts missing (at linux.namespaces)
   * and network joined (at its item); C003 at the mount; C004 no seccomp
   * (at linux); C005 NET_RAW at its item; C006 the ambient set; C007,
   * C008 at their keys; C009 and C010 at their nearest parents; C011,
   * C013 missing; C012 the allow-all rule; C014 the node; C016 the bind
   * of C003 again (no nosuid, nodev). */
  assert_string_equal (got, "BRIG-C002 11:12 BRIG-C002 12:28 BRIG-C002 11:12 BRIG-C002 11:12 "
                            "BRIG-C003 10:13 BRIG-C004 11:2 BRIG-C005 7:34 BRIG-C006 8:21 "
                            "BRIG-C007 5:4 BRIG-C008 3:11 BRIG-C009 11:2 BRIG-C009 11:2 "
                            "BRIG-C010 14:12 BRIG-C010 14:12 BRIG-C011 11:12 BRIG-C012 15:39 "
                            "BRIG-C013 11:12 BRIG-C014 13:24 BRIG-C016 10:13");
}

/* The gate and the compose audit know the same engine sockets: rootful
 * Podman's by its /var/run path too. */
static void
test_oci_engine_socket_by_var_run (void **state)
{
  _cleanup_free_ char *got
      = oci_findings ("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"},\n"
                      " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"},\n"
                      " \"mounts\": [{\"destination\": \"/s\", \"type\": \"bind\",\n"
                      "             \"source\": \"/var/run/podman/podman.sock\"}]}\n");

  (void)state;
  if (strstr (got, "BRIG-C003 3:13") == NULL)
    fail_msg ("%s", got);
}

static void
test_oci_errors_have_places (void **state)
{
  struct brig_err err = { 0 };
  struct brig_container *c = NULL;
  struct brig_locmap where = { 0 };
  const char *text = "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"},\n"
                     " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\",\n"
                     "   \"capabilities\": {\"bounding\": [3]}}}\n";

  (void)state;
  assert_int_equal (
      brig_parse_oci_located (text, strlen (text), "config.json", NULL, &c, &where, &err), -EINVAL);
  if (strncmp (err.msg, "config.json:3:", 14) != 0)
    fail_msg ("%s", err.msg);
  brig_err_release (&err);
  brig_locmap_release (&where);
  assert_int_equal (
      brig_parse_oci_located ("{\"ociVersion\": ", 15, "config.json", NULL, &c, &where, &err),
      -EINVAL);
  assert_true (strncmp (err.msg, "config.json:1:", 14) == 0);
  brig_err_release (&err);
  brig_locmap_release (&where);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_daemon_options_sorted),
    cmocka_unit_test (test_daemon_detection),
    cmocka_unit_test (test_daemon_reader),
    cmocka_unit_test (test_daemon_rules),
    cmocka_unit_test (test_daemon_table),
    cmocka_unit_test (test_gate_rules_all_in_the_audit),
    cmocka_unit_test (test_locmap),
    cmocka_unit_test (test_oci_decisions_at_their_keys),
    cmocka_unit_test (test_oci_engine_socket_by_var_run),
    cmocka_unit_test (test_oci_errors_have_places),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
