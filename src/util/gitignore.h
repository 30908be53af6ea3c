/* .gitignore patterns, read and matched as git does (gitignore(5)), for
 * walking a directory of a git work tree: blank lines and `#` comments
 * skipped, trailing blanks dropped unless escaped (`\ `), `!` negates (`\!`
 * and `\#` are literal), a trailing `/` matches directories only, a `/` at
 * the start or in the middle anchors the pattern to its .gitignore's
 * directory (otherwise it matches a name at any depth below it); `*`, `?`
 * and `[...]` (`[!...]`, `[^...]`, ranges) within one name; `**` across
 * names: at the start before a slash (in any directory), at the end after
 * one (everything inside, not the directory itself), between two (zero or
 * more directories), and elsewhere as `*`.  The
 * last pattern that matches decides, the deeper .gitignore's after the
 * ones above it.  Pure: the caller reads the files. */
#ifndef BRIG_UTIL_GITIGNORE_H
#define BRIG_UTIL_GITIGNORE_H

#include <stdbool.h>
#include <stddef.h>

struct brig_gitignore_pattern;

struct brig_gitignore
{
  struct brig_gitignore_pattern *v;
  size_t n, cap;
};

/* The patterns of a .gitignore (BUF, LEN bytes) in the directory BASE,
 * relative to the work tree's top ("" for the top itself), after the ones
 * G has. */
void brig_gitignore_add (struct brig_gitignore *g, const char *base, const char *buf, size_t len);

/* Drop the patterns added after G had N of them (leaving a directory). */
void brig_gitignore_truncate (struct brig_gitignore *g, size_t n);

/* Is PATH (relative to the work tree's top, `/` between names) ignored?
 * DIR: PATH is a directory. */
bool brig_gitignore_ignored (const struct brig_gitignore *g, const char *path, bool dir);

void brig_gitignore_release (struct brig_gitignore *g);

/* Does the anchored pattern PATTERN (no leading `/`) match PATH, as
 * brig_gitignore_ignored matches one? */
bool brig_gitignore_match (const char *pattern, const char *path);

#endif
