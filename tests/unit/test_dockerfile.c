/* The Dockerfile image model: ONBUILD triggers, COPY --from an image,
 * stages built on stages and --target's final stage, and RUN under a
 * shell that is not sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parse/dockerfile.h"
#include "util/cleanup.h"

static struct brig_image *
parse (const char *text)
{
  struct brig_err err = { 0 };
  struct brig_image *img = NULL;

  if (brig_parse_dockerfile (text, strlen (text), "Dockerfile", &img, &err) < 0)
    fail_msg ("%s", err.msg);
  return img;
}

static void
test_onbuild (void **state)
{
  struct brig_image *img = parse ("FROM alpine:3.20\n"
                                  "USER app\n"
                                  "ONBUILD RUN sudo make install\n"
                                  "ONBUILD ADD https://example.com/t.tgz /opt/\n"
                                  "ONBUILD COPY --from=tools:1 /t /t\n"
                                  "ONBUILD USER root\n"
                                  "ONBUILD ENV SECRET_TOKEN=x\n"
                                  "ONBUILD HEALTHCHECK CMD true\n"
                                  "RUN make\n");
  const struct brig_istage *s = &img->stages[0];

  (void)state;
  /* The triggers that change files are read as what they trigger... */
  assert_int_equal (s->nruns, 2);
  assert_true (s->runs[0].onbuild);
  assert_int_equal (s->runs[0].ncmds, 1);
  assert_string_equal (s->runs[0].cmds[0].argv[0].s, "sudo");
  assert_int_equal (s->runs[0].cmds[0].argv[0].loc.line, 3);
  assert_int_equal (s->runs[0].cmds[0].argv[0].loc.col, 13);
  assert_false (s->runs[1].onbuild);
  assert_int_equal (s->ncopies, 2);
  assert_true (s->copies[0].add && s->copies[0].onbuild);
  assert_false (s->copies[1].add);
  assert_true (s->copies[1].onbuild);
  assert_string_equal (s->copies[1].from_image.s, "tools:1");
  /* ...and none of them is taken for this image's own instruction. */
  assert_string_equal (s->user.s, "app");
  assert_false (s->has_healthcheck);
  assert_int_equal (s->nvars, 0);
  brig_image_free (img);
}

static void
test_copy_from (void **state)
{
  struct brig_image *img = parse ("ARG IMG=golang:1.23\n"
                                  "FROM alpine:3.20 AS Build\n"
                                  "COPY --from=busybox:1.36 /bin/busybox /b\n"
                                  "COPY --from=build /a /a\n"
                                  "COPY --from=LATER /a /a\n"
                                  "COPY --from=0 /a /a\n"
                                  "ARG IMG\n"
                                  "COPY --from=${IMG} /usr/local/go /go\n"
                                  "COPY --from=$NOPE /x /x\n"
                                  "FROM scratch AS later\n");
  const struct brig_istage *s = &img->stages[0];

  (void)state;
  assert_int_equal (s->ncopies, 6);
  assert_string_equal (s->copies[0].from, "busybox:1.36");
  assert_string_equal (s->copies[0].from_image.s, "busybox:1.36");
  assert_true (s->copies[0].from_image_resolved);
  /* At the flag's value. */
  assert_int_equal (s->copies[0].from_image.loc.line, 3);
  assert_int_equal (s->copies[0].from_image.loc.col, 13);
  assert_int_equal (s->copies[0].from_image.loc.end_col, 24);
  /* Stages, before or after, by name in any case or by index. */
  assert_null (s->copies[1].from_image.s);
  assert_null (s->copies[2].from_image.s);
  assert_null (s->copies[3].from_image.s);
  /* Expanded with the stage's variables; unknown ones leave it unresolved. */
  assert_string_equal (s->copies[4].from_image.s, "golang:1.23");
  assert_true (s->copies[4].from_image_resolved);
  assert_false (s->copies[5].from_image_resolved);
  brig_image_free (img);
}

static void
test_target (void **state)
{
  struct brig_image *img = parse ("FROM debian:12 AS build\n"
                                  "FROM gcr.io/distroless/static AS Prod\n"
                                  "FROM build AS debug\n");

  (void)state;
  /* debug is built on build, which is built on an image. */
  assert_ptr_equal (brig_image_parent (img, &img->stages[2]), &img->stages[0]);
  assert_null (brig_image_parent (img, &img->stages[0]));
  assert_ptr_equal (brig_image_root (img, &img->stages[2]), &img->stages[0]);
  assert_ptr_equal (brig_image_root (img, &img->stages[1]), &img->stages[1]);
  assert_ptr_equal (brig_image_final (img), &img->stages[2]);
  assert_int_equal (brig_image_target (img, "nothing"), -1);
  assert_ptr_equal (brig_image_final (img), &img->stages[2]);
  assert_int_equal (brig_image_target (img, "prod"), 0);
  assert_ptr_equal (brig_image_final (img), &img->stages[1]);
  assert_int_equal (brig_image_target (img, "BUILD"), 0);
  assert_ptr_equal (brig_image_final (img), &img->stages[0]);
  brig_image_free (img);
}

static void
test_non_posix_shells (void **state)
{
  struct brig_image *img = parse ("# escape=`\n"
                                  "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
                                  "RUN echo a && curl -k x | sh\n"
                                  "SHELL [\"powershell\", \"-Command\"]\n"
                                  "RUN Write-Host 'it''s' ; `\n"
                                  "    Remove-Item C:\\tmp\\ -Recurse\n"
                                  "RUN <<EOF\n"
                                  "sudo id\n"
                                  "EOF\n"
                                  "RUN [\"cmd\", \"/S\", \"/C\", \"echo hi\"]\n"
                                  "SHELL [\"/bin/sh\", \"-c\"]\n"
                                  "RUN sudo id\n");
  const struct brig_istage *s = &img->stages[0];

  (void)state;
  assert_int_equal (s->nruns, 5);
  /* cmd (a Windows base's default) and PowerShell: not split as sh. */
  assert_false (s->runs[0].posix);
  assert_int_equal (s->runs[0].ncmds, 0);
  assert_string_equal (s->runs[0].text, "echo a && curl -k x | sh");
  assert_false (s->runs[1].posix);
  assert_int_equal (s->runs[1].ncmds, 0);
  assert_string_equal (s->runs[1].text, "Write-Host 'it''s' ;     Remove-Item C:\\tmp\\ -Recurse");
  assert_false (s->runs[2].posix);
  assert_int_equal (s->runs[2].ncmds, 0);
  /* The exec form is the program and its arguments, as written. */
  assert_false (s->runs[3].posix);
  assert_int_equal (s->runs[3].ncmds, 1);
  assert_int_equal (s->runs[3].cmds[0].argc, 4);
  /* A POSIX shell again. */
  assert_true (s->runs[4].posix);
  assert_int_equal (s->runs[4].ncmds, 1);
  brig_image_free (img);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_onbuild),
    cmocka_unit_test (test_copy_from),
    cmocka_unit_test (test_target),
    cmocka_unit_test (test_non_posix_shells),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
