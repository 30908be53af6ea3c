# expect: 4
FROM debian:12
ARG SSH=22
EXPOSE ${SSH}/tcp
