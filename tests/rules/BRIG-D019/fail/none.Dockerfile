# expect: 3
FROM debian:12
HEALTHCHECK NONE
