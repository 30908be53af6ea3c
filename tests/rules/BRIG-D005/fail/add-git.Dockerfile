# expect: 3
FROM alpine:3.20
ADD git@github.com:moby/buildkit.git /src
