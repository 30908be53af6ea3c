/* The rtnetlink client believes only the kernel: an answer that another
 * socket sends to brig's port first (with the sequence number brig will
 * use) is not taken for the kernel's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/netlink.h"

/* Send to NL's port, from a socket of our own, what looks like the
 * kernel's answer to NL's next request: LEN bytes of an NLMSG_ERROR. */
static void
forge (struct brig_nl *nl, int error, size_t len)
{
  struct sockaddr_nl me = { 0 }, to = { .nl_family = AF_NETLINK };
  socklen_t sl = sizeof me;
  struct
  {
    struct nlmsghdr h;
    struct nlmsgerr e;
  } m = { 0 };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

  assert_true (fd >= 0);
  assert_int_equal (getsockname (nl->fd, (struct sockaddr *)&me, &sl), 0);
  to.nl_pid = me.nl_pid;
  m.h.nlmsg_len = (uint32_t)len;
  m.h.nlmsg_type = NLMSG_ERROR;
  m.h.nlmsg_seq = nl->seq;
  m.e.error = error;
  assert_int_equal (sendto (fd, &m, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
  close (fd);
}

static void
test_answers_only_from_the_kernel (void **state)
{
  struct brig_nl nl;
  struct brig_err err = { 0 };
  char kind[16];
  (void)state;

  assert_int_equal (brig_nl_open (-1, &nl, &err), 0);
  /* Before the fix this "no such device" was read first and believed. */
  forge (&nl, -ENODEV, sizeof (struct nlmsghdr) + sizeof (struct nlmsgerr));
  assert_int_equal (brig_nl_link_get (&nl, "lo", kind, &err), (int)if_nametoindex ("lo"));
  /* An error message too short to hold its error: not read past its end. */
  forge (&nl, 0, sizeof (struct nlmsghdr));
  assert_int_equal (brig_nl_link_get (&nl, "lo", NULL, &err), (int)if_nametoindex ("lo"));
  brig_nl_close (&nl);
  brig_err_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_answers_only_from_the_kernel),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
