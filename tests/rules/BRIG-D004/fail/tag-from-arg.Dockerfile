# expect: 3
ARG V=3.20
FROM alpine:$V AS a
FROM a
