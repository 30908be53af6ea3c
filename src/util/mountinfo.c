#include "util/mountinfo.h"

#include <string.h>

/* Undo mountinfo's octal escapes in place. */
static void
unescape (char *s)
{
  char *o = s;
  for (char *p = s; *p; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0'
          && p[3] <= '7')
        {
          *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
          p += 3;
        }
      else
        *o++ = *p;
    }
  *o = '\0';
}

bool
brig_mountinfo_parse (char *line, struct brig_mountinfo *m)
{
  char *f[6], *p = line, *sep;

  for (int i = 0; i < 6; i++)
    {
      f[i] = strsep (&p, " ");
      if (f[i] == NULL)
        return false;
    }
  /* Optional fields up to "-". */
  while ((sep = strsep (&p, " ")) != NULL && strcmp (sep, "-") != 0)
    ;
  if (sep == NULL)
    return false;
  m->majmin = f[2];
  m->root = f[3];
  m->target = f[4];
  m->opts = f[5];
  m->fstype = strsep (&p, " ");
  m->source = strsep (&p, " ");
  m->super = p ? p : (char *)"";
  if (m->fstype == NULL || m->source == NULL)
    return false;
  unescape (m->root);
  unescape (m->target);
  return true;
}

bool
brig_word_in_list (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *p = list; p && *p;)
    {
      const char *e = strchr (p, ',');
      size_t l = e ? (size_t)(e - p) : strlen (p);
      if (l == n && strncmp (p, word, n) == 0)
        return true;
      p = e ? e + 1 : NULL;
    }
  return false;
}
