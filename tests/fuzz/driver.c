/* A libFuzzer-compatible driver for compilers without -fsanitize=fuzzer:
 * replays every file under the seed directories, then runs -runs=N
 * deterministic mutations of them (byte flips, inserts, deletes, splices).
 * With clang, build the harnesses with -fsanitize=fuzzer instead. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

struct seed
{
  uint8_t *data;
  size_t len;
};

static struct seed *seeds;
static size_t nseeds;

static void
add_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  struct seed s = { NULL, 0 };
  long n;

  if (f == NULL)
    return;
  fseek (f, 0, SEEK_END);
  n = ftell (f);
  fseek (f, 0, SEEK_SET);
  if (n >= 0 && n < (1 << 20))
    {
      s.data = malloc ((size_t)n + 1);
      s.len = fread (s.data, 1, (size_t)n, f);
      seeds = realloc (seeds, (nseeds + 1) * sizeof *seeds);
      seeds[nseeds++] = s;
    }
  fclose (f);
}

static void
add_path (const char *path)
{
  struct stat st;
  DIR *d;
  struct dirent *e;

  if (stat (path, &st) < 0)
    return;
  if (!S_ISDIR (st.st_mode))
    {
      add_file (path);
      return;
    }
  d = opendir (path);
  while (d && (e = readdir (d)))
    if (e->d_name[0] != '.')
      {
        char p[4096];
        snprintf (p, sizeof p, "%s/%s", path, e->d_name);
        add_path (p);
      }
  if (d)
    closedir (d);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t
next (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

int
main (int argc, char **argv)
{
  long runs = 10000;
  uint8_t buf[65536];

  for (int i = 1; i < argc; i++)
    if (strncmp (argv[i], "-runs=", 6) == 0)
      runs = atol (argv[i] + 6);
    else
      add_path (argv[i]);
  for (size_t i = 0; i < nseeds; i++)
    LLVMFuzzerTestOneInput (seeds[i].data, seeds[i].len);
  if (nseeds == 0)
    {
      static const uint8_t empty[1];
      seeds = malloc (sizeof *seeds);
      seeds[0] = (struct seed){ (uint8_t *)empty, 0 };
      nseeds = 1;
    }
  for (long r = 0; r < runs; r++)
    {
      const struct seed *s = &seeds[next () % nseeds];
      size_t len = s->len < sizeof buf ? s->len : sizeof buf;
      int edits = 1 + (int)(next () % 8);

      memcpy (buf, s->data, len);
      for (int e = 0; e < edits; e++)
        {
          size_t pos = len ? next () % len : 0;
          switch (next () % 5)
            {
            case 0: /* flip */
              if (len)
                buf[pos] ^= (uint8_t)(1u << (next () % 8));
              break;
            case 1: /* random byte */
              if (len)
                buf[pos] = (uint8_t)next ();
              break;
            case 2: /* insert */
              if (len < sizeof buf)
                {
                  memmove (buf + pos + 1, buf + pos, len - pos);
                  buf[pos] = "{}[]\":,\n=:#0-\\"[next () % 14];
                  len++;
                }
              break;
            case 3: /* delete */
              if (len)
                {
                  memmove (buf + pos, buf + pos + 1, len - pos - 1);
                  len--;
                }
              break;
            default: /* splice from another seed */
              {
                const struct seed *o = &seeds[next () % nseeds];
                if (o->len && pos < len)
                  {
                    size_t from = next () % o->len, n = next () % 64;
                    if (n > o->len - from)
                      n = o->len - from;
                    if (n > len - pos)
                      n = len - pos;
                    memcpy (buf + pos, o->data + from, n);
                  }
              }
            }
        }
      LLVMFuzzerTestOneInput (buf, len);
    }
  printf ("%zu seeds, %ld mutations: no crash\n", nseeds, runs);
  return 0;
}
