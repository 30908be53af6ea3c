/* --network bridge[=NAME]: a veth pair per container, one end the
 * container's eth0, the other a port of a Linux bridge that brig makes
 * (brig0 by default) with a subnet of its own (10.89.N.0/24, the first
 * that no other brig bridge holds and no host route overlaps).
 *
 * Traffic between containers is dropped unless a pair is named: a link
 * (both ways) or an allow-to (one way: new connections from this
 * container to that one, and only their replies back).  The filter is
 * brig's own nftables tables, `table bridge brig` (frames between bridge
 * ports) and `table inet brig` (nothing from the containers to the host
 * but replies, nothing routed in or out of a brig bridge), rewritten
 * whole from brig's state at each change in one nft transaction; no other
 * table is read or touched.  There is no route out: this is
 * container-to-container networking (--network private is outbound).
 *
 * State: /run/brig/bridges-KEY.json (KEY: the network namespace's
 * cookie; bridges and tables are the namespace's, whatever
 * BRIG_RUNTIME_DIR says), under the lock bridges-KEY.lock, holds
 * each bridge's subnet and members (container, address, veth, the pid
 * of the brig that runs it).  Members whose brig is gone are removed by
 * the next join or leave; the last member to leave removes the bridge,
 * and the last bridge brig's tables. */
#ifndef BRIG_SANDBOX_BRIDGE_H
#define BRIG_SANDBOX_BRIDGE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define BRIG_BRIDGE_DEFAULT "brig0"
/* Bridges without a subnet of their own get the first free /24 here. */
#define BRIG_BRIDGE_POOL "10.89.0.0/16"

/* What a container may reach: TARGET (a member's id prefix or name). */
struct brig_bridge_rule
{
  bool link;     /* both ways; else allow-to: this container to TARGET only */
  char *target;  /* as given */
  char *alias;   /* --link TARGET:ALIAS: another name in /etc/hosts, or NULL */
  int proto;     /* IPPROTO_TCP or IPPROTO_UDP; 0: TCP and ICMP, every port */
  unsigned port; /* 0: every port */
};

struct brig_bridge_join
{
  const char *bridge; /* NULL: BRIG_BRIDGE_DEFAULT */
  /* The bridge's subnet when brig makes it (prefix 0: from the pool);
   * a bridge that exists must have this one. */
  struct in_addr subnet;
  int prefix;
  const char *id;   /* the container's */
  const char *name; /* its --name, or NULL */
  const struct brig_bridge_rule *rules;
  size_t nrules;
};

/* A container's place on a bridge. */
struct brig_bridge
{
  char *bridge;
  char *id;
  char veth[16]; /* the host's end */
  struct in_addr addr, subnet;
  int prefix;
  /* "IP\tNAME" of each linked container (its name, or 12 digits of its
   * id): lines of the container's /etc/hosts. */
  char **hosts;
  /* Said once when the bridge was made: why it got the subnet it got
   * (NULL if there is nothing to say). */
  char *note;
  bool created_bridge; /* this join made the bridge */
};

/* True if NAME can name a bridge: 1 to 15 letters, digits, `_`, `-`, `.`,
 * starting with a letter or digit, and not brig's own veth prefix. */
bool brig_bridge_name_valid (const char *name);

/* Take an address on the bridge (made if missing) and let the filter
 * know the container and its rules, before any veth exists.  Fails
 * naming the target of a rule that is no member of this bridge.  On
 * failure nothing is left behind. */
int brig_bridge_reserve (const struct brig_bridge_join *j, struct brig_bridge **ret,
                         struct brig_err *err);

/* Make the veth pair: its host end a port of the bridge, the other eth0
 * in the network namespace NETNS with the reserved address, both up. */
int brig_bridge_attach (struct brig_bridge *b, int netns, struct brig_err *err);

/* Leave the bridge: the veth, the member's rules, and with the last
 * member the bridge and (with the last bridge) brig's tables.  Frees B;
 * NULL is fine.  Errors are returned for a caller that wants to warn. */
int brig_bridge_leave (struct brig_bridge *b, struct brig_err *err);

#endif
