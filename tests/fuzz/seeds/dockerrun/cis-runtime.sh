docker run --restart=unless-stopped --no-healthcheck --ulimit core=-1 --cgroup-parent=/x -v /a:/b:shared --mount type=bind,src=/c,dst=/d,bind-propagation=rshared -p 22:22 nginx:1.27
docker run --network app --health-cmd true --restart on-failure nginx:1.27
podman run nginx:1.27
