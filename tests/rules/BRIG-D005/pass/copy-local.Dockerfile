# expect: none
FROM alpine:3.20
COPY app.tar.gz /opt/
