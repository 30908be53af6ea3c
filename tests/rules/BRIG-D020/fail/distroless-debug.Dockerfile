# expect: 3
FROM golang:1.22 AS b
FROM gcr.io/distroless/base-debian12:debug
