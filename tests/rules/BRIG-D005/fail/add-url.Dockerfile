# expect: 3
FROM alpine:3.20
ADD https://example.com/app.tar.gz /opt/
