# expect: none
FROM scratch
COPY app /app
