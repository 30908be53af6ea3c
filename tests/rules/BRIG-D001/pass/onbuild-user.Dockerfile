# expect: none
# ONBUILD USER root runs in the images built FROM this one, not in this one.
FROM alpine:3.20
USER app
ONBUILD USER root
