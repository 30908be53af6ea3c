# expect: 3
FROM fedora:40
RUN dnf install -y --nogpgcheck x
