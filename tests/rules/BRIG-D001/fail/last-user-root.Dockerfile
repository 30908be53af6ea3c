# expect: 4
FROM alpine:3.20
USER app
USER root
