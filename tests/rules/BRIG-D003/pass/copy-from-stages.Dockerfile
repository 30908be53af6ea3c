# expect: none
# Stages by name (before or after, any case) and by index, scratch, unresolved variables, tagged images.
FROM alpine:3.20 AS Build
COPY --from=later /a /a
FROM alpine:3.20
COPY --from=build /a /a
COPY --from=0 /b /b
COPY --from=scratch /c /c
COPY --from=$UNSET /d /d
COPY --from=golang:1.23 /usr/local/go /go
FROM alpine:3.20 AS later
