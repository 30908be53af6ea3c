# expect: 3
FROM fedora:40
RUN dnf config-manager --save --setopt=*.sslverify=0
