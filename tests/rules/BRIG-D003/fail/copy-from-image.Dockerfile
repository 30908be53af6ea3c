# expect: 4 5
FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
COPY --from=busybox /bin/busybox /bin/busybox
COPY --from=docker.io/library/nginx:latest /etc/nginx /etc/nginx
COPY --from=build /a /a
