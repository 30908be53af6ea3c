/* Compose and docker run: the shell word splitter, Docker's small
 * syntaxes, and the container rules' ids against the runtime gate's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parse/compose.h"
#include "parse/dockeropts.h"
#include "parse/dockerrun.h"
#include "parse/envfile.h"
#include "parse/yaml.h"
#include "policy/audit.h"
#include "util/cleanup.h"

/* The words of TEXT joined by |, ";" for the end of a command. */
static char *
words (const char *text, bool make)
{
  struct brig_err err = { 0 };
  struct brig_shword *w = NULL;
  size_t n = 0;
  char *out = xstrdup ("");

  if (brig_shell_words (text, strlen (text), "t.sh", make, &w, &n, &err) < 0)
    {
      free (out);
      out = xasprintf ("error: %s", err.msg);
      brig_err_release (&err);
      return out;
    }
  for (size_t i = 0; i < n; i++)
    {
      char *o = xasprintf ("%s%s%s", out, out[0] ? "|" : "", w[i].text ? w[i].text : ";");
      free (out);
      out = o;
    }
  brig_shwords_free (w, n);
  return out;
}

static void
check_words (const char *text, bool make, const char *want)
{
  _cleanup_free_ char *got = words (text, make);
  assert_string_equal (got, want);
}

static void
test_shell_words (void **state)
{
  (void)state;
  check_words ("docker run -v \"a b\":/c 'it''s' x\\ y", false, "docker|run|-v|a b:/c|its|x y");
  /* Continuations inside and between words; comments. */
  check_words ("docker \\\n  run --na\\\nme=x # a comment 'open\nnext", false,
               "docker|run|--name=x|;|next");
  /* Variables and substitutions are opaque, spaces and all. */
  check_words ("docker run \"$IMG\" ${A:-b c} $(id -u):$(id -g) `date +%s` \"$(x \"y\")\"", false,
               "docker|run|$IMG|${A:-b c}|$(id -u):$(id -g)|`date +%s`|$(x \"y\")");
  /* Double quotes keep \$ and \" as the character; \n stays. */
  check_words ("echo \"a\\$b \\\"c\\\" \\n\"", false, "echo|a$b \"c\" \\n");
  /* Separators end commands; redirections and their targets vanish. */
  check_words ("a 2>&1 >out; b && c | d < in & e >> log 2> /dev/null", false, "a|;|b|;|c|;|d|;|e");
  /* A here-document's body is not commands. */
  check_words ("cat <<-'EOF' | x\n\tdocker run --privileged y\n\tEOF\nz", false, "cat|;|x|;|z");
  /* Makefile: $$ is $, a line ends an open quote. */
  check_words ("\t@docker run -v $$PWD:/s $(IMG) 'open\nnext", true,
               "@docker|run|-v|$PWD:/s|$(IMG)|open|;|next");
}

static void
test_shell_errors_have_places (void **state)
{
  _cleanup_free_ char *a = words ("ok\ndocker run \"x\n", false);
  _cleanup_free_ char *b = words ("echo $(date\n", false);
  _cleanup_free_ char *c = words ("echo 'it is\n", true);

  (void)state;
  assert_string_equal (a, "error: t.sh:2:12: \" not closed");
  assert_string_equal (b, "error: t.sh:1:6: $( not closed");
  assert_string_equal (c, "echo|it is|;");
}

static void
test_ports_and_volumes (void **state)
{
  static const struct
  {
    const char *in, *ip, *published, *target, *proto;
  } ports[] = {
    { "80", NULL, NULL, "80", NULL },
    { "8080:80", NULL, "8080", "80", NULL },
    { "127.0.0.1:8080:80/udp", "127.0.0.1", "8080", "80", "udp" },
    { "127.0.0.1::80", "127.0.0.1", NULL, "80", NULL },
    { "[::1]:8080:80", "::1", "8080", "80", NULL },
    { "::1:6000:6000", "::1", "6000", "6000", NULL },
    { "8000-8010:80-90", NULL, "8000-8010", "80-90", NULL },
    { "${IP:-0.0.0.0}:${P:-80}:80", "0.0.0.0", "${P:-80}", "80", NULL },
    { "${IP:-}:80:80", NULL, "80", "80", NULL },
    { "${IP}:80:80", "${IP}", "80", "80", NULL },
  };
  struct brig_workload w = { 0 };
  struct brig_loc loc = { 1, 1, 1, 2 };

  (void)state;
  for (size_t i = 0; i < ARRAY_SIZE (ports); i++)
    {
      struct brig_wport p;
      const struct brig_wval *got[] = { &p.host_ip, &p.published, &p.target, &p.protocol };
      const char *want[] = { ports[i].ip, ports[i].published, ports[i].target, ports[i].proto };
      brig_docker_port (&w, ports[i].in, loc, &p);
      for (size_t k = 0; k < ARRAY_SIZE (got); k++)
        {
          if (want[k] == NULL)
            assert_false (got[k]->set);
          else
            assert_string_equal (got[k]->s, want[k]);
        }
    }
  {
    struct brig_wmount m;
    brig_docker_volume (&w, "/var/run/docker.sock:/var/run/docker.sock:ro,z", loc, &m);
    assert_string_equal (m.type, "bind");
    assert_string_equal (m.source.s, "/var/run/docker.sock");
    assert_true (m.read_only);
    assert_false (m.propagation.set);
    brig_docker_volume (&w, "/srv:/srv:z,rshared,ro", loc, &m);
    assert_string_equal (m.propagation.s, "rshared");
    assert_true (m.read_only);
    brig_docker_mount (&w, "type=bind,src=/c,dst=/d,bind-propagation=shared", loc, &m);
    assert_string_equal (m.propagation.s, "shared");
    assert_string_equal (m.target.s, "/d");
    brig_docker_volume (&w, "data:/data", loc, &m);
    assert_string_equal (m.type, "volume");
    assert_false (m.read_only);
    brig_docker_volume (&w, "/anon", loc, &m);
    assert_false (m.source.set);
    assert_string_equal (m.target.s, "/anon");
    brig_docker_volume (&w, "${SOCK:-/run/docker.sock}:/s", loc, &m);
    assert_string_equal (m.source.s, "/run/docker.sock");
    brig_docker_volume (&w, "${DATA}/x:/x", loc, &m);
    assert_string_equal (m.type, "bind");
    assert_string_equal (m.source.s, "${DATA}/x");
    brig_docker_volume (&w, "C:\\data:/data", loc, &m);
    assert_string_equal (m.source.s, "C:\\data");
    brig_docker_mount (&w, "type=bind,src=/,dst=/host,readonly", loc, &m);
    assert_string_equal (m.type, "bind");
    assert_string_equal (m.source.s, "/");
    assert_string_equal (m.target.s, "/host");
    assert_true (m.read_only);
    brig_docker_mount (&w, "target=/x", loc, &m);
    assert_string_equal (m.type, "volume");
  }
  {
    brig_docker_security_opt (&w, "no-new-privileges", loc);
    assert_string_equal (w.docker.no_new_privs.s, "true");
    brig_docker_security_opt (&w, "no-new-privileges:false", loc);
    assert_string_equal (w.docker.no_new_privs.s, "false");
    brig_docker_security_opt (&w, "seccomp:unconfined", loc);
    assert_string_equal (w.docker.seccomp.s, "unconfined");
    brig_docker_security_opt (&w, "label=disable", loc);
    brig_docker_security_opt (&w, "label=type:svirt_t", loc);
    assert_string_equal (w.docker.label.s, "disable");
    brig_docker_security_opt (&w, "unmask=ALL", loc);
    assert_string_equal (w.docker.systempaths.s, "unconfined");
  }
  brig_workload_free (&w);
}

/* One rule, one id: a container rule named after a runtime gate rule has
 * its title and severity. */
static void
test_container_rules_match_the_gate (void **state)
{
  size_t n, same = 0;
  const struct brig_audit_rule *r = brig_container_rules (&n);

  (void)state;
  for (size_t i = 0; i < n; i++)
    {
      const struct brig_rule *g = brig_rule_find (r[i].id, NULL);
      assert_true (str_has_prefix (r[i].id, "BRIG-C") || str_has_prefix (r[i].id, "BRIG-R"));
      assert_int_equal (r[i].level, BRIG_PSS_NONE);
      if (str_has_prefix (r[i].id, "BRIG-R"))
        {
          assert_null (g);
          continue;
        }
      assert_non_null (g);
      assert_string_equal (r[i].title, g->title);
      assert_int_equal (r[i].severity, g->severity);
      same++;
    }
  assert_true (same >= 12);
}

static void
check_interpolate (char *const *env, const char *in, const char *want)
{
  _cleanup_free_ char *got = brig_env_interpolate (in, env);
  assert_string_equal (got ? got : in, want);
}

static void
test_dotenv_and_interpolation (void **state)
{
  const char text[] = "# a comment\n"
                      "TAG=1.27\n"
                      "export PRIV=false\n"
                      "  SPACED = padded value # a comment\n"
                      "EMPTY=\n"
                      "SQ='${TAG} as written'\n"
                      "DQ=\"tab\\there \\$TAG ${TAG}\"\r\n"
                      "REF=nginx:${TAG}\n"
                      "not a line\n"
                      "OPEN=\"not closed\n"
                      "TAG=1.28\n";
  _cleanup_strv_ char **env = NULL;

  (void)state;
  brig_parse_dotenv (text, strlen (text), &env);
  /* Sorted, the last TAG kept, the bad lines skipped. */
  assert_int_equal (strv_len (env), 7);
  assert_string_equal (env[0], "DQ=tab\there $TAG 1.27");
  assert_string_equal (env[1], "EMPTY=");
  assert_string_equal (brig_env_get (env, "TAG", 3), "1.28");
  assert_string_equal (brig_env_get (env, "PRIV", 4), "false");
  assert_string_equal (brig_env_get (env, "SPACED", 6), "padded value");
  assert_string_equal (brig_env_get (env, "SQ", 2), "${TAG} as written");
  assert_string_equal (brig_env_get (env, "REF", 3), "nginx:1.27");
  assert_null (brig_env_get (env, "OPEN", 4));
  assert_null (brig_env_get (env, "TA", 2));

  check_interpolate (env, "nginx:${TAG}", "nginx:1.28");
  check_interpolate (env, "$TAG-$$TAG-$", "1.28-$TAG-$");
  check_interpolate (env, "${UNSET:-0.0.0.0}:80:80", "0.0.0.0:80:80");
  check_interpolate (env, "${EMPTY:-def} ${EMPTY-def} ${UNSET-def}", "def  def");
  check_interpolate (env, "${PRIV:-true} ${UNSET:-${PRIV}}", "false false");
  check_interpolate (env, "${TAG:+set}|${UNSET:+set}|${EMPTY:+set}|${EMPTY+set}", "set|||set");
  check_interpolate (env, "${TAG:?need it} ${UNSET:?need it} ${UNSET?x}",
                     "1.28 ${UNSET:?need it} ${UNSET?x}");
  /* Unknown stays as written: $UNSET, ${UNSET}, bad forms, an open brace. */
  check_interpolate (env, "$UNSET ${UNSET} ${1x} ${TAG/x} ${TAG",
                     "$UNSET ${UNSET} ${1x} ${TAG/x} ${TAG");
  check_interpolate (NULL, "${A:-a}$B", "a$B");
  /* With no variable set: the defaults, or nothing known. */
  {
    static const struct
    {
      const char *in, *want;
    } defaults[] = {
      { "${A:-/x}/y", "/x/y" }, { "${A-${B:-1}}", "1" }, { "${A:+x}b", "b" },
      { "$$A", "$A" },          { "${A}", NULL },        { "$A", NULL },
      { "${A:?m}", NULL },      { "${A", NULL },         { "plain", NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE (defaults); i++)
      {
        _cleanup_free_ char *got = brig_env_defaults (defaults[i].in);
        if (defaults[i].want)
          assert_string_equal (got, defaults[i].want);
        else
          assert_null (got);
      }
  }
}

/* Compose values are read interpolated, at their own nodes. */
static void
test_compose_env (void **state)
{
  const char text[] = "services:\n"
                      "  web:\n"
                      "    image: nginx:${TAG:-latest}\n"
                      "    privileged: ${PRIV:-true}\n"
                      "    read_only: ${RO}\n"
                      "    user: $$USER\n"
                      "    ports: [\"${BIND:-0.0.0.0}:80:80\", \"${IP}:81:81\",\n"
                      "            {target: 82, host_ip: \"${ANY:-}\"}, {target: 83, host_ip: "
                      "\"${LO:-127.0.0.1}\"}]\n"
                      "    cap_add: [\"${CAP}\"]\n";
  char env_text[] = "RO=yes\nCAP=SYS_ADMIN\nTAG=1.27\n";
  _cleanup_strv_ char **env = NULL;
  struct brig_compose_loader loader = { NULL, NULL, NULL, NULL };
  struct brig_yaml *y = NULL;
  struct brig_workload *w = NULL;
  struct brig_err err = { 0 };
  size_t n = 0;

  (void)state;
  brig_parse_dotenv (env_text, strlen (env_text), &env);
  loader.env = env;
  assert_int_equal (brig_yaml_load (text, strlen (text), "compose.yaml", &y, &err), 0);
  assert_int_equal (brig_parse_compose (y, "compose.yaml", &loader, &w, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (w[0].docker.image.s, "nginx:1.27");
  assert_int_equal (w[0].docker.image.loc.line, 3);
  assert_string_equal (w[0].docker.privileged.s, "true");
  assert_int_equal (w[0].docker.privileged.loc.line, 4);
  assert_int_equal (w[0].docker.privileged.loc.col, 5);
  assert_string_equal (w[0].docker.read_only.s, "true");
  assert_string_equal (w[0].docker.user.s, "$USER");
  assert_string_equal (w[0].docker.ports[0].host_ip.s, "0.0.0.0");
  assert_string_equal (w[0].docker.ports[1].host_ip.s, "${IP}");
  assert_false (w[0].docker.ports[2].host_ip.set); /* every interface */
  assert_string_equal (w[0].docker.ports[3].host_ip.s, "127.0.0.1");
  assert_string_equal (w[0].docker.cap_add.v[0].s, "SYS_ADMIN");
  brig_workloads_free (w, n);
  brig_yaml_free (y);
}

static void
test_compose_includes (void **state)
{
  const char text[] = "include:\n"
                      "  - common.yaml\n"
                      "  - path: [\"a/${SUB}.yaml\", b.yaml]\n"
                      "    project_directory: ..\n"
                      "    env_file: [x.env, y.env]\n"
                      "services: {}\n";
  char *env[] = { (char *)"SUB=one", NULL };
  struct brig_yaml *y = NULL;
  struct brig_compose_include *inc = NULL;
  struct brig_err err = { 0 };
  size_t n = 0;

  (void)state;
  assert_int_equal (brig_yaml_load (text, strlen (text), "compose.yaml", &y, &err), 0);
  assert_int_equal (brig_compose_includes (y, "compose.yaml", env, &inc, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (inc[0].paths[0], "common.yaml");
  assert_null (inc[0].paths[1]);
  assert_int_equal (inc[0].loc.line, 2);
  assert_string_equal (inc[1].paths[0], "a/one.yaml");
  assert_string_equal (inc[1].paths[1], "b.yaml");
  assert_string_equal (inc[1].project_directory, "..");
  assert_string_equal (inc[1].env_files[1], "y.env");
  brig_compose_includes_free (inc, n);
  brig_yaml_free (y);

  {
    const char bad[] = "include:\n  - {project_directory: x}\n";
    assert_int_equal (brig_yaml_load (bad, strlen (bad), "c.yaml", &y, &err), 0);
    assert_true (brig_compose_includes (y, "c.yaml", NULL, &inc, &n, &err) < 0);
    assert_string_equal (err.msg, "c.yaml:2:5: include: expected a mapping with `path`");
    brig_err_release (&err);
    brig_yaml_free (y);
  }
}

/* Every flag of docker run that rules read lands in its field, at its
 * flag; the first CPU flag wins, --no-healthcheck is not undone by a
 * --health-cmd, short flags cluster. */
static void
test_dockerrun_flags (void **state)
{
  const char text[]
      = "docker run --privileged --read-only -P --cap-add=NET_ADMIN,SYS_TIME --cap-drop ALL\\\n"
        " -u 1000 --security-opt seccomp=unconfined -p 80:80 -v /a:/b --mount "
        "type=bind,src=/c,dst=/d"
        " --net host --pid host --ipc host --uts host --userns host --cgroupns host"
        " --device /dev/kmsg --device-cgroup-rule 'c 1:3 r' -m 1g --memory-swap 2g"
        " --cpus 1 --cpu-shares 512 --pids-limit 100 --tmpfs /tmp --name web --restart always"
        " --no-healthcheck --health-cmd true --ulimit nofile=10 --cgroup-parent p"
        " -itp 81:81 -e A=b img cmd --privileged\n";
  struct brig_workload *w = NULL;
  struct brig_err err = { 0 };
  size_t n = 0;
  const struct brig_wdocker *d;

  (void)state;
  assert_int_equal (brig_parse_dockerrun (text, strlen (text), "t.sh", false, &w, &n, &err), 0);
  assert_int_equal (n, 1);
  d = &w[0].docker;
  assert_string_equal (w[0].kind, "docker run");
  assert_string_equal (w[0].name, "web");
  assert_string_equal (d->image.s, "img");
  assert_string_equal (d->privileged.s, "true");
  assert_int_equal (d->privileged.loc.col, 12);
  assert_string_equal (d->read_only.s, "true");
  assert_string_equal (d->publish_all.s, "true");
  assert_int_equal (d->cap_add.n, 2);
  assert_string_equal (d->cap_add.v[1].s, "SYS_TIME");
  assert_string_equal (d->cap_drop.v[0].s, "ALL");
  assert_int_equal (d->cap_drop.v[0].loc.line, 1);
  assert_string_equal (d->user.s, "1000");
  assert_int_equal (d->user.loc.line, 2);
  assert_string_equal (d->seccomp.s, "unconfined");
  assert_int_equal (d->nports, 2);
  assert_string_equal (d->ports[1].published.s, "81");
  assert_int_equal (d->nmounts, 2);
  assert_string_equal (d->mounts[0].source.s, "/a");
  assert_string_equal (d->mounts[1].target.s, "/d");
  assert_string_equal (d->network_mode.s, "host");
  assert_string_equal (d->pid.s, "host");
  assert_string_equal (d->ipc.s, "host");
  assert_string_equal (d->uts.s, "host");
  assert_string_equal (d->userns_mode.s, "host");
  assert_string_equal (d->cgroupns.s, "host");
  assert_string_equal (d->devices.v[0].s, "/dev/kmsg");
  assert_string_equal (d->device_cgroup_rules.v[0].s, "c 1:3 r");
  assert_string_equal (d->memory.s, "1g");
  assert_string_equal (d->memory_swap.s, "2g");
  assert_string_equal (d->cpus.s, "1");
  assert_string_equal (d->pids_limit.s, "100");
  assert_string_equal (d->tmpfs.v[0].s, "/tmp");
  assert_string_equal (d->restart.s, "always");
  assert_string_equal (d->healthcheck.s, "none");
  assert_string_equal (d->ulimits.v[0].s, "nofile=10");
  assert_string_equal (d->cgroup_parent.s, "p");
  assert_false (d->exec);
  brig_workloads_free (w, n);
}

static void
test_shebang (void **state)
{
  static const struct
  {
    const char *line;
    bool shell;
  } lines[] = {
    { "#!/bin/sh\n", true },
    { "#! /usr/bin/env bash\nx", true },
    { "#!/usr/bin/env -S bash -e", true },
    { "#!/usr/bin/env /bin/dash\n", true },
    { "#!/usr/bin/python3\n", false },
    { "#!/usr/bin/env\n", false },
    { "# a comment\n", false },
    { "#!", false },
  };

  (void)state;
  for (size_t i = 0; i < ARRAY_SIZE (lines); i++)
    assert_int_equal (brig_dockerrun_shebang (lines[i].line, strlen (lines[i].line)),
                      lines[i].shell);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_shell_words),
    cmocka_unit_test (test_shell_errors_have_places),
    cmocka_unit_test (test_ports_and_volumes),
    cmocka_unit_test (test_container_rules_match_the_gate),
    cmocka_unit_test (test_dotenv_and_interpolation),
    cmocka_unit_test (test_compose_env),
    cmocka_unit_test (test_compose_includes),
    cmocka_unit_test (test_dockerrun_flags),
    cmocka_unit_test (test_shebang),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
