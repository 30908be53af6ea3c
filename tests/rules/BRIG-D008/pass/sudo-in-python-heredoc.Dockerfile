# expect: none
FROM debian:12
RUN python3 <<EOF
print('sudo')
EOF
