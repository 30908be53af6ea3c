# expect: 4
FROM alpine:3.20
ARG UID=0
USER ${UID}
