# expect: none
FROM debian:12
RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/norecs
RUN apt-get install -y curl
