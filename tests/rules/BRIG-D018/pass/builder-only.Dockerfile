# expect: none
FROM debian:12 AS b
EXPOSE 22
FROM debian:12
