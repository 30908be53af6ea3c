/* The packet filter as Docker leaves it: iptables-save's filter and nat
 * tables (the program is run, when it is installed, and its output read;
 * or a saved ruleset), and whether UFW or firewalld, whose rules Docker's
 * come before, is on. */
#include "host/machine.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RULES_MAX (8 << 20)

/* iptables-save's output, or NULL (not installed, not root, failed).
 *
 * The one program brig host runs.  It stays here, not in src/sandbox:
 * it reads the host as the other readers of src/host do (a fork, an exec
 * and a pipe, no namespace, mount or privilege change), and the rules
 * live in the kernel behind a netlink protocol brig does not speak. */
static char *
run_iptables_save (void)
{
  static const char *const paths[] = { "/usr/sbin/iptables-save", "/sbin/iptables-save" };
  const char *prog = NULL;
  char *buf = NULL;
  struct brig_err e = { 0 };
  int fds[2], status, r;
  pid_t pid;

  for (size_t i = 0; i < ARRAY_SIZE (paths) && prog == NULL; i++)
    if (access (paths[i], X_OK) == 0)
      prog = paths[i];
  if (prog == NULL || geteuid () != 0 || pipe2 (fds, O_CLOEXEC) < 0)
    return NULL;
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
      execl (prog, prog, (char *)NULL);
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
  if (buf == NULL)
    return;
  fw->read = true;
  parse_rules (buf, fw);
}
