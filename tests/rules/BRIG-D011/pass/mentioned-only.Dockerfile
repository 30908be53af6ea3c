# expect: none
FROM fedora:40
RUN dnf install -y x | grep -- --nogpgcheck; echo --allow-unauthenticated
