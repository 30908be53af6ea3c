/* Allocation helpers.  They abort on out-of-memory: a runtime that cannot
 * allocate a few bytes cannot report anything useful either. */
#ifndef BRIG_UTIL_MEM_H
#define BRIG_UTIL_MEM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc (size_t size);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t size);
void *xreallocarray (void *p, size_t n, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
char *xvasprintf (const char *fmt, va_list ap) __attribute__ ((format (printf, 1, 0)));

/* NULL-terminated string vectors. */
size_t strv_len (char *const *v);
void strv_push (char ***v, char *s); /* takes ownership of s */
char **strv_copy (char *const *v);
void strv_free (char **v);
bool strv_contains (char *const *v, const char *s);

bool str_has_prefix (const char *s, const char *prefix);
bool str_has_suffix (const char *s, const char *suffix);
/* FNV-1a of S, for hash tables. */
uint64_t str_hash (const char *s);
/* *S (to free), then SEP and X appended: a list joined as it is built
 * ("a, b, c"); *S NULL is the empty list, which takes no SEP. */
void str_append (char **s, const char *sep, const char *x);
/* The N bytes at S name something (a container, a bridge): 1 to MAX of
 * them, a letter or digit, then letters, digits, `_`, `.` or `-`. */
bool str_is_name (const char *s, size_t n, size_t max);

#endif
