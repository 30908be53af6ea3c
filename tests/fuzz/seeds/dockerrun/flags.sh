#!/bin/sh
docker run --privileged --read-only -P --cap-add=NET_ADMIN,SYS_TIME --cap-drop ALL \
  -u 1000 --security-opt seccomp=unconfined -p 80:80 -v /a:/b --mount type=bind,src=/c,dst=/d \
  --net host --pid host --ipc host --uts host --userns host --cgroupns host --device /dev/kmsg \
  -m 1g --cpus 1 --cpu-shares 512 --pids-limit 100 --tmpfs /tmp --name web --restart always \
  --no-healthcheck --health-cmd true --ulimit nofile=10 --cgroup-parent p -itp 81:81 -e A=b img
