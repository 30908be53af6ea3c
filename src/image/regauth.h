/* What a registry pull reads besides images: the image reference
 * (docker's naming), a WWW-Authenticate challenge, a token server's
 * answer, and the credentials `docker login` writes to config.json.
 * Pure: each takes text and returns what it found (fuzzed in
 * tests/fuzz/fuzz_regauth.c); the transfers are in registry.c. */
#ifndef BRIG_IMAGE_REGAUTH_H
#define BRIG_IMAGE_REGAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct brig_registry_ref
{
  char *domain;   /* as named: "docker.io", "127.0.0.1:5000", "localhost" */
  char *api_host; /* where the API is: "registry-1.docker.io" for docker.io */
  char *repo;     /* "library/busybox" */
  char *tag;      /* NULL when only a digest was given */
  char *digest;   /* "sha256:..." or NULL */
};

/* [DOMAIN/]REPO[:TAG][@sha256:HEX], as docker reads it: the first part is
 * a domain when it has a `.` or a `:` or is `localhost`; else the image is
 * on docker.io (and a one-part name is under library/).  No tag and no
 * digest: `latest`. */
int brig_registry_ref_parse (const char *ref, struct brig_registry_ref *ret, struct brig_err *err);
void brig_registry_ref_release (struct brig_registry_ref *r);

struct brig_challenge
{
  char *scheme; /* "Bearer", "Basic" (as sent) */
  char *realm, *service, *scope;
};

/* A WWW-Authenticate header's value: SCHEME k="v", k=v, ... */
int brig_challenge_parse (const char *hdr, size_t len, struct brig_challenge *ret,
                          struct brig_err *err);
void brig_challenge_release (struct brig_challenge *c);

/* A token server's answer: {"token": T} or {"access_token": T}; T must be
 * printable ASCII without spaces (it goes into a header). */
int brig_token_parse (const char *buf, size_t len, const char *name, char **ret_token,
                      struct brig_err *err);

/* The credentials for registry DOMAIN in a Docker config.json (NAME names
 * it in errors): "auths": {KEY: {"auth": base64(USER:PASS)}}, KEY being
 * DOMAIN, or an URL of it (https://DOMAIN/v1/); docker.io also matches
 * index.docker.io.  1 and *RET_USER, *RET_PASS when found; 0 when not. */
int brig_auth_file_find (const char *buf, size_t len, const char *name, const char *domain,
                         char **ret_user, char **ret_pass, struct brig_err *err);

/* USER:PASS into its parts (the password may hold `:`). */
int brig_creds_split (const char *creds, char **ret_user, char **ret_pass, struct brig_err *err);

#endif
