# expect: 2
FROM alpine:latest
