# expect: 2
ARG API_KEY=abc
FROM alpine:3.20
