# expect: none
FROM debian:12
RUN curl -fsSL https://example.com/a.tgz | tar -xz -C /opt
