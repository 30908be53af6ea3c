# expect: none
FROM alpine:3.20
ARG UID
USER ${UID}
