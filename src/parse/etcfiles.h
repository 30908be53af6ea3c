/* The files brig run writes for a container's name resolution:
 * /etc/hosts and /etc/resolv.conf, as text (--add-host and --dns are read
 * by parse/publish.h).  Pure: the host's resolv.conf comes in as text. */
#ifndef BRIG_PARSE_ETCFILES_H
#define BRIG_PARSE_ETCFILES_H

#include <stdbool.h>
#include <stddef.h>

/* /etc/hosts: localhost for both families, HOSTNAME on 127.0.1.1 (as
 * Debian does, so that it resolves without a network), then EXTRA's
 * lines. */
char *brig_hosts_text (const char *hostname, char *const *extra);

/* /etc/resolv.conf: nameserver lines from DNS (--dns), else the host's
 * (HOST, LEN bytes of its resolv.conf; may be NULL) without the loopback
 * ones unless HOST_NET (a resolver on the host's loopback is not the
 * container's); search from SEARCH, else the host's; options from OPTS,
 * else the host's. */
char *brig_resolv_text (const char *host, size_t len, char *const *dns, char *const *search,
                        char *const *opts, bool host_net);

#endif
