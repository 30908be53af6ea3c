/* docker run's -p/--publish and the other network flags of brig run:
 * --add-host and --dns values. */
#ifndef BRIG_PARSE_PUBLISH_H
#define BRIG_PARSE_PUBLISH_H

#include <stddef.h>

#include "model/container.h"
#include "util/err.h"

/* The most ports one container may publish (each is a socket or two). */
#define BRIG_MAX_PORTS 1024

/* -p [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], ports or equal ranges
 * ("8000-8009:9000-9009"), IP numeric ("0.0.0.0", "192.0.2.1", "[::1]").
 * Without IP the port is bound to loopback only (host_ip ""), never to
 * every interface as Docker does.  Appends one port per number to
 * *PORTS (*N of them, at most BRIG_MAX_PORTS). */
int brig_parse_publish (const char *s, struct brig_port **ports, size_t *n, struct brig_err *err);

/* --add-host NAME:IP (IPv6 as NAME:[::1] or NAME:::1): "IP NAME" for
 * /etc/hosts, allocated in *RET_LINE. */
int brig_parse_add_host (const char *s, char **ret_line, struct brig_err *err);

/* A numeric IPv4 or IPv6 address (--dns), canonical, allocated. */
int brig_parse_ip (const char *s, char **ret, struct brig_err *err);

/* A host or domain name: labels of letters, digits and `-`, joined by
 * `.`, at most 253 characters. */
bool brig_valid_hostname (const char *s);

#endif
