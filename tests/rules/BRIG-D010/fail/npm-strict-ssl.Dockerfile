# expect: 3
FROM node:20
RUN npm config set strict-ssl false
