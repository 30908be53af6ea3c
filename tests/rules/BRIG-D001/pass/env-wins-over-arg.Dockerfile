# expect: none
FROM alpine:3.20
ENV U=nobody
ARG U=root
USER $U
