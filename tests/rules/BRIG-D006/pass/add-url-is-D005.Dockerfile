# expect: none
FROM alpine:3.20
ADD https://example.com/app /app
