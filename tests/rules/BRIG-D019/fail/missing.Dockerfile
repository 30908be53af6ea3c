# expect: 2
FROM debian:12
USER 1000
