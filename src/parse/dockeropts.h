/* Docker's small syntaxes, shared by compose files and docker run lines:
 * published ports, volumes, --mount, --security-opt.  Lenient, as an audit
 * must be: what does not fit is kept as written, never an error (a value
 * may be a ${VARIABLE} the engine fills in).  Parts cut out of a value are
 * owned by the workload (its STRS). */
#ifndef BRIG_PARSE_DOCKEROPTS_H
#define BRIG_PARSE_DOCKEROPTS_H

#include "model/workload.h"

/* S as W's own copy. */
const char *brig_docker_own (struct brig_workload *w, const char *s);

/* What S is when the environment sets no variable (brig_env_defaults:
 * ${VAR:-DEFAULT} and ${VAR-DEFAULT} are their DEFAULT), as W's own copy;
 * NULL when another variable ($VAR, ${VAR}, ${VAR:?message}) is left.  S
 * itself when it has no variable. */
const char *brig_docker_resolve (struct brig_workload *w, const char *s);

/* "[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]": "80", "8080:80",
 * "127.0.0.1:8080:80", "127.0.0.1::80", "[::1]:8080:80", "::1:8080:80",
 * "8000-8010:80-90/udp".  Every part is located at LOC. */
void brig_docker_port (struct brig_workload *w, const char *s, struct brig_loc loc,
                       struct brig_wport *ret);

/* P's HOST_IP with its ${VAR:-DEFAULT} resolved (brig_docker_resolve);
 * unset when that leaves it empty (every interface, as Docker reads it).
 * brig_docker_port does it; a port read from another syntax calls it. */
void brig_docker_host_ip (struct brig_workload *w, struct brig_wport *p);

/* A short volume: "TARGET" (anonymous), "SOURCE:TARGET[:MODE]"; SOURCE is a
 * host path (a bind) when it starts with /, . or ~ or holds a /, else a
 * volume's name.  MODE is a comma list (ro, rw, z, Z, cached..., and a
 * propagation: shared, rslave...). */
void brig_docker_volume (struct brig_workload *w, const char *s, struct brig_loc loc,
                         struct brig_wmount *ret);

/* docker run --mount "type=bind,source=/a,target=/b,readonly" (type
 * defaults to volume; src, dst, destination and ro are spelled too;
 * bind-propagation is read). */
void brig_docker_mount (struct brig_workload *w, const char *csv, struct brig_loc loc,
                        struct brig_wmount *ret);

/* One --security-opt / security_opt entry into W's docker settings:
 * no-new-privileges[:BOOL|=BOOL], seccomp=, apparmor=, label=,
 * systempaths=, and Podman's unmask=ALL (NAME:VALUE spelled too). */
void brig_docker_security_opt (struct brig_workload *w, const char *s, struct brig_loc loc);

#endif
