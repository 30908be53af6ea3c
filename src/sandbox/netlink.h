/* A small rtnetlink client: the links, addresses and routes that
 * --network bridge needs, without exec'ing ip(8).  Each call is one
 * request and its acknowledgement; errors name the link. */
#ifndef BRIG_SANDBOX_NETLINK_H
#define BRIG_SANDBOX_NETLINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct brig_nl
{
  int fd;
  uint32_t seq;
};

/* A socket in the network namespace NETNS (an open descriptor; -1: ours).
 * Entering another namespace needs CAP_SYS_ADMIN over its owner. */
int brig_nl_open (int netns, struct brig_nl *ret, struct brig_err *err);
void brig_nl_close (struct brig_nl *nl);

/* The index of link NAME (> 0), and in RET_KIND (16 bytes, may be NULL)
 * its kind ("bridge", "veth", "" for none); -ENODEV if there is none. */
int brig_nl_link_get (struct brig_nl *nl, const char *name, char *ret_kind, struct brig_err *err);

/* A new bridge NAME, down, without address. */
int brig_nl_bridge_add (struct brig_nl *nl, const char *name, struct brig_err *err);

/* A new veth pair: NAME here, PEER in the namespace PEER_NETNS with the
 * hardware address PEER_MAC (6 bytes; NULL: a random one). */
int brig_nl_veth_add (struct brig_nl *nl, const char *name, const char *peer, int peer_netns,
                      const unsigned char *peer_mac, struct brig_err *err);

/* Link NAME up, enslaved to the link MASTER (index; 0: left as it is). */
int brig_nl_link_up (struct brig_nl *nl, const char *name, int master, struct brig_err *err);

/* Delete link NAME: 0, or -ENODEV (err untouched) when there is none. */
int brig_nl_link_del (struct brig_nl *nl, const char *name, struct brig_err *err);

/* ADDR/PREFIX on link NAME (IPv4). */
int brig_nl_addr_add (struct brig_nl *nl, const char *name, struct in_addr addr, int prefix,
                      struct brig_err *err);

/* The IPv4 addresses of every link, up or down (ADDRESS set), then the
 * IPv4 routes of every table that are not a default route: their
 * destination, prefix length and the link they leave by ("" if none). */
struct brig_nl_route
{
  struct in_addr dst;
  int prefix;
  char dev[16];
  bool address;
};
int brig_nl_routes (struct brig_nl *nl, struct brig_nl_route **ret, size_t *ret_n,
                    struct brig_err *err);

#endif
