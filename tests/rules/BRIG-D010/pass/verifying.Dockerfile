# expect: none
FROM node:20
ENV NODE_TLS_REJECT_UNAUTHORIZED=1
RUN curl -fsSL https://example.com | grep -k x; echo --no-check-certificate
RUN npm config set strict-ssl true || false
