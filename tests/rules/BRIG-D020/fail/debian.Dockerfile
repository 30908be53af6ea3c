# expect: 2
FROM debian:12
