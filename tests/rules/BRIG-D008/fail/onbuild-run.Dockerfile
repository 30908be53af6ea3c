# expect: 3
FROM alpine:3.20
ONBUILD RUN sudo make install
RUN make
