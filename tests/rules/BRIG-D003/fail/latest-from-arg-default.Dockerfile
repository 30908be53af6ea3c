# expect: 3
ARG TAG
FROM alpine:${TAG:-latest}
