/* timeit N CMD...: run CMD N times in a row; print the median, mean and
 * fastest wall time in ms and the largest peak RSS (KiB) of the command
 * process, one line: "median_ms mean_ms min_ms maxrss_kib failures". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  int n = argc > 2 ? atoi (argv[1]) : 0, failures = 0;
  double *t, sum = 0;
  long maxrss = 0;

  if (n <= 0)
    {
      fprintf (stderr, "usage: timeit N CMD...\n");
      return 2;
    }
  t = calloc ((size_t) n, sizeof *t);
  for (int i = 0; i < n; i++)
    {
      struct timespec a, b;
      struct rusage ru;
      int st;
      pid_t p;

      clock_gettime (CLOCK_MONOTONIC, &a);
      p = fork ();
      if (p == 0)
        {
          execvp (argv[2], argv + 2);
          _exit (127);
        }
      wait4 (p, &st, 0, &ru);
      clock_gettime (CLOCK_MONOTONIC, &b);
      t[i] = (double) (b.tv_sec - a.tv_sec) * 1e3 + (double) (b.tv_nsec - a.tv_nsec) / 1e6;
      sum += t[i];
      if (ru.ru_maxrss > maxrss)
        maxrss = ru.ru_maxrss;
      if (!WIFEXITED (st) || WEXITSTATUS (st) != 0)
        failures++;
    }
  qsort (t, (size_t) n, sizeof *t, cmp);
  printf ("%.2f %.2f %.2f %ld %d\n", t[n / 2], sum / n, t[0], maxrss, failures);
  return 0;
}
