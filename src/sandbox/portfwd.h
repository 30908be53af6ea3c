/* Published ports (brig run -p): a forwarder in userspace, no NAT rules.
 *
 * brig binds every port on the host first (loopback, 127.0.0.1 and ::1,
 * unless the port names an address), so that a port in use fails before
 * the container runs.  Then a forwarder process, forked from brig, joins
 * the container's user and network namespaces: from there every socket it
 * makes is the container's, while the listening sockets it took along stay
 * the host's.  Each TCP connection accepted on the host is joined to a new
 * connection to the port on the container's loopback (127.0.0.1, then ::1)
 * and the bytes move between them with splice(2) through a pipe each way,
 * never copied to userspace; each UDP client gets a socket of its own in
 * the container, kept while it talks (60 s idle).
 *
 * The forwarder holds no privilege on the host: once in the container's
 * user namespace it drops every capability.  It dies with brig
 * (PR_SET_PDEATHSIG) and stops cleanly when told, closing every
 * connection. */
#ifndef BRIG_SANDBOX_PORTFWD_H
#define BRIG_SANDBOX_PORTFWD_H

#include <sys/types.h>

#include "model/container.h"
#include "util/err.h"

struct brig_portfwd;

/* Bind the N ports on the host and start forwarding them into the network
 * namespace NETNS (an open descriptor), entered through the user namespace
 * USERNS when that is not ours (brig_sandbox_net_fd gives both).  Returns
 * when the forwarder is in place; on failure nothing is left bound or
 * running.  With no ports, does nothing (*ret NULL). */
int brig_portfwd_start (const struct brig_port *ports, size_t n, int userns, int netns,
                        struct brig_portfwd **ret, struct brig_err *err);

/* Stop forwarding (every connection is closed), wait for the forwarder,
 * free.  NULL is fine. */
void brig_portfwd_stop (struct brig_portfwd *f);

#endif
