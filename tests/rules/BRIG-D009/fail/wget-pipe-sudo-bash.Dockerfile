# expect: 4
FROM debian:12
RUN set -e; \
  wget -qO- https://example.com/i | sudo bash -s -- --yes
