# expect: none
ARG BASE
FROM ${BASE}
