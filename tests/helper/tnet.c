/* tnet: a static network helper for the networking tests and bench/net.sh,
 * run both inside containers and on the host, so that a forwarded
 * connection and a direct one are measured with the same program.
 *
 *   tnet source PORT BYTES      TCP on 127.0.0.1:PORT: each connection gets
 *                               BYTES bytes (a fixed pattern), then EOF
 *   tnet echo PORT              TCP on 127.0.0.1:PORT: echo every connection
 *   tnet udp-echo PORT          UDP on 127.0.0.1:PORT: echo every datagram
 *   tnet recv IP PORT           connect, read to EOF: "BYTES SECONDS MB/s"
 *   tnet pingpong IP PORT N     N round trips of 64 bytes: "N AVG-MICROSECONDS"
 *   tnet send IP PORT TEXT      connect, send TEXT, shut down writing, print
 *                               what comes back
 *   tnet udp-ask IP PORT TEXT   one datagram, print the answer (2 s at most)
 *   tnet udp-listen PORT        UDP on 0.0.0.0:PORT: print "PORT TEXT" for
 *                               every datagram
 *   tnet udp-from SPORT IP PORT TEXT  one datagram from local port SPORT
 *   tnet tcp-from SPORT IP PORT TEXT  connect from local port SPORT (1 s at
 *                               most), send TEXT, print what comes back
 *   tnet relay PORT TO          TCP on 127.0.0.1:PORT, each connection
 *                               relayed to 127.0.0.1:TO by blocking
 *                               splice(2) through 1 MiB pipes, a process
 *                               a direction: the least any userspace
 *                               forwarder can do, for bench/net.sh
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 18];

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
server (int type, int port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port) };
  int one = 1, fd = socket (AF_INET, type, 0);

  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind (fd, (struct sockaddr *)&a, sizeof a) < 0
      || (type == SOCK_STREAM && listen (fd, 128) < 0))
    {
      perror ("tnet: listen");
      exit (1);
    }
  printf ("listening %d\n", port);
  fflush (stdout);
  return fd;
}

static int
client (int type, const char *ip, const char *port)
{
  struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons (atoi (port)) };
  struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons (atoi (port)) };
  bool v6 = inet_pton (AF_INET6, ip, &a6.sin6_addr) == 1;
  int one = 1, fd;

  if (!v6 && inet_pton (AF_INET, ip, &a4.sin_addr) != 1)
    {
      fprintf (stderr, "tnet: bad address %s\n", ip);
      exit (2);
    }
  fd = socket (v6 ? AF_INET6 : AF_INET, type, 0);
  if (fd < 0
      || connect (fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
                  v6 ? sizeof a6 : sizeof a4)
             < 0)
    {
      perror ("tnet: connect");
      exit (1);
    }
  if (type == SOCK_STREAM)
    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static int
write_all (int fd, const char *p, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);
      if (w <= 0)
        return -1;
      p += w;
      n -= (size_t)w;
    }
  return 0;
}

/* Each connection in a child of its own: a server of many at once. */
static void
serve (int lfd, void (*fn) (int, long long), long long arg)
{
  signal (SIGCHLD, SIG_IGN);
  for (;;)
    {
      int c = accept (lfd, NULL, NULL);
      if (c < 0)
        continue;
      if (fork () == 0)
        {
          close (lfd);
          fn (c, arg);
          _exit (0);
        }
      close (c);
    }
}

static void
do_source (int c, long long bytes)
{
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (char)('a' + i % 26);
  while (bytes > 0)
    {
      size_t n = bytes < (long long)sizeof buf ? (size_t)bytes : sizeof buf;
      if (write_all (c, buf, n) < 0)
        return;
      bytes -= (long long)n;
    }
}

static void
do_echo (int c, long long unused)
{
  ssize_t n;
  (void)unused;
  while ((n = read (c, buf, sizeof buf)) > 0)
    if (write_all (c, buf, (size_t)n) < 0)
      return;
}

/* Bytes from IN to OUT until EOF, then shut OUT down for writing. */
static void
splice_all (int in, int out)
{
  int p[2];
  ssize_t n, w;

  if (pipe (p) < 0)
    return;
  fcntl (p[1], F_SETPIPE_SZ, 1 << 20);
  while ((n = splice (in, NULL, p[1], NULL, 1 << 20, SPLICE_F_MOVE)) > 0)
    for (; n > 0; n -= w)
      if ((w = splice (p[0], NULL, out, NULL, (size_t)n, SPLICE_F_MOVE)) <= 0)
        return;
  shutdown (out, SHUT_WR);
}

static void
do_relay (int c, long long to)
{
  char port[16];
  int s;

  snprintf (port, sizeof port, "%lld", to);
  s = client (SOCK_STREAM, "127.0.0.1", port);
  if (fork () == 0)
    {
      splice_all (s, c);
      _exit (0);
    }
  splice_all (c, s);
  wait (NULL);
}

int
main (int argc, char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  if (argc == 4 && strcmp (argv[1], "source") == 0)
    serve (server (SOCK_STREAM, atoi (argv[2])), do_source, atoll (argv[3]));
  if (argc == 4 && strcmp (argv[1], "relay") == 0)
    serve (server (SOCK_STREAM, atoi (argv[2])), do_relay, atoll (argv[3]));
  if (argc == 3 && strcmp (argv[1], "echo") == 0)
    serve (server (SOCK_STREAM, atoi (argv[2])), do_echo, 0);
  if (argc == 3 && strcmp (argv[1], "udp-echo") == 0)
    {
      int fd = server (SOCK_DGRAM, atoi (argv[2]));
      for (;;)
        {
          struct sockaddr_storage peer;
          socklen_t plen = sizeof peer;
          ssize_t n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
          if (n >= 0)
            sendto (fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
        }
    }
  if (argc == 4 && strcmp (argv[1], "recv") == 0)
    {
      int fd = client (SOCK_STREAM, argv[2], argv[3]);
      long long total = 0;
      double t0 = now (), dt;
      ssize_t n;
      while ((n = read (fd, buf, sizeof buf)) > 0)
        total += n;
      dt = now () - t0;
      printf ("%lld %.3f %.1f\n", total, dt, (double)total / dt / 1e6);
      return n < 0;
    }
  if (argc == 5 && strcmp (argv[1], "pingpong") == 0)
    {
      int fd = client (SOCK_STREAM, argv[2], argv[3]);
      long rounds = atol (argv[4]);
      char msg[64];
      double t0;
      memset (msg, 'p', sizeof msg);
      t0 = now ();
      for (long i = 0; i < rounds; i++)
        {
          size_t got = 0;
          if (write_all (fd, msg, sizeof msg) < 0)
            return 1;
          while (got < sizeof msg)
            {
              ssize_t n = read (fd, buf, sizeof msg - got);
              if (n <= 0)
                return 1;
              got += (size_t)n;
            }
        }
      printf ("%ld %.1f\n", rounds, (now () - t0) / (double)rounds * 1e6);
      return 0;
    }
  if (argc == 5 && strcmp (argv[1], "send") == 0)
    {
      int fd = client (SOCK_STREAM, argv[2], argv[3]);
      ssize_t n;
      if (write_all (fd, argv[4], strlen (argv[4])) < 0)
        return 1;
      shutdown (fd, SHUT_WR);
      while ((n = read (fd, buf, sizeof buf)) > 0)
        fwrite (buf, 1, (size_t)n, stdout);
      return n < 0;
    }
  if (argc == 6 && strcmp (argv[1], "tcp-from") == 0)
    {
      struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (atoi (argv[2])) };
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (atoi (argv[4])) };
      int one = 1, e = 0, fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      socklen_t elen = sizeof e;
      struct pollfd p = { fd, POLLOUT, 0 };
      ssize_t n;

      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (fd < 0 || inet_pton (AF_INET, argv[3], &to.sin_addr) != 1
          || bind (fd, (struct sockaddr *)&a, sizeof a) < 0)
        {
          perror ("tnet: tcp-from");
          return 1;
        }
      if ((connect (fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS)
          || poll (&p, 1, 1000) != 1 || getsockopt (fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0
          || e != 0)
        {
          fprintf (stderr, "tnet: tcp-from: no connection\n");
          return 1;
        }
      fcntl (fd, F_SETFL, 0);
      if (write_all (fd, argv[5], strlen (argv[5])) < 0)
        return 1;
      shutdown (fd, SHUT_WR);
      while ((n = read (fd, buf, sizeof buf)) > 0)
        fwrite (buf, 1, (size_t)n, stdout);
      return n < 0;
    }
  if (argc == 5 && strcmp (argv[1], "udp-ask") == 0)
    {
      int fd = client (SOCK_DGRAM, argv[2], argv[3]);
      struct pollfd p = { fd, POLLIN, 0 };
      ssize_t n;
      if (send (fd, argv[4], strlen (argv[4]), 0) < 0 || poll (&p, 1, 2000) != 1)
        return 1;
      n = recv (fd, buf, sizeof buf, 0);
      if (n < 0)
        return 1;
      printf ("%.*s\n", (int)n, buf);
      return 0;
    }
  if (argc == 3 && strcmp (argv[1], "udp-listen") == 0)
    {
      struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (atoi (argv[2])) };
      int fd = socket (AF_INET, SOCK_DGRAM, 0);
      if (fd < 0 || bind (fd, (struct sockaddr *)&a, sizeof a) < 0)
        {
          perror ("tnet: udp-listen");
          return 1;
        }
      for (;;)
        {
          ssize_t n = recv (fd, buf, sizeof buf, 0);
          if (n >= 0)
            printf ("%s %.*s\n", argv[2], (int)n, buf);
          fflush (stdout);
        }
    }
  if (argc == 6 && strcmp (argv[1], "udp-from") == 0)
    {
      struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (atoi (argv[2])) };
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (atoi (argv[4])) };
      int one = 1, fd = socket (AF_INET, SOCK_DGRAM, 0);
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (fd < 0 || inet_pton (AF_INET, argv[3], &to.sin_addr) != 1
          || bind (fd, (struct sockaddr *)&a, sizeof a) < 0
          || sendto (fd, argv[5], strlen (argv[5]), 0, (struct sockaddr *)&to, sizeof to) < 0)
        {
          perror ("tnet: udp-from");
          return 1;
        }
      return 0;
    }
  fprintf (stderr, "usage: tnet source PORT BYTES | echo PORT | udp-echo PORT | recv IP PORT | "
                   "pingpong IP PORT N | send IP PORT TEXT | udp-ask IP PORT TEXT | "
                   "udp-listen PORT | udp-from SPORT IP PORT TEXT | tcp-from SPORT IP PORT TEXT | "
                   "relay PORT TO\n");
  return 2;
}
