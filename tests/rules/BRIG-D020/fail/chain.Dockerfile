# expect: 3
FROM python:3.12 AS base
FROM base AS final
