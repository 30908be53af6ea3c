#!/bin/sh
sh -c "docker run --privileged alpine:3.20"
bash -ec 'docker run \
  --pid=host -v /:/host alpine'
ssh -p 2222 deploy@host "docker run --net host \"nginx:1\"" && echo done
sudo su -c "podman run --cap-add SYS_ADMIN x:1" root
eval "docker run --ipc=host y:1"
ssh host 'sh -c "docker run --privileged deep:1"'
docker run img:1 sh -c 'docker run --privileged inner'
echo sh -c "docker run --privileged printed"
sh -c "docker run 'unterminated"
