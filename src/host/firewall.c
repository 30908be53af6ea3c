/* The packet filter as Docker leaves it: iptables-save's filter and nat
 * tables (the program is run, when it is installed, and its output read;
 * or a saved ruleset), else nftables' own ruleset (`nft -j list
 * ruleset`), and whether UFW or firewalld, whose rules Docker's
 * come before, is on. */
#include "host/machine.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mem.h"

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RULES_MAX (8 << 20)

/* The output of the first of PATHS that is installed, run with ARGV
 * (ARGV[0] is replaced by it), or NULL (not installed, not root, failed).
 *
 * The programs brig host runs (iptables-save, nft).  They stay here, not
 * in src/sandbox: they read the host as the other readers of src/host do
 * (a fork, an exec and a pipe, no namespace, mount or privilege change),
 * and the rules live in the kernel behind a netlink protocol brig does not
 * speak. */
static char *
run_reader (const char *const *paths, size_t npaths, char **argv)
{
  const char *prog = NULL;
  char *buf = NULL;
  struct brig_err e = { 0 };
  int fds[2], status, r;
  pid_t pid;

  for (size_t i = 0; i < npaths && prog == NULL; i++)
    if (access (paths[i], X_OK) == 0)
      prog = paths[i];
  if (prog == NULL || geteuid () != 0 || pipe2 (fds, O_CLOEXEC) < 0)
    return NULL;
  argv[0] = (char *)prog;
  pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return NULL;
    }
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      dup2 (fds[1], 1);
      if (null >= 0)
        {
          dup2 (null, 0);
          dup2 (null, 2);
        }
      execv (prog, argv);
      _exit (127);
    }
  close (fds[1]);
  /* More than RULES_MAX: the child dies of SIGPIPE when the pipe closes. */
  r = brig_read_fd (fds[0], prog, RULES_MAX, &buf, NULL, &e);
  brig_err_release (&e);
  close (fds[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (r < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

static char *
run_iptables_save (void)
{
  static const char *const paths[] = { "/usr/sbin/iptables-save", "/sbin/iptables-save" };
  char *argv[] = { NULL, NULL };
  return run_reader (paths, ARRAY_SIZE (paths), argv);
}

static json_t *
run_nft (void)
{
  static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft" };
  char *argv[] = { NULL, "-j", "list", "ruleset", NULL };
  _cleanup_free_ char *buf = run_reader (paths, ARRAY_SIZE (paths), argv);
  return buf ? json_loads (buf, 0, NULL) : NULL;
}

static bool
word (const char *line, const char *w)
{
  size_t n = strlen (w);
  for (const char *p = strstr (line, w); p; p = strstr (p + 1, w))
    if ((p == line || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return true;
  return false;
}

static void
parse_rules (char *buf, struct brig_host_firewall *fw)
{
  char *save = NULL, table[16] = "";
  int n = 0;

  for (char *line = buf; line; line = save)
    {
      save = strchr (line, '\n');
      if (save)
        *save++ = '\0';
      n++;
      if (line[0] == '*')
        {
          snprintf (table, sizeof table, "%s", line + 1);
          continue;
        }
      if (strcmp (table, "filter") == 0)
        {
          if (strncmp (line, ":DOCKER-USER ", 13) == 0)
            fw->docker_user_line = n;
          else if (strncmp (line, ":DOCKER ", 8) == 0 || strncmp (line, ":DOCKER-", 8) == 0)
            fw->docker_chains = true;
          else if (strncmp (line, "-A DOCKER-USER ", 15) == 0 && !word (line, "RETURN"))
            fw->docker_user_rules++;
          else if (strncmp (line, "-A ", 3) == 0 && strstr (line, "-i docker0 -o docker0"))
            {
              if (word (line, "DROP") && !fw->icc_drop_line)
                fw->icc_drop_line = n;
              else if (word (line, "ACCEPT") && !fw->icc_accept_line)
                fw->icc_accept_line = n;
            }
        }
      else if (strcmp (table, "nat") == 0 && strncmp (line, "-A DOCKER ", 10) == 0
               && word (line, "DNAT") && !strstr (line, " -d ") && !fw->dnat_open_line)
        {
          const char *port = strstr (line, "--dport "), *to = strstr (line, "--to-destination ");
          fw->dnat_open_line = n;
          snprintf (fw->dnat_open, sizeof fw->dnat_open, "port %.*s -> %.40s",
                    port ? (int)strcspn (port + 8, " ") : 1, port ? port + 8 : "?",
                    to ? to + 17 : "?");
        }
    }
}

/* --- nftables: `nft -j list ruleset` ------------------------------------ */

/* The first statement of rule expression list EXPR that is KEY ("match",
 * "accept", "drop", "return", "dnat"; {"drop": null} gives jansson's
 * null, not NULL) and, for a match, whose left is {WHAT: {"key"/"field":
 * NAME}} ({"meta": {"key": "iifname"}}, {"payload": {"field": "dport"}}). */
static json_t *
nft_stmt (json_t *expr, const char *key, const char *what, const char *name)
{
  size_t i;
  json_t *x;
  json_array_foreach (expr, i, x)
  {
    json_t *v = json_object_get (x, key);
    json_t *left = what ? json_object_get (json_object_get (v, "left"), what) : NULL;
    const char *n = json_string_value (
        json_object_get (left, strcmp (what ? what : "", "meta") == 0 ? "key" : "field"));
    if (v && (what == NULL || (n && strcmp (n, name) == 0)))
      return v;
  }
  return NULL;
}

/* Does EXPR match meta KEY ("iifname") == VALUE? */
static bool
nft_meta_is (json_t *expr, const char *key, const char *value)
{
  json_t *m = nft_stmt (expr, "match", "meta", key);
  const char *op = json_string_value (json_object_get (m, "op"));
  const char *v = json_string_value (json_object_get (m, "right"));
  return v && strcmp (v, value) == 0 && (op == NULL || strcmp (op, "==") == 0);
}

/* The value the payload match FIELD ("dport", "daddr") of EXPR compares
 * with, or NULL. */
static json_t *
nft_payload (json_t *expr, const char *field)
{
  return json_object_get (nft_stmt (expr, "match", "payload", field), "right");
}

static bool
docker_chain_name (const char *name)
{
  return name && (strcmp (name, "DOCKER") == 0 || str_has_prefix (name, "DOCKER-"));
}

void
brig_host_parse_nft (json_t *root, struct brig_host_firewall *fw)
{
  json_t *list = json_object_get (root, "nftables"), *item;
  size_t i;

  json_array_foreach (list, i, item)
  {
    int n = (int)i + 1;
    json_t *chain = json_object_get (item, "chain"), *rule = json_object_get (item, "rule");
    if (chain)
      {
        const char *name = json_string_value (json_object_get (chain, "name"));
        if (name && strcmp (name, "DOCKER-USER") == 0 && !fw->docker_user_line)
          fw->docker_user_line = n;
        else if (docker_chain_name (name))
          fw->docker_chains = true;
        continue;
      }
    json_t *expr = json_object_get (rule, "expr");
    const char *in = json_string_value (json_object_get (rule, "chain"));
    if (!json_is_array (expr) || in == NULL)
      continue;
    if (strcmp (in, "DOCKER-USER") == 0 && !nft_stmt (expr, "return", NULL, NULL))
      fw->docker_user_rules++;
    if (nft_meta_is (expr, "iifname", "docker0") && nft_meta_is (expr, "oifname", "docker0"))
      {
        if (nft_stmt (expr, "drop", NULL, NULL) && !fw->icc_drop_line)
          fw->icc_drop_line = n;
        else if (nft_stmt (expr, "accept", NULL, NULL) && !fw->icc_accept_line)
          fw->icc_accept_line = n;
      }
    json_t *dnat = nft_stmt (expr, "dnat", NULL, NULL);
    if (strcmp (in, "DOCKER") == 0 && dnat && !nft_payload (expr, "daddr") && !fw->dnat_open_line)
      {
        json_t *port = nft_payload (expr, "dport");
        const char *addr = json_string_value (json_object_get (dnat, "addr"));
        json_int_t to = json_integer_value (json_object_get (dnat, "port"));
        fw->dnat_open_line = n;
        snprintf (fw->dnat_open, sizeof fw->dnat_open, "port %lld -> %.40s%s%.0lld",
                  (long long)json_integer_value (port), addr ? addr : "?", to ? ":" : "",
                  (long long)to);
      }
  }
}

static void
read_host_firewalls (const char *root, struct brig_host_firewall *fw)
{
  _cleanup_free_ char *ufw = xasprintf ("%s/etc/ufw/ufw.conf", root);
  _cleanup_free_ char *fwd = xasprintf ("%s/run/firewalld.pid", root);
  _cleanup_fclose_ FILE *f = fopen (ufw, "re");
  char buf[256];
  int n = 0;
  struct stat st;

  while (f && fgets (buf, sizeof buf, f))
    {
      n++;
      if (strncmp (buf, "ENABLED=yes", 11) == 0)
        {
          fw->ufw = true;
          snprintf (fw->firewall_file, sizeof fw->firewall_file, "/etc/ufw/ufw.conf");
          fw->firewall_line = n;
          return;
        }
    }
  if (stat (fwd, &st) == 0)
    {
      fw->firewalld = true;
      snprintf (fw->firewall_file, sizeof fw->firewall_file, "/run/firewalld.pid");
    }
}

void
brig_host_read_firewall (const struct brig_host_paths *p, struct brig_host_firewall *fw)
{
  _cleanup_free_ char *buf = NULL;

  memset (fw, 0, sizeof *fw);
  read_host_firewalls (p->root, fw);
  if (p->iptables_save)
    {
      struct brig_err e = { 0 };
      size_t len;
      if (brig_read_file (p->iptables_save, RULES_MAX, &buf, &len, &e) < 0)
        {
          brig_err_release (&e);
          return;
        }
      snprintf (fw->source, sizeof fw->source, "%s", p->iptables_save);
    }
  else if (p->root[0] == '\0' && (buf = run_iptables_save ()))
    snprintf (fw->source, sizeof fw->source, "host:iptables-save");
  if (buf)
    {
      fw->read = true;
      parse_rules (buf, fw);
    }
  /* Nothing of Docker's there (iptables-legacy, or no iptables at all):
     the ruleset nftables holds, written by nft or by Docker's nftables
     backend. */
  if (!p->iptables_save && p->root[0] == '\0' && !fw->docker_chains && !fw->docker_user_line)
    {
      json_t *j = run_nft ();
      if (j)
        {
          struct brig_host_firewall nft = { 0 };
          brig_host_parse_nft (j, &nft);
          json_decref (j);
          if (nft.docker_chains || nft.docker_user_line || nft.icc_accept_line || nft.icc_drop_line)
            {
              memcpy (nft.firewall_file, fw->firewall_file, sizeof nft.firewall_file);
              nft.firewall_line = fw->firewall_line;
              nft.ufw = fw->ufw;
              nft.firewalld = fw->firewalld;
              *fw = nft;
              fw->read = true;
              snprintf (fw->source, sizeof fw->source, "host:nft");
            }
        }
    }
}
