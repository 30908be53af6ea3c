/* One line of /proc/PID/mountinfo (proc(5)), split in place: the fields
 * brig reads, with the octal escapes (\040 for a space) of the root and
 * the mount point undone.  Pure: the caller reads the file. */
#ifndef BRIG_UTIL_MOUNTINFO_H
#define BRIG_UTIL_MOUNTINFO_H

#include <stdbool.h>

struct brig_mountinfo
{
  char *majmin, *root, *target, *opts, *fstype, *source, *super;
};

/* Split LINE (modified; no newline) into *RET, pointing into it; false
 * when it is not a mountinfo line. */
bool brig_mountinfo_parse (char *line, struct brig_mountinfo *ret);

/* Is WORD one of the comma-separated LIST (mount options, controllers)? */
bool brig_word_in_list (const char *list, const char *word);

#endif
