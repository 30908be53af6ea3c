# expect: 3
FROM debian:12
RUN curl -Lkv https://example.com
