# expect: none
FROM alpine:3.20
ARG SRC
ADD $SRC /src
