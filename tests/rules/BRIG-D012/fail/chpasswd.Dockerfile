# expect: 3
FROM debian:12
RUN echo 'root:root' | chpasswd
