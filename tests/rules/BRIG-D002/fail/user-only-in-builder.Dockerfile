# expect: 4
FROM alpine:3.20 AS build
USER app
FROM alpine:3.20
COPY --from=build /a /a
