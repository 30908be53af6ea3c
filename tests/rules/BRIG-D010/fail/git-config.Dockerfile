# expect: 3
FROM debian:12
RUN git config --global http.sslVerify false
