#!/usr/bin/env python3
"""pidfd_recv.py SOCKET: receive one pidfd (runc's --pidfd-socket protocol:
SCM_RIGHTS, "pidfd" as the payload) and print the payload and the pid the
descriptor refers to (from /proc/self/fdinfo), then exit (10 s at most)."""
import socket
import sys

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
srv.settimeout(10)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 64, 1)
pid = [l.split()[1] for l in open("/proc/self/fdinfo/%d" % fds[0]) if l.startswith("Pid:")]
print(msg.decode(), pid[0] if pid else "?", flush=True)
