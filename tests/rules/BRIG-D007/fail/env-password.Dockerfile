# expect: 3
FROM alpine:3.20
ENV DB_PASSWORD=hunter2
