# expect: 3
FROM alpine:3.20
ONBUILD ADD https://example.com/tool.tgz /opt/
