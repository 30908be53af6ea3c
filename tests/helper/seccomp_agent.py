#!/usr/bin/env python3
"""seccomp_agent.py SOCKET OUT ERRNO: a seccomp agent, as the runtime spec
describes one (linux.seccomp.listenerPath).  For each runtime that connects:
it receives the container process state (JSON) and the listener descriptor
(SCM_RIGHTS), appends the state as one line to OUT, and answers every
notified system call with -ERRNO.  Runs until killed or 20 s pass."""
import fcntl
import os
import select
import socket
import struct
import sys
import time

path, out, errno_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
# struct seccomp_notif is 80 bytes, struct seccomp_notif_resp 24:
# _IOWR('!', 0, ...) and _IOWR('!', 1, ...).
NOTIF_RECV = 0xC0502100
NOTIF_SEND = 0xC0182101

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
conns, listeners = [], []
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([srv] + conns + listeners, [], [], 0.5)
    for fd in r:
        if fd is srv:
            c, _ = srv.accept()
            conns.append(c)
        elif fd in conns:
            msg, fds, _, _ = socket.recv_fds(fd, 1 << 16, 4)
            conns.remove(fd)
            fd.close()
            if not msg:
                continue
            with open(out, "a") as f:
                f.write(msg.decode() + " fds=%d\n" % len(fds))
            listeners.extend(fds)
        else:
            buf = bytearray(80)
            try:
                fcntl.ioctl(fd, NOTIF_RECV, buf, True)
            except OSError:  # the filter's last process is gone
                listeners.remove(fd)
                os.close(fd)
                continue
            (nid,) = struct.unpack_from("Q", buf, 0)
            resp = bytearray(struct.pack("QqiI", nid, 0, -errno_, 0))
            try:
                fcntl.ioctl(fd, NOTIF_SEND, resp, True)
            except OSError:
                pass
