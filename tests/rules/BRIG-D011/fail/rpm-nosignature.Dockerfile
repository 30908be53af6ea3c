# expect: 3
FROM fedora:40
RUN rpm -i --nosignature x.rpm
