# expect: 2
FROM golang:latest AS build
FROM alpine:3.20
