# expect: none
FROM alpine:3.20 AS base
FROM base
FROM scratch
