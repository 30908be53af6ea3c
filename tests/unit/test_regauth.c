/* What brig pull reads besides images (src/image/regauth.h): image
 * references as docker names them, WWW-Authenticate challenges, token
 * answers, `docker login`'s config.json; and the store's blob writer,
 * which keeps nothing whose digest is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/regauth.h"
#include "image/store.h"
#include "util/cleanup.h"

static void
ref_is (const char *ref, const char *domain, const char *api, const char *repo, const char *tag,
        const char *digest)
{
  struct brig_registry_ref r;
  struct brig_err err = { 0 };

  assert_int_equal (brig_registry_ref_parse (ref, &r, &err), 0);
  assert_string_equal (r.domain, domain);
  assert_string_equal (r.api_host, api);
  assert_string_equal (r.repo, repo);
  if (tag)
    assert_string_equal (r.tag, tag);
  else
    assert_null (r.tag);
  if (digest)
    assert_string_equal (r.digest, digest);
  else
    assert_null (r.digest);
  brig_registry_ref_release (&r);
}

static void
ref_bad (const char *ref, const char *msg)
{
  struct brig_registry_ref r;
  struct brig_err err = { 0 };

  assert_true (brig_registry_ref_parse (ref, &r, &err) < 0);
  assert_non_null (strstr (err.msg, msg));
  brig_err_release (&err);
}

static void
test_refs (void **state)
{
  char d[80];

  (void)state;
  snprintf (d, sizeof d, "sha256:%064d", 7);
  ref_is ("busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", NULL);
  ref_is ("docker.io/library/busybox:1.36", "docker.io", "registry-1.docker.io", "library/busybox",
          "1.36", NULL);
  ref_is ("index.docker.io/team/app", "docker.io", "registry-1.docker.io", "team/app", "latest",
          NULL);
  ref_is ("team/app:v1", "docker.io", "registry-1.docker.io", "team/app", "v1", NULL);
  ref_is ("localhost/app", "localhost", "localhost", "app", "latest", NULL);
  ref_is ("127.0.0.1:5000/a/b/c:Tag_1", "127.0.0.1:5000", "127.0.0.1:5000", "a/b/c", "Tag_1", NULL);
  {
    _cleanup_free_ char *r = NULL, *r2 = NULL;
    r = xasprintf ("reg.example/app@%s", d);
    ref_is (r, "reg.example", "reg.example", "app", NULL, d);
    r2 = xasprintf ("reg.example:443/app:1@%s", d);
    ref_is (r2, "reg.example:443", "reg.example:443", "app", "1", d);
  }
  ref_bad ("App", "is not an image reference");
  ref_bad ("a//b", "is not an image reference");
  ref_bad ("a/", "is not an image reference");
  ref_bad ("a:", "is not a tag");
  ref_bad ("a:-x", "is not a tag");
  ref_bad ("a@sha256:12", "after @ expected");
  ref_bad ("a@md5:0123", "after @ expected");
  ref_bad ("h.example/../x", "is not an image reference");
}

static void
test_challenges (void **state)
{
  struct brig_challenge c;
  struct brig_err err = { 0 };
  const char *h = "Bearer realm=\"https://auth.example/token\",service=\"reg\",scope=\"repository:"
                  "a/b:pull,push\",error=\"insufficient_scope\"";

  (void)state;
  assert_int_equal (brig_challenge_parse (h, strlen (h), &c, &err), 0);
  assert_string_equal (c.scheme, "Bearer");
  assert_string_equal (c.realm, "https://auth.example/token");
  assert_string_equal (c.service, "reg");
  assert_string_equal (c.scope, "repository:a/b:pull,push");
  brig_challenge_release (&c);
  h = "Basic realm=basic-realm";
  assert_int_equal (brig_challenge_parse (h, strlen (h), &c, &err), 0);
  assert_string_equal (c.scheme, "Basic");
  assert_string_equal (c.realm, "basic-realm");
  assert_null (c.scope);
  brig_challenge_release (&c);
  h = "Bearer realm=\"a\\\"b\"";
  assert_int_equal (brig_challenge_parse (h, strlen (h), &c, &err), 0);
  assert_string_equal (c.realm, "a\"b");
  brig_challenge_release (&c);
  h = "Bearer realm=\"unterminated";
  assert_true (brig_challenge_parse (h, strlen (h), &c, &err) < 0);
  brig_err_release (&err);
  h = "Bearer realm=\"a\r\nX-Injected: 1\"";
  assert_true (brig_challenge_parse (h, strlen (h), &c, &err) < 0);
  brig_err_release (&err);
}

static void
test_tokens_and_auth_files (void **state)
{
  struct brig_err err = { 0 };
  char *t = NULL, *u = NULL, *p = NULL;
  const char *j;

  (void)state;
  j = "{\"token\":\"abc.def\",\"access_token\":\"other\"}";
  assert_int_equal (brig_token_parse (j, strlen (j), "t", &t, &err), 0);
  assert_string_equal (t, "abc.def");
  free (t);
  j = "{\"access_token\":\"xyz\"}";
  assert_int_equal (brig_token_parse (j, strlen (j), "t", &t, &err), 0);
  assert_string_equal (t, "xyz");
  free (t);
  j = "{\"token\":\"a\\r\\nX-Evil: 1\"}";
  assert_true (brig_token_parse (j, strlen (j), "t", &t, &err) < 0);
  assert_non_null (strstr (err.msg, "control character"));
  brig_err_release (&err);
  j = "{}";
  assert_true (brig_token_parse (j, strlen (j), "t", &t, &err) < 0);
  brig_err_release (&err);

  /* base64("alice:pa:ss") */
  j = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"YWxpY2U6cGE6c3M=\"},"
      "\"reg.example:5000\":{\"auth\":\"Ym9iOnB3\"}}}";
  assert_int_equal (brig_auth_file_find (j, strlen (j), "c", "docker.io", &u, &p, &err), 1);
  assert_string_equal (u, "alice");
  assert_string_equal (p, "pa:ss");
  free (u);
  free (p);
  assert_int_equal (brig_auth_file_find (j, strlen (j), "c", "reg.example:5000", &u, &p, &err), 1);
  assert_string_equal (u, "bob");
  free (u);
  free (p);
  assert_int_equal (brig_auth_file_find (j, strlen (j), "c", "reg.example", &u, &p, &err), 0);
  j = "{\"auths\":{\"reg.example\":{\"auth\":\"bm9jb2xvbg==\"}}}"; /* "nocolon" */
  assert_true (brig_auth_file_find (j, strlen (j), "c", "reg.example", &u, &p, &err) < 0);
  assert_non_null (strstr (err.msg, "USER:PASSWORD"));
  brig_err_release (&err);
}

static int
count_entries (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int n = 0;

  assert_non_null (d);
  while ((e = readdir (d)))
    n += e->d_name[0] != '.';
  closedir (d);
  return n;
}

static void
test_blob_writer (void **state)
{
  char root[] = "/tmp/brig-unit-regauth.XXXXXX", got[BRIG_DIGEST_LEN], want[BRIG_DIGEST_LEN];
  _cleanup_free_ char *tmpdir = NULL, *blobs = NULL;
  struct brig_store s;
  struct brig_blob_writer w;
  struct brig_err err = { 0 };
  bool is_new;

  (void)state;
  assert_non_null (mkdtemp (root));
  tmpdir = xasprintf ("%s/tmp", root);
  blobs = xasprintf ("%s/blobs/sha256", root);
  assert_int_equal (brig_store_open (root, true, &s, &err), 0);
  brig_sha256_of ("hello world", 11, want);
  /* In two pieces, the right digest: kept. */
  assert_int_equal (brig_blob_writer_open (&s, &w, &err), 0);
  assert_int_equal (brig_blob_writer_write (&w, "hello ", 6, &err), 0);
  assert_int_equal (brig_blob_writer_write (&w, "world", 5, &err), 0);
  assert_int_equal (brig_blob_writer_commit (&w, want, "b", got, &is_new, &err), 0);
  assert_string_equal (got, want);
  assert_true (is_new);
  assert_true (brig_store_has (&s, want));
  /* Another content for that digest: refused, nothing left. */
  assert_int_equal (brig_blob_writer_open (&s, &w, &err), 0);
  assert_int_equal (brig_blob_writer_write (&w, "hello World", 11, &err), 0);
  assert_true (brig_blob_writer_commit (&w, want, "blob x", got, &is_new, &err) < 0);
  assert_non_null (strstr (err.msg, "blob x has digest"));
  brig_err_release (&err);
  assert_int_equal (count_entries (tmpdir), 0);
  assert_int_equal (count_entries (blobs), 1);
  /* Abandoned half way: nothing left either. */
  assert_int_equal (brig_blob_writer_open (&s, &w, &err), 0);
  assert_int_equal (brig_blob_writer_write (&w, "x", 1, &err), 0);
  brig_blob_writer_abort (&w);
  assert_int_equal (count_entries (tmpdir), 0);
  brig_store_close (&s);
  {
    _cleanup_free_ char *cmd = xasprintf ("rm -rf '%s'", root);
    assert_int_equal (system (cmd), 0);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_refs),
    cmocka_unit_test (test_challenges),
    cmocka_unit_test (test_tokens_and_auth_files),
    cmocka_unit_test (test_blob_writer),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
