# expect: 3
FROM alpine:3.20
ADD app.conf /etc/app/
