# expect: none
FROM debian:12
RUN passwd -l root && chgrp root /etc/passwd
