# expect: none
FROM debian:12 AS build
RUN apt-get install -y gcc
FROM scratch
COPY --from=build /a /a
