# expect: none
FROM gcr.io/distroless/static-debian12:nonroot
