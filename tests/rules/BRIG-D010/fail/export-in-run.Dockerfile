# expect: 3
FROM debian:12
RUN export GIT_SSL_NO_VERIFY=1 && git clone https://example.com/r
