/* --fix for Dockerfiles: a USER at the end of the final stage (the user an
 * earlier RUN created, else BRIG_FIX_USER), COPY for an ADD that fetches
 * and unpacks nothing, and apt-get/apk hygiene (-y,
 * --no-install-recommends, the package lists removed in the same RUN,
 * --no-cache).  Base images are not pinned: a digest cannot be known
 * without the registry, so their findings stay for a person. */
#include "emit/fix.h"
#include "model/image.h"
#include "parse/dockerfile.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static size_t
at (const struct brig_edits *e, int line, int col)
{
  return brig_edits_offset (e, line, col, false);
}

/* Just after a location's end (its last character). */
static size_t
after (const struct brig_edits *e, struct brig_loc l)
{
  size_t o = at (e, l.end_line, l.end_col);
  return o < e->len ? o + 1 : o;
}

/* The RUN and command holding the word at LOC, and the word's index. */
static bool
find_word (const struct brig_image *img, struct brig_loc loc, const struct brig_irun **ret_run,
           const struct brig_icmd **ret_cmd, size_t *ret_k)
{
  for (size_t s = 0; s < img->nstages; s++)
    for (size_t r = 0; r < img->stages[s].nruns; r++)
      {
        const struct brig_irun *run = &img->stages[s].runs[r];
        for (size_t c = 0; c < run->ncmds; c++)
          for (size_t k = 0; k < run->cmds[c].argc; k++)
            if (brig_loc_eq (run->cmds[c].argv[k].loc, loc))
              {
                *ret_run = run;
                *ret_cmd = &run->cmds[c];
                *ret_k = k;
                return true;
              }
      }
  return false;
}

/* Insert TEXT after the first word SUB that follows word K of C. */
static bool
after_sub (struct brig_edits *e, const struct brig_icmd *c, size_t k, const char *sub,
           const char *text)
{
  for (size_t j = k + 1; j < c->argc; j++)
    if (strcmp (c->argv[j].s, sub) == 0)
      {
        size_t o = after (e, c->argv[j].loc);
        return brig_edits_add (e, o, o, text);
      }
  return false;
}

/* The user an earlier RUN of the final image made (useradd NAME, adduser
 * -D NAME, -u UID), or NULL. */
static char *
created_user (const struct brig_image *img)
{
  const struct brig_istage *s = brig_image_final (img);
  char *found = NULL;

  while (s && found == NULL)
    {
      for (size_t r = s->nruns; r-- > 0 && found == NULL;)
        for (size_t c = 0; c < s->runs[r].ncmds && found == NULL; c++)
          {
            const struct brig_icmd *cmd = &s->runs[r].cmds[c];
            const char *uid = NULL, *name = NULL;
            size_t k = 0;
            /* sudo, env... before the command: its name is a word further on */
            while (k < cmd->argc && strcmp (cmd->argv[k].s, "useradd") != 0
                   && strcmp (cmd->argv[k].s, "adduser") != 0)
              k++;
            if (k == cmd->argc)
              continue;
            for (size_t j = k + 1; j < cmd->argc; j++)
              {
                const char *a = cmd->argv[j].s;
                if ((strcmp (a, "-u") == 0 || strcmp (a, "--uid") == 0) && j + 1 < cmd->argc)
                  uid = cmd->argv[++j].s;
                else if (str_has_prefix (a, "--uid="))
                  uid = a + 6;
                else if (a[0] == '-')
                  {
                    /* options with a value */
                    static const char *const takes[]
                        = { "-g",        "-G",      "-d",         "-s",      "-c",        "-h",
                            "-k",        "-K",      "-e",         "-f",      "-p",        "--gid",
                            "--groups",  "--home",  "--home-dir", "--shell", "--comment", "--gecos",
                            "--ingroup", "--group", NULL };
                    for (size_t t = 0; takes[t]; t++)
                      if (strcmp (a, takes[t]) == 0 && j + 1 < cmd->argc)
                        {
                          j++;
                          break;
                        }
                  }
                else if (name == NULL)
                  name = a;
              }
            if (uid && strspn (uid, "0123456789") == strlen (uid) && strcmp (uid, "0") != 0)
              found = xstrdup (uid);
            else if (name && strcmp (name, "root") != 0 && strchr (name, '$') == NULL)
              found = xstrdup (name);
          }
      s = brig_image_parent (img, s);
    }
  return found;
}

/* Where the final stage ends: before the next stage's FROM, or at the
 * end of the text. */
static size_t
final_end (const struct brig_edits *e, const struct brig_image *img)
{
  const struct brig_istage *fin = brig_image_final (img);

  for (size_t s = 0; s + 1 < img->nstages; s++)
    if (&img->stages[s] == fin)
      return brig_edits_line_start (e, at (e, img->stages[s + 1].loc.line, 1));
  return e->len;
}

int
brig_fix_dockerfile (struct brig_edits *e, const char *file, const char *target,
                     const struct brig_finding *f, size_t n, struct brig_err *err)
{
  struct brig_image *img = NULL;
  bool user = false;
  int fixed = 0;

  if (brig_parse_dockerfile (e->buf, e->len, file, &img, err) < 0)
    return -1;
  if (target)
    (void)brig_image_target (img, target); /* no such stage: the last, as the audit */
  for (size_t i = 0; i < n; i++)
    {
      const struct brig_irun *run;
      const struct brig_icmd *c;
      size_t k;

      if (brig_fix_is (&f[i], "BRIG-D001") || brig_fix_is (&f[i], "BRIG-D002"))
        {
          fixed += !user;
          user = true;
          continue;
        }
      if (brig_fix_is (&f[i], "BRIG-D006"))
        {
          /* The finding is at the first source; the instruction holds it. */
          for (size_t s = 0; s < img->nstages; s++)
            for (size_t j = 0; j < img->stages[s].ncopies; j++)
              {
                const struct brig_icopy *cp = &img->stages[s].copies[j];
                size_t o = at (e, cp->loc.line, cp->loc.col);
                if (!cp->add || cp->nsrc == 0 || !brig_loc_eq (cp->src[0].loc, f[i].loc)
                    || e->len - o < 3 || strncasecmp (e->buf + o, "ADD", 3) != 0)
                  continue;
                fixed += brig_edits_add (e, o, o + 3,
                                         isupper ((unsigned char)e->buf[o]) ? "COPY" : "copy");
              }
          continue;
        }
      if (!find_word (img, f[i].loc, &run, &c, &k) || !run->posix || run->exec_form)
        continue;
      if (brig_fix_is (&f[i], "BRIG-D013"))
        {
          size_t o = after (e, c->argv[k].loc);
          fixed += brig_edits_add (e, o, o, " -y");
        }
      else if (brig_fix_is (&f[i], "BRIG-D014"))
        fixed += after_sub (e, c, k, "install", " --no-install-recommends");
      else if (brig_fix_is (&f[i], "BRIG-D016"))
        fixed += after_sub (e, c, k, "add", " --no-cache");
      else if (brig_fix_is (&f[i], "BRIG-D015") && strstr (run->text, "<<") == NULL)
        {
          size_t o = after (e, run->loc);
          /* Before the line's end and any blanks left before it. */
          while (o > 0
                 && (e->buf[o - 1] == '\n' || e->buf[o - 1] == ' ' || e->buf[o - 1] == '\t'
                     || e->buf[o - 1] == '\r'))
            o--;
          fixed += brig_edits_add (e, o, o, " && rm -rf /var/lib/apt/lists/*");
        }
    }
  if (user)
    {
      _cleanup_free_ char *who = created_user (img);
      size_t end = final_end (e, img);
      bool nl = end > 0 && e->buf[end - 1] != '\n';
      brig_edits_addf (e, end, end, "%sUSER %s\n", nl ? "\n" : "", who ? who : BRIG_FIX_USER);
    }
  brig_image_free (img);
  return fixed;
}
