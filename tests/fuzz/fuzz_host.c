/* Fuzz brig host's readers of what it did not write: the first byte
 * picks the input (0-4: Podman's containers.conf, containerd's
 * config.toml, a saved iptables ruleset, /etc/group, UFW's ufw.conf,
 * read from a private root as brig host --root reads a tree; 5, 6: an
 * answer of Docker's API, /info or /containers/ID/json, mapped to the
 * host model; 7, 8: auditd's rules and daemon.json, whose TLS files the
 * owner and mode check reads), the rest is its text. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/machine.h"
#include "model/host.h"
#include "policy/host.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char root[64];

static void
put (const char *rel, const uint8_t *data, size_t size)
{
  char path[256];
  FILE *f;

  snprintf (path, sizeof path, "%s%s", root, rel);
  f = fopen (path, "wb");
  if (f == NULL)
    abort ();
  fwrite (data, 1, size, f);
  fclose (f);
}

static const char *const files[] = { "/etc/containers/containers.conf",
                                     "/etc/containerd/config.toml",
                                     "/rules.save",
                                     "/etc/group",
                                     "/etc/ufw/ufw.conf",
                                     "/etc/audit/audit.rules",
                                     "/etc/docker/daemon.json",
                                     "/usr/bin/dockerd" };
/* Made in this order, removed in it (children first). */
static const char *const dirs[] = { "/etc/containers",
                                    "/etc/containerd",
                                    "/etc/ufw",
                                    "/etc/audit",
                                    "/etc/docker",
                                    "/usr/bin",
                                    "/usr",
                                    "/etc",
                                    "" };

/* The private root goes when the run ends. */
static void
cleanup (void)
{
  char path[256];

  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      snprintf (path, sizeof path, "%s%s", root, files[i]);
      unlink (path);
    }
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    {
      snprintf (path, sizeof path, "%s%s", root, dirs[i]);
      rmdir (path);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char saved[128];
  struct brig_host_paths p = { 0 };
  struct brig_host h;

  if (size == 0)
    return 0;
  if (data[0] % 9 == 5 || data[0] % 9 == 6)
    {
      json_t *j = json_loadb ((const char *)data + 1, size - 1, 0, NULL);
      memset (&h, 0, sizeof h);
      if (j && data[0] % 9 == 5)
        brig_host_docker_info (j, &h.docker);
      else if (j && json_object_get (j, "nftables"))
        {
          /* nft -j list ruleset, judged with UFW on. */
          brig_host_parse_nft (j, &h.firewall);
          h.firewall.read = h.firewall.ufw = true;
          snprintf (h.firewall.source, sizeof h.firewall.source, "host:nft");
        }
      else if (j)
        {
          h.docker.containers = calloc (2, sizeof *h.docker.containers);
          brig_host_docker_container (j, "0123456789abcdef", &h.docker.containers[0]);
          h.docker.ncontainers = 1;
        }
      json_decref (j);
      {
        /* And the rules over what was mapped. */
        struct brig_findings f = { 0 };
        brig_audit_host (&h, 20260101, &f);
        brig_findings_release (&f);
      }
      brig_host_release (&h);
      return 0;
    }
  if (root[0] == '\0')
    {
      char dir[256];
      snprintf (root, sizeof root, "/tmp/brig-fuzz-host.XXXXXX");
      if (mkdtemp (root) == NULL)
        abort ();
      snprintf (dir, sizeof dir, "%s/etc", root);
      mkdir (dir, 0700);
      snprintf (dir, sizeof dir, "%s/usr", root);
      mkdir (dir, 0700);
      for (size_t i = 0; i < 6; i++)
        {
          snprintf (dir, sizeof dir, "%s%s", root, dirs[i]);
          mkdir (dir, 0700);
        }
      atexit (cleanup);
    }
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    put (files[i], (const uint8_t *)"", 0);
  put (files[data[0] % 9 < 5 ? data[0] % 9 : data[0] % 9 - 2], data + 1, size - 1);
  snprintf (saved, sizeof saved, "%s/rules.save", root);
  p.root = root;
  p.iptables_save = saved;
  p.docker_socket = "/nonexistent/brig-fuzz.sock";
  p.no_cpuid = true;
  memset (&h, 0, sizeof h);
  brig_host_read_engines (&p, &h.engines);
  brig_host_read_firewall (&p, &h.firewall);
  brig_host_read_docker (&p, &h.docker);
  brig_host_read_files (&p, h.docker.daemon_json, &h.files);
  {
    struct brig_findings f = { 0 };
    brig_audit_host (&h, 20260101, &f);
    brig_findings_release (&f);
  }
  brig_host_release (&h);
  return 0;
}
