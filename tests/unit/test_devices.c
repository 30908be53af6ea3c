/* Device nodes: linux.devices in config.json, allowed_devices in the policy
 * file, rule BRIG-C014, and the device cgroup rules they add up to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/container.h"
#include "parse/oci.h"
#include "policy/file.h"
#include "policy/policy.h"
#include "util/mem.h"

/* A minimal config.json with DEVICES as its linux.devices. */
static char *
config_with (const char *devices)
{
  return xasprintf ("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                    "\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
                    "\"linux\":{\"devices\":%s}}",
                    devices);
}

static struct brig_container *
parse_ok (const char *devices)
{
  char *json = config_with (devices);
  struct brig_err err = { 0 };
  struct brig_container *c = NULL;

  if (brig_parse_oci_config (json, strlen (json), "config.json", "/b", &c, &err) < 0)
    fail_msg ("%s: %s", devices, err.msg);
  free (json);
  assert_null (c->unsupported);
  return c;
}

static void
parse_bad (const char *devices, const char *msg)
{
  char *json = config_with (devices);
  struct brig_err err = { 0 };
  struct brig_container *c = NULL;

  assert_true (brig_parse_oci_config (json, strlen (json), "config.json", "/b", &c, &err) < 0);
  if (err.msg == NULL || strstr (err.msg, msg) == NULL)
    fail_msg ("want `%s` in `%s`", msg, err.msg);
  assert_null (c);
  brig_err_release (&err);
  free (json);
}

static void
test_oci_devices (void **state)
{
  struct brig_container *c;
  (void)state;

  c = parse_ok (
      "[{\"path\":\"/dev//fuse/\",\"type\":\"c\",\"major\":10,\"minor\":229,"
      "\"fileMode\":8630,\"uid\":5,\"gid\":7},"
      "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0},"
      "{\"path\":\"/run/fifo\",\"type\":\"p\"},"
      "{\"path\":\"/dev/tty9\",\"type\":\"u\",\"major\":4,\"minor\":9,\"fileMode\":384}]");
  assert_int_equal (c->nnodes, 4);
  assert_string_equal (c->nodes[0].path, "/dev/fuse");
  assert_int_equal (c->nodes[0].type, 'c');
  assert_int_equal (c->nodes[0].major, 10);
  assert_int_equal (c->nodes[0].minor, 229);
  assert_int_equal (c->nodes[0].mode, 0666); /* 8630 = 020666 (Podman): the type bits go */
  assert_int_equal (c->nodes[0].uid, 5);
  assert_int_equal (c->nodes[0].gid, 7);
  assert_int_equal (c->nodes[1].type, 'b');
  assert_int_equal (c->nodes[1].mode, 0666); /* runc's default */
  assert_int_equal (c->nodes[1].uid, 0);
  assert_int_equal (c->nodes[2].type, 'p');
  assert_int_equal (c->nodes[3].mode, 0600);
  brig_container_free (c);

  c = parse_ok ("[]");
  assert_int_equal (c->nnodes, 0);
  brig_container_free (c);
}

static void
test_oci_devices_errors (void **state)
{
  (void)state;
  parse_bad ("{}", "config.json: linux.devices: expected an array");
  parse_bad ("[1]", "linux.devices[0]: expected an object");
  parse_bad ("[{\"path\":\"dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}]",
             "linux.devices[0]: `path` must be an absolute path");
  parse_bad ("[{\"path\":\"/dev/../etc/x\",\"type\":\"c\",\"major\":10,\"minor\":229}]",
             "linux.devices[0]: `path` must be an absolute path without `.` or `..`");
  parse_bad ("[{\"path\":\"/dev/./x\",\"type\":\"c\",\"major\":1,\"minor\":3}]",
             "linux.devices[0]: `path` must be");
  parse_bad ("[{\"path\":\"/\",\"type\":\"c\",\"major\":1,\"minor\":3}]",
             "linux.devices[0]: `path` must be");
  parse_bad ("[{\"type\":\"c\",\"major\":1,\"minor\":3}]", "linux.devices[0]: `path` must be");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"x\",\"major\":1,\"minor\":3}]",
             "linux.devices[0]: `type` must be c, u (character), b (block) or p (FIFO)");
  parse_bad ("[{\"path\":\"/dev/x\",\"major\":1,\"minor\":3}]", "linux.devices[0]: `type` must be");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1}]",
             "linux.devices[0]: `major` and `minor` are required");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":4096,\"minor\":0}]",
             "linux.devices[0].major: expected an integer from 0 to 4095");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":-1}]",
             "linux.devices[0].minor: expected an integer from 0 to 1048575");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":65536}]",
             "linux.devices[0].fileMode: expected an integer from 0 to 65535");
  /* 25014 = 060666: a block device's mode on a character device. */
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":25014}]",
             "linux.devices[0]: the file type bits of `fileMode` are not those of `type`");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"uid\":\"0\"}]",
             "linux.devices[0].uid: expected an integer");
  parse_bad ("[{\"path\":\"/dev/x\",\"type\":\"p\"},{\"path\":\"/dev/x/\",\"type\":\"p\"}]",
             "linux.devices[1]: `/dev/x` is already listed in linux.devices[0]");
}

static struct brig_policy *
policy_ok (const char *json)
{
  struct brig_err err = { 0 };
  struct brig_policy *p = NULL;

  if (brig_parse_policy (json, strlen (json), "policy.json", &p, &err) < 0)
    fail_msg ("%s: %s", json, err.msg);
  return p;
}

static void
policy_bad (const char *entry, const char *msg)
{
  char *json = xasprintf ("{\"allowed_devices\": %s}", entry);
  struct brig_err err = { 0 };
  struct brig_policy *p = NULL;

  assert_true (brig_parse_policy (json, strlen (json), "policy.json", &p, &err) < 0);
  if (err.msg == NULL || strstr (err.msg, msg) == NULL)
    fail_msg ("want `%s` in `%s`", msg, err.msg);
  assert_null (p);
  brig_err_release (&err);
  free (json);
}

static void
test_policy_allowed_devices (void **state)
{
  struct brig_policy *p;
  (void)state;

  p = policy_ok ("{\"allowed_devices\": [\"c 10:229\", \"b 7:*\", \" /dev/net/tun  c 10:200 \","
                 "\"c *:*\"]}");
  assert_int_equal (p->nallowed_devices, 4);
  assert_null (p->allowed_devices[0].path);
  assert_int_equal (p->allowed_devices[0].type, 'c');
  assert_int_equal (p->allowed_devices[0].major, 10);
  assert_int_equal (p->allowed_devices[0].minor, 229);
  assert_int_equal (p->allowed_devices[1].type, 'b');
  assert_int_equal (p->allowed_devices[1].minor, -1);
  assert_string_equal (p->allowed_devices[2].path, "/dev/net/tun");
  assert_int_equal (p->allowed_devices[3].major, -1);
  brig_policy_free (p);

  policy_bad ("\"c 10:229\"", "policy.json: allowed_devices: expected an array");
  policy_bad ("[\"/dev/fuse\"]", "policy.json: allowed_devices[0]: `/dev/fuse`: expected "
                                 "\"TYPE MAJOR:MINOR\"");
  policy_bad ("[\"c 10:229\", \"u 10:229\"]", "allowed_devices[1]: `u 10:229`");
  policy_bad ("[\"c 10\"]", "allowed_devices[0]: `c 10`");
  policy_bad ("[\"c 10:\"]", "allowed_devices[0]");
  policy_bad ("[\"c 4096:0\"]", "allowed_devices[0]");
  policy_bad ("[\"c 1:1048576\"]", "allowed_devices[0]");
  policy_bad ("[\"c 1:-1\"]", "allowed_devices[0]");
  policy_bad ("[\"dev/fuse c 10:229\"]", "allowed_devices[0]");
  policy_bad ("[\"/dev/../fuse c 10:229\"]", "allowed_devices[0]");
  policy_bad ("[\"/dev/fuse/ c 10:229\"]", "allowed_devices[0]");
  policy_bad ("[\"/dev/fuse c 10:229 rwm\"]", "allowed_devices[0]");
  policy_bad ("[17]", "allowed_devices[0]: `(not a string)`");
}

/* The decision of BRIG-C014 for C under P (every other rule off), or -1
 * for none. */
static int
c014 (struct brig_policy *p, struct brig_container *c, struct brig_err *err)
{
  struct brig_decision *d;
  size_t n, nrules, idx;
  const struct brig_rule *rules = brig_rules (&nrules);
  int action = -1;

  assert_non_null (brig_rule_find ("BRIG-C014", &idx));
  for (size_t i = 0; i < nrules; i++)
    if (i != idx)
      p->actions[i] = BRIG_ACT_OFF;
  assert_string_equal (rules[idx].id, "BRIG-C014");
  brig_policy_gate (p, c, &d, &n, err);
  for (size_t i = 0; i < n; i++)
    if (strcmp (d[i].rule->id, "BRIG-C014") == 0)
      action = (int)d[i].action;
  brig_decisions_free (d, n);
  return action;
}

static void
test_rule_device_nodes (void **state)
{
  const char *nodes = "[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3},"
                      "{\"path\":\"/dev/fifo\",\"type\":\"p\"},"
                      "{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229},"
                      "{\"path\":\"/dev/loop0\",\"type\":\"b\",\"major\":7,\"minor\":0}]";
  struct brig_policy *p = brig_policy_default ();
  struct brig_container *c = parse_ok (nodes);
  struct brig_err err = { 0 };
  (void)state;

  /* The default policy refuses the block device and /dev/fuse, by name. */
  assert_int_equal (c014 (p, c, &err), BRIG_ACT_ENFORCE);
  assert_non_null (strstr (err.msg, "refused by policy rule BRIG-C014"));
  assert_non_null (
      strstr (err.msg, "/dev/fuse (character device 10:229, allowed by \"c 10:229\")"));
  assert_non_null (strstr (err.msg, "/dev/loop0 (block device 7:0, allowed by \"b 7:0\")"));
  assert_null (strstr (err.msg, "/dev/null"));
  assert_null (strstr (err.msg, "/dev/fifo"));
  brig_err_release (&err);
  brig_container_free (c);
  brig_policy_free (p);

  /* Harden drops what is not allowed, keeps the rest. */
  p = policy_ok ("{\"rules\":{\"BRIG-C014\":\"harden\"},\"allowed_devices\":[\"c 10:229\"]}");
  c = parse_ok (nodes);
  assert_int_equal (c014 (p, c, &err), BRIG_ACT_HARDEN);
  assert_int_equal (c->nnodes, 3);
  assert_string_equal (c->nodes[0].path, "/dev/null");
  assert_string_equal (c->nodes[1].path, "/dev/fifo");
  assert_string_equal (c->nodes[2].path, "/dev/fuse");
  brig_container_free (c);
  brig_policy_free (p);

  /* Allowed by number, and by number at a path only. */
  p = policy_ok ("{\"allowed_devices\":[\"/dev/fuse c 10:229\", \"b 7:*\"]}");
  c = parse_ok (nodes);
  assert_int_equal (c014 (p, c, &err), -1);
  brig_container_free (c);
  c = parse_ok ("[{\"path\":\"/dev/other\",\"type\":\"u\",\"major\":10,\"minor\":229}]");
  assert_int_equal (c014 (p, c, &err), BRIG_ACT_ENFORCE);
  brig_err_release (&err);
  brig_container_free (c);
  brig_policy_free (p);

  /* Audit lets them through. */
  p = policy_ok ("{\"rules\":{\"BRIG-C014\":\"audit\"}}");
  c = parse_ok (nodes);
  assert_int_equal (c014 (p, c, &err), BRIG_ACT_AUDIT);
  assert_int_equal (c->nnodes, 4);
  brig_container_free (c);
  brig_policy_free (p);
}

static void
test_cgroup_devices (void **state)
{
  struct brig_container *c = brig_container_new_hardened ();
  struct brig_device_rule *r;
  size_t n, base = c->ndevices;
  (void)state;

  c->nodes = xcalloc (3, sizeof *c->nodes);
  c->nodes[0] = (struct brig_device_node){ xstrdup ("/dev/fuse"), 'c', 10, 229, 0666, 0, 0 };
  c->nodes[1] = (struct brig_device_node){ xstrdup ("/dev/fifo"), 'p', 0, 0, 0666, 0, 0 };
  c->nodes[2] = (struct brig_device_node){ xstrdup ("/dev/tty9"), 'u', 4, 9, 0666, 0, 0 };
  c->nnodes = 3;
  r = brig_container_cgroup_devices (c, &n);
  assert_int_equal (n, base + 2); /* not the FIFO */
  assert_memory_equal (r, c->devices, base * sizeof *r);
  assert_true (r[base].allow);
  assert_int_equal (r[base].type, 'c');
  assert_int_equal (r[base].major, 10);
  assert_int_equal (r[base].minor, 229);
  assert_string_equal (r[base].access, "rwm");
  assert_int_equal (r[base + 1].type, 'c'); /* unbuffered is a character device */
  free (r);

  /* No rules at all (every device allowed): nothing to add. */
  free (c->devices);
  c->devices = NULL;
  c->ndevices = 0;
  assert_null (brig_container_cgroup_devices (c, &n));
  assert_int_equal (n, 0);
  brig_container_free (c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_oci_devices),
    cmocka_unit_test (test_oci_devices_errors),
    cmocka_unit_test (test_policy_allowed_devices),
    cmocka_unit_test (test_rule_device_nodes),
    cmocka_unit_test (test_cgroup_devices),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
