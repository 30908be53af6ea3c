# expect: none
FROM debian:12
COPY <<EOF /etc/sudoers.d/app
sudo ALL=(ALL) ALL
EOF
