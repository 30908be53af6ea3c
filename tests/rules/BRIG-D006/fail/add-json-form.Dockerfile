# expect: 3
FROM alpine:3.20
ADD ["a.txt", "b.txt", "/data/"]
