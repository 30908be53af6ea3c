/* Edits of a file's text, for brig audit --fix: each replaces a byte range
 * of the original with new text, so that every byte the fix does not name
 * (comments, blank lines, quoting, the order of keys) is kept as it was.
 * The fixers (emit/fix_*.c) add edits against the original text; apply
 * makes the new text once, and diff shows the change as a unified diff. */
#ifndef BRIG_EMIT_EDIT_H
#define BRIG_EMIT_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/lines.h"

struct brig_edit
{
  size_t off, end; /* [OFF, END) of the original; OFF == END inserts */
  char *text;
  size_t seq; /* the order it was added in: inserts at one offset keep it */
};

struct brig_edits
{
  const char *buf; /* the original, borrowed */
  size_t len;
  struct brig_lines lines;
  struct brig_edit *v;
  size_t n;
};

void brig_edits_init (struct brig_edits *e, const char *buf, size_t len);
void brig_edits_release (struct brig_edits *e);
/* Count lines as YAML (libyaml) does: \r\n, \r, \n, NEL, LS and PS each
 * end one.  Otherwise only \n does. */
void brig_edits_yaml_lines (struct brig_edits *e);

/* The offset of LINE:COL (1-based) of the original.  COL counts bytes, or
 * with CHARS UTF-8 characters (libyaml's marks count characters).  Past
 * the end of a line or of the text: its end. */
size_t brig_edits_offset (const struct brig_edits *e, int line, int col, bool chars);
/* The offset of the start of the line holding OFF, and of the next line
 * (the end of the text when it is the last). */
size_t brig_edits_line_start (const struct brig_edits *e, size_t off);
size_t brig_edits_next_line (const struct brig_edits *e, size_t off);

/* Replace [OFF, END) with TEXT (copied).  An edit that overlaps one added
 * before is dropped, and so is one equal to it (two findings asking the
 * same fix); returns false when dropped. */
bool brig_edits_add (struct brig_edits *e, size_t off, size_t end, const char *text);
bool brig_edits_addf (struct brig_edits *e, size_t off, size_t end, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* The text with every edit applied (NUL-terminated; its length in
 * *RET_LEN). */
char *brig_edits_apply (struct brig_edits *e, size_t *ret_len);

/* A unified diff (diff -u) from A to B, named a/NAME and b/NAME, with
 * three lines of context; NULL when they are equal. */
char *brig_diff (const char *name, const char *a, size_t alen, const char *b, size_t blen);

#endif
