# expect: 3
FROM debian:12
RUN wget --no-check-certificate https://example.com
