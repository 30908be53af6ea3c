# expect: none
FROM debian:12
HEALTHCHECK --interval=30s CMD ["/app", "health"]
