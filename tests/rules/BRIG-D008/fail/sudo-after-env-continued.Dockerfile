# expect: 4
FROM debian:12
RUN make && \
    env X=1 sudo -E make install
