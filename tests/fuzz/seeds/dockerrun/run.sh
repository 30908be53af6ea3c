#!/bin/bash
set -eu
IMAGE="registry.example/app:${TAG:-1.0}"
docker run -d --name "web app" \
	--privileged=false \
	-itp8080:80 \
	--publish "127.0.0.1:8443:443" \
	-v /var/run/docker.sock:/var/run/docker.sock:ro \
	--mount 'type=bind,source=/etc,target=/host-etc' \
	--cap-add=SYS_PTRACE --cap-drop ALL \
	--security-opt "seccomp=unconfined" --security-opt='apparmor=unconfined' \
	-u root --ipc=host --pid host --device /dev/kvm --device-cgroup-rule='a *:* rwm' \
	"$IMAGE" sh -c 'docker run --privileged inner' 2>&1 | tee "$(date +%s).log"
sudo podman --remote run --rm --userns=host -P --memory 0 --pids-limit=-1 busybox:latest
cat <<-'EOF2' > x
	docker run --privileged y
	EOF2
echo `docker run x` $((1 + 2)) ${A//\'/} && docker container create --net=host alpine
