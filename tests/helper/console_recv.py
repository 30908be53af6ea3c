#!/usr/bin/env python3
"""console_recv.py SOCKET INPUT: receive a pty master the way engines do
(runc's --console-socket protocol: one fd by SCM_RIGHTS, the pty's name as
the payload), type INPUT and a newline into it, and print the name and
everything the container writes until it closes the terminal (10 s at most)."""
import os
import select
import socket
import sys
import time

path, text = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(10)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 1024, 1)
print("name:", msg.decode(), flush=True)
master = fds[0]
os.write(master, (text + "\n").encode())
out = b""
deadline = time.time() + 10
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.5)
    if master in r:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the last slave closed
            break
        if not chunk:
            break
        out += chunk
sys.stdout.write(out.decode(errors="replace"))
