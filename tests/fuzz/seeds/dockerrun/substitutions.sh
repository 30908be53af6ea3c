#!/bin/bash
CID=$(docker run -d --privileged img:1)
echo "$(docker run --pid=host img:2)"
X=`podman run --net=host img:3`
N=$(( 1 + 2 ))
Y=$(echo $(docker run --ipc host img:4) `x`)
ID := $(shell docker run y:1)
