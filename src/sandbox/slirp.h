/* --network private: the container's own network namespace gets a tap
 * device and outbound connectivity of its own through slirp4netns, a
 * user-mode TCP/IP stack: no bridge, no veth, no NAT rule on the host.
 * Two containers each have their own stack (10.0.2.100, gateway 10.0.2.2,
 * DNS 10.0.2.3), so neither can reach the other, and with
 * --disable-host-loopback neither reaches the host's 127.0.0.1 services.
 * slirp4netns runs sandboxed (its own mount namespace, capabilities
 * dropped, seccomp) and dies with brig. */
#ifndef BRIG_SANDBOX_SLIRP_H
#define BRIG_SANDBOX_SLIRP_H

#include "util/err.h"

struct brig_slirp;

/* The address the container has, its gateway and its DNS forwarder. */
#define BRIG_SLIRP_ADDR "10.0.2.100"
#define BRIG_SLIRP_DNS "10.0.2.3"

/* Start slirp4netns on the network namespace NETNS (an open descriptor),
 * entered through the user namespace USERNS when that is not ours (-1:
 * none), and wait until the container's tap0 is up (at most 10 s).  On
 * failure nothing is left running. */
int brig_slirp_start (int userns, int netns, struct brig_slirp **ret, struct brig_err *err);

/* Stop it and wait for it; NULL is fine. */
void brig_slirp_stop (struct brig_slirp *s);

#endif
