# expect: none
FROM debian:12
RUN apt-get install -y curl
RUN apt-get -qq install curl
RUN apt-get install --yes curl
RUN yes | apt-get install curl
RUN apt-get install -s curl
