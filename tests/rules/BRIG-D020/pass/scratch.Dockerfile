# expect: none
FROM golang:1.22 AS b
FROM scratch
COPY --from=b /app /app
