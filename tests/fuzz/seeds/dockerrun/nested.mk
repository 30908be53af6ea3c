all:
	@sh -c "docker run -v $$PWD:/src --privileged x:1"
	ssh -o X=1 h docker run --pid host y:1
	eval "$(DOCKER) run --net=host \"z:1\""
