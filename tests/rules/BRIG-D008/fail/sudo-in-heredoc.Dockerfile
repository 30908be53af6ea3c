# expect: 5
FROM debian:12
RUN <<EOF
set -e
sudo make install
EOF
