# expect: none
FROM debian:12
EXPOSE 2222 8022/udp
