# expect: 3
FROM alpine:3.20 AS base
USER root
FROM base
RUN true
