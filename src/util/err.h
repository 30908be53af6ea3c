/* The error contract (docs/errors.md).
 *
 * A function that can fail takes `struct brig_err *err` as its last argument
 * and returns 0 on success or a negative errno-style value on failure, with
 * err->msg describing what failed ("open rootfs `/srv/x`: No such file or
 * directory").  A caller that adds context wraps the message with
 * brig_err_wrap() on the way up; only src/cmd prints it, once. */
#ifndef BRIG_UTIL_ERR_H
#define BRIG_UTIL_ERR_H

#include <stddef.h>

struct brig_err
{
  int code;  /* errno of the root cause, 0 when there was none */
  char *msg; /* NULL until an error is recorded */
};

/* Record an error.  errnum > 0 appends strerror(errnum).  Returns -errnum, or
 * -EINVAL when errnum is 0, so callers can `return brig_error (...)`. */
int brig_error (struct brig_err *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefix the recorded message with more context: "ctx: old".  Returns the
 * negative code of the error, for `return brig_err_wrap (...)`. */
int brig_err_wrap (struct brig_err *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void brig_err_release (struct brig_err *err);

#endif
