# expect: 2
FROM alpine:3.20
# ONBUILD HEALTHCHECK is the children's, not this image's.
ONBUILD HEALTHCHECK CMD true
RUN true
