docker exec -it --privileged web sh
docker exec -u 0:0 web id
docker container exec --user=app web id
podman exec --user root -e A=1 db psql
docker exec web ls
