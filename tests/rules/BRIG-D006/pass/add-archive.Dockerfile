# expect: none
FROM alpine:3.20
ADD rootfs.tar.xz /
