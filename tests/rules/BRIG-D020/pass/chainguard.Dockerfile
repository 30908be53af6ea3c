# expect: none
FROM cgr.dev/chainguard/static:latest
