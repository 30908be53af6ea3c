# expect: none
FROM alpine:3.20
