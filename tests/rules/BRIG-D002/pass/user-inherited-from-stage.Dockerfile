# expect: none
FROM alpine:3.20 AS base
USER app
FROM base
RUN true
