# expect: none
FROM debian:12 AS base
HEALTHCHECK CMD true
FROM base
