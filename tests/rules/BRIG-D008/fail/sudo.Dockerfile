# expect: 3
FROM debian:12
RUN sudo apt-get update
