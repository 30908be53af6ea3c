/* The Docker daemon rules, one per check, as data (the table at the end).
 * Each reads the daemon model (model/daemon.h): what a daemon.json sets,
 * and for what it leaves out, dockerd's default.  The CIS numbers are
 * those of the CIS Docker Benchmark 1.6.0 as docker-bench-security v1.6.0
 * numbers its checks (section 2, "Docker daemon configuration"); the
 * items that need the running host (2.1 rootless, 2.10 cgroup usage to
 * confirm) have no rule here.  docker-bench has no inline suppression, so
 * its ids are in the references only, not in same_as. */
#include "policy/daemon.h"
#include "util/cleanup.h"

#include <string.h>

static bool
is (const struct brig_wval *v, const char *s)
{
  return v->set && strcmp (v->s, s) == 0;
}

/* The file a value was set in: daemon.json, or dockerd's command line. */
static const char *
src_of (const struct brig_daemon *d, unsigned char src)
{
  return src && d->flags_file ? d->flags_file : d->file;
}

#define FILE_OF(d, v) src_of ((d), (v)->set ? (v)->src : 0)

/* Where an option is, or the object's start when it is not written. */
static struct brig_loc
at (const struct brig_daemon *d, const struct brig_wval *v)
{
  return v->set ? v->loc : d->loc;
}

static struct brig_loc
list_at (const struct brig_daemon *d, const struct brig_dlist *l)
{
  return l->set ? l->loc : d->loc;
}

static void
check_icc (const struct brig_daemon *d, const struct brig_audit_rule *r, struct brig_findings *f)
{
  if (brig_wfalse (&d->icc))
    return;
  brig_findings_add (f, r, FILE_OF (d, &d->icc), at (d, &d->icc),
                     "%s: every container on the default bridge reaches every other's ports",
                     d->icc.set ? "icc is true" : "no \"icc\": false (dockerd's default is true)");
}

static void
check_log_level (const struct brig_daemon *d, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  const struct brig_wval *l = &d->log_level;

  if (l->set && strcmp (l->s, "info") != 0)
    brig_findings_add (f, r, FILE_OF (d, l), l->loc, "log-level is \"%s\": %s", l->s,
                       strcmp (l->s, "debug") == 0
                           ? "debug logs far more than is read, sensitive data included"
                           : "events below that level are not logged");
  if (brig_wtrue (&d->debug))
    brig_findings_add (f, r, FILE_OF (d, &d->debug), d->debug.loc,
                       "debug is true: the daemon logs at debug level, far more than is read, "
                       "sensitive data included");
}

static void
check_iptables (const struct brig_daemon *d, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  if (brig_wfalse (&d->iptables))
    brig_findings_add (f, r, FILE_OF (d, &d->iptables), d->iptables.loc,
                       "iptables is false: dockerd writes no NAT or isolation rules; what "
                       "reaches the containers is left to hand-written rules");
}

/* A registry on this host: dockerd treats 127.0.0.0/8 as insecure anyway. */
static bool
loopback (const char *s)
{
  return strncmp (s, "localhost", 9) == 0 || strncmp (s, "127.", 4) == 0
         || strncmp (s, "::1", 3) == 0 || strncmp (s, "[::1]", 5) == 0;
}

static void
check_insecure_registries (const struct brig_daemon *d, const struct brig_audit_rule *r,
                           struct brig_findings *f)
{
  const struct brig_wlist *l = &d->insecure_registries.items;

  for (size_t i = 0; i < l->n; i++)
    if (!loopback (l->v[i].s))
      brig_findings_add (f, r, FILE_OF (d, &l->v[i]), l->v[i].loc,
                         "insecure registry %s: images are pulled from it without TLS "
                         "verification; whoever is on the path chooses them",
                         l->v[i].s);
}

static void
check_aufs (const struct brig_daemon *d, const struct brig_audit_rule *r, struct brig_findings *f)
{
  if (is (&d->storage_driver, "aufs"))
    brig_findings_add (f, r, FILE_OF (d, &d->storage_driver), d->storage_driver.loc,
                       "storage-driver aufs: kernel code outside the mainline kernel, deprecated "
                       "in Docker 20.10 and removed in Docker 24");
}

/* A -H address that is not a local socket: tcp://, or host:port. */
static bool
network_host (const char *s)
{
  return strncmp (s, "unix://", 7) != 0 && strncmp (s, "fd://", 5) != 0
         && strncmp (s, "npipe://", 8) != 0;
}

static void
check_tls (const struct brig_daemon *d, const struct brig_audit_rule *r, struct brig_findings *f)
{
  const struct brig_wlist *l = &d->hosts.items;

  if (brig_wtrue (&d->tlsverify))
    return;
  for (size_t i = 0; i < l->n; i++)
    if (network_host (l->v[i].s))
      brig_findings_add (
          f, r, FILE_OF (d, &l->v[i]), l->v[i].loc,
          "the API listens on %s %s: whoever reaches the port is root on the host", l->v[i].s,
          brig_wtrue (&d->tls) ? "with TLS but no client certificates (tlsverify)" : "without TLS");
}

static void
check_ulimits (const struct brig_daemon *d, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  if (d->default_ulimits.items.n == 0)
    brig_findings_add (f, r, FILE_OF (d, &d->default_ulimits), list_at (d, &d->default_ulimits),
                       "no default-ulimits: a container that sets no --ulimit gets dockerd's own "
                       "limits (review: a manual item of the benchmark)");
}

static void
check_userns (const struct brig_daemon *d, const struct brig_audit_rule *r, struct brig_findings *f)
{
  if (d->userns_remap.set && d->userns_remap.s[0])
    return;
  brig_findings_add (f, r, FILE_OF (d, &d->userns_remap), at (d, &d->userns_remap),
                     "%s: root in every container is root on the host",
                     d->userns_remap.set ? "userns-remap is empty" : "no userns-remap");
}

static void
check_basesize (const struct brig_daemon *d, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  const struct brig_wlist *l = &d->storage_opts.items;

  for (size_t i = 0; i < l->n; i++)
    if (strncmp (l->v[i].s, "dm.basesize", 11) == 0)
      brig_findings_add (f, r, FILE_OF (d, &l->v[i]), l->v[i].loc,
                         "storage-opts %s: every image and container gets the larger device, and "
                         "the pool fills sooner",
                         l->v[i].s);
}

static void
check_authz (const struct brig_daemon *d, const struct brig_audit_rule *r, struct brig_findings *f)
{
  if (d->authorization_plugins.items.n == 0)
    brig_findings_add (f, r, FILE_OF (d, &d->authorization_plugins),
                       list_at (d, &d->authorization_plugins),
                       "no authorization-plugins: every client of the Docker API may do all it "
                       "allows, privileged containers included");
}

static void
check_log_none (const struct brig_daemon *d, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  if (is (&d->log_driver, "none"))
    brig_findings_add (f, r, FILE_OF (d, &d->log_driver), d->log_driver.loc,
                       "log-driver none: what containers write is thrown away, and with it the "
                       "trace of an intrusion");
}

static void
check_log_remote (const struct brig_daemon *d, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  const struct brig_wval *l = &d->log_driver;

  if (!l->set || strcmp (l->s, "json-file") == 0 || strcmp (l->s, "local") == 0)
    brig_findings_add (f, r, FILE_OF (d, l), at (d, l),
                       "%s%s%s keeps container logs on this host only, where they are lost with "
                       "it or erased by whoever takes it",
                       l->set ? "log-driver " : "no log-driver: ", l->set ? l->s : "json-file",
                       l->set ? "" : " (dockerd's default)");
}

static void
check_nnp (const struct brig_daemon *d, const struct brig_audit_rule *r, struct brig_findings *f)
{
  if (brig_wtrue (&d->no_new_privileges))
    return;
  brig_findings_add (f, r, FILE_OF (d, &d->no_new_privileges), at (d, &d->no_new_privileges),
                     "%s: in a container that does not ask for it, setuid programs raise "
                     "privileges",
                     d->no_new_privileges.set ? "no-new-privileges is false"
                                              : "no \"no-new-privileges\": true");
}

static void
check_live_restore (const struct brig_daemon *d, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  if (brig_wtrue (&d->live_restore))
    return;
  brig_findings_add (f, r, FILE_OF (d, &d->live_restore), at (d, &d->live_restore),
                     "%s: restarting dockerd for an update stops every container",
                     d->live_restore.set ? "live-restore is false" : "no \"live-restore\": true");
}

static void
check_userland_proxy (const struct brig_daemon *d, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  if (brig_wfalse (&d->userland_proxy))
    return;
  brig_findings_add (f, r, FILE_OF (d, &d->userland_proxy), at (d, &d->userland_proxy),
                     "%s: a docker-proxy process listens for each published port",
                     d->userland_proxy.set ? "userland-proxy is true"
                                           : "no \"userland-proxy\": false (the default is true)");
}

static void
check_seccomp (const struct brig_daemon *d, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  if (is (&d->seccomp_profile, "unconfined"))
    brig_findings_add (f, r, FILE_OF (d, &d->seccomp_profile), d->seccomp_profile.loc,
                       "seccomp-profile unconfined: every container that names no profile runs "
                       "without seccomp, every syscall of the kernel in reach");
}

static void
check_experimental (const struct brig_daemon *d, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  if (brig_wtrue (&d->experimental))
    brig_findings_add (f, r, FILE_OF (d, &d->experimental), d->experimental.loc,
                       "experimental is true: features without the review of stable ones are on");
}

/* --- the table ------------------------------------------------------------------ */

#define R(id_, title_, sev_, control_, why_, fix_, refs_, check_)                                  \
  {                                                                                                \
    .id = id_, .title = title_, .severity = sev_, .control = control_, .why = why_, .fix = fix_,   \
    .refs = refs_, .check_daemon = check_                                                          \
  }

static const struct brig_audit_rule rules[] = {
  R ("BRIG-H001", "containers on the default bridge talk freely", BRIG_SEV_MEDIUM, "icc",
     "On the default bridge every container reaches every other one's ports: one compromised "
     "container can attack the rest, and no firewall rule stands between them.",
     "\"icc\": false; connect the containers that must talk through user-defined networks "
     "(docker network create).",
     "CIS Docker 2.2; docker-bench-security 2.2", check_icc),
  R ("BRIG-H002", "logging level not info", BRIG_SEV_LOW, "log-level",
     "At info the daemon logs every event worth keeping; at warn, error or fatal security events "
     "are lost, and debug logs more than anyone reads, sensitive data included.",
     "\"log-level\": \"info\", or leave it out (info is dockerd's default), and no \"debug\": "
     "true.",
     "CIS Docker 2.3; docker-bench-security 2.3", check_log_level),
  R ("BRIG-H003", "Docker may not change iptables", BRIG_SEV_MEDIUM, "iptables",
     "With iptables false dockerd writes no firewall rules: published ports and the isolation "
     "between networks rest on rules written by hand, which drift from what runs and tend to be "
     "opened wide.",
     "Remove \"iptables\": false (true is dockerd's default); filter what reaches the containers "
     "in the DOCKER-USER chain.",
     "CIS Docker 2.4; docker-bench-security 2.4", check_iptables),
  R ("BRIG-H004", "insecure registry", BRIG_SEV_HIGH, "insecure-registries",
     "An insecure registry is reached over plain HTTP, or over TLS without checking its "
     "certificate: anyone on the network path can serve other images, and credentials cross in "
     "the clear.",
     "Remove it from \"insecure-registries\"; give the registry a certificate (its CA in "
     "/etc/docker/certs.d/HOST:PORT/ca.crt).",
     "CIS Docker 2.5; docker-bench-security 2.5", check_insecure_registries),
  R ("BRIG-H005", "aufs storage driver", BRIG_SEV_MEDIUM, "storage-driver",
     "aufs lives outside the mainline kernel and is known for kernel crashes; Docker deprecated "
     "it in 20.10 and removed it in 24.",
     "\"storage-driver\": \"overlay2\" (the images must be pulled again or saved and loaded).",
     "CIS Docker 2.6; docker-bench-security 2.6", check_aufs),
  R ("BRIG-H006", "Docker API on TCP without TLS verification", BRIG_SEV_CRITICAL, "hosts",
     "The Docker API is root on the host. On a TCP socket without tlsverify, anyone who reaches "
     "the port runs containers as they like (without TLS, anyone on the path reads and changes "
     "the traffic too).",
     "Keep the unix socket only, or set \"tlsverify\": true with \"tlscacert\", \"tlscert\" and "
     "\"tlskey\" so that only clients with a certificate of your CA connect (port 2376); or reach "
     "a remote daemon over SSH (DOCKER_HOST=ssh://user@host).",
     "CIS Docker 2.7; docker-bench-security 2.7", check_tls),
  R ("BRIG-H007", "no default ulimits", BRIG_SEV_LOW, "default-ulimits",
     "Default ulimits bound what the processes of a container that sets none may hold (open "
     "files, processes). The benchmark asks for them as appropriate: a manual item, to review "
     "rather than a failure.",
     "\"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Soft\": 1024, \"Hard\": 4096}} "
     "with values that suit the workloads, or --ulimit on each container.",
     "CIS Docker 2.8 (manual); docker-bench-security 2.8 (info)", check_ulimits),
  R ("BRIG-H008", "no user namespace remapping", BRIG_SEV_MEDIUM, "userns-remap",
     "Without user namespace remapping, uid 0 in a container is uid 0 on the host: a process that "
     "breaks out, or a file it writes through a bind mount, is root's.",
     "\"userns-remap\": \"default\" (dockerd creates the user dockremap and its ranges in "
     "/etc/subuid and /etc/subgid), or run the daemon rootless.",
     "CIS Docker 2.9; docker-bench-security 2.9; brig run: BRIG-C011 (per container)",
     check_userns),
  R ("BRIG-H009", "base device size changed", BRIG_SEV_LOW, "storage-opts",
     "dm.basesize enlarges the devicemapper device of every image and container: the thin pool, "
     "and the host with it, fills sooner.",
     "Remove dm.basesize from \"storage-opts\" until a container needs more (devicemapper itself "
     "is gone from Docker 25: overlay2).",
     "CIS Docker 2.11; docker-bench-security 2.11", check_basesize),
  R ("BRIG-H010", "no authorization plugin", BRIG_SEV_LOW, "authorization-plugins",
     "Without an authorization plugin, access to the Docker API is all or nothing: whoever can "
     "reach the socket can start privileged containers. The benchmark asks for one; it is a "
     "component to choose and run, hence a low severity here.",
     "\"authorization-plugins\": [\"NAME\"] with a plugin that decides who may do what (such as "
     "opa-docker-authz), or keep the socket to root alone.",
     "CIS Docker 2.12; docker-bench-security 2.12", check_authz),
  R ("BRIG-H011", "container logs discarded", BRIG_SEV_MEDIUM, "log-driver",
     "With the none log driver nothing a container writes is kept: no trace of what happened in "
     "it.",
     "\"log-driver\": \"syslog\", \"journald\", \"fluentd\", \"gelf\"... towards a central "
     "collector (or \"local\", with rotation, at the least).",
     "CIS Docker 2.13; docker-bench-security 2.13", check_log_none),
  R ("BRIG-H012", "no remote logging", BRIG_SEV_LOW, "log-driver",
     "Logs kept on the host alone are lost with it and can be erased by whoever takes it over; "
     "the benchmark asks for centralized, remote logging.",
     "\"log-driver\": \"syslog\" with \"log-opts\": {\"syslog-address\": \"tcp://LOGHOST:514\"}, "
     "or fluentd, gelf, journald forwarded off the host.",
     "CIS Docker 2.13; docker-bench-security 2.13 (warns on json-file)", check_log_remote),
  R ("BRIG-H013", "privilege escalation allowed by default", BRIG_SEV_MEDIUM, "no-new-privileges",
     "With no-new-privileges the daemon's default, no process in a container gains privileges "
     "through setuid or setgid programs or file capabilities unless its container asks for it.",
     "\"no-new-privileges\": true.",
     "CIS Docker 2.14; docker-bench-security 2.14; brig run: BRIG-C007 (per container)", check_nnp),
  R ("BRIG-H014", "live restore off", BRIG_SEV_LOW, "live-restore",
     "Without live restore, restarting the daemon, to apply a security update, stops every "
     "container: updates get put off.",
     "\"live-restore\": true (Swarm mode does not support it).",
     "CIS Docker 2.15; docker-bench-security 2.15", check_live_restore),
  R ("BRIG-H015", "userland proxy on", BRIG_SEV_LOW, "userland-proxy",
     "The userland proxy is a process per published port (docker-proxy) that forwards what "
     "kernel NAT rules would: more code listening on the host, and the container sees "
     "connections come from the proxy, not from their source.",
     "\"userland-proxy\": false (hairpin NAT, which it replaces, is in every current kernel).",
     "CIS Docker 2.16; docker-bench-security 2.16", check_userland_proxy),
  R ("BRIG-H016", "seccomp off by default", BRIG_SEV_HIGH, "seccomp-profile",
     "The daemon's seccomp profile applies to every container that names none; unconfined leaves "
     "every syscall of the kernel reachable from them.",
     "Remove \"seccomp-profile\" (Docker's default profile applies), or name a profile that "
     "denies by default.",
     "CIS Docker 2.17; docker-bench-security 2.17; brig run: BRIG-C004 (per container)",
     check_seccomp),
  R ("BRIG-H017", "experimental features on", BRIG_SEV_LOW, "experimental",
     "Experimental features have not had the review and support of the stable ones; production "
     "daemons should not run them.",
     "Remove \"experimental\": true (false is the default).",
     "CIS Docker 2.18 (docker-bench-security 2.18 judges it up to Docker 19.03 only)",
     check_experimental),
};

const struct brig_audit_rule *
brig_daemon_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

void
brig_audit_daemon (const struct brig_daemon *d, struct brig_findings *f)
{
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    rules[i].check_daemon (d, &rules[i], f);
}
