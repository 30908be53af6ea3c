# brig: one Makefile, no generated build system (see README, "Hacking").
#
#   make            build build/brig and the embedded busybox image
#   make demo       install what is missing, build, install, run the demo
#   make check      install what is missing, build, run every test
#   make bench      brig run against crun and runc on the same hardened setup
#   make bench-net  brig run -p against a direct loopback connection
#   make bench-audit  brig audit against a bare libyaml parse, and its memory
#   make bench-image  import + first run of a Debian image: brig, podman, skopeo+umoci+crun
#   make bench-host DOCKER_BENCH=DIR  brig host against docker-bench-security
#   make install    PREFIX=/usr/local

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/brig
MANDIR    ?= $(PREFIX)/share/man
VERSION   := 0.1.0

CC        ?= gcc
PKGS      := libseccomp jansson yaml-0.1 nettle zlib libzstd
WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
             -Wstrict-prototypes -Wswitch-default -Wvla -Wno-missing-field-initializers
HARDEN    := -fstack-protector-strong -D_FORTIFY_SOURCE=3 -fPIE
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=gnu17 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) -Isrc \
             -DBRIG_DATADIR='"$(DATADIR)"' -DBRIG_VERSION='"$(VERSION)"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -ljansson -lyaml -lnettle -lz -lzstd) -pthread
# libcurl (brig pull) has no static build in Debian: it is linked only into
# build/brig-pull, the same program linked dynamically, which the static
# brig runs for `brig pull` (src/cmd/pull_exec.c), and into the ASan build.
CURL_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
ALL_CFLAGS += $(shell pkg-config --cflags libcurl 2>/dev/null)
# brig is linked as a static PIE: an engine execs the runtime three times
# per container (create, start, delete), and without the dynamic loader each
# exec costs ~0.3 ms less and peak RSS is a third lower.  The price: brig
# must be relinked for each security update of libseccomp or jansson (as
# runc's release binaries, which also link libseccomp statically; packages
# record them in Built-Using).  make DYNAMIC=1 links against the shared
# libraries instead.
ifeq ($(DYNAMIC),1)
LDFLAGS   ?= -pie -Wl,-z,relro,-z,now
else
LDFLAGS   ?= -static-pie -Wl,-z,relro,-z,now
endif

B         := build
LIB_SRC   := $(filter-out src/brig.c src/cmd/pull_exec.c,$(wildcard src/*/*.c))
SRC       := src/brig.c $(LIB_SRC)
NET_SRC   := src/image/registry.c src/cmd/pull.c
PULL_OBJ  := $(SRC:%.c=$(B)/obj/%.o)
OBJ       := $(filter-out $(NET_SRC:%.c=$(B)/obj/%.o),$(PULL_OBJ)) $(B)/obj/src/cmd/pull_exec.o
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o)
ASAN_OBJ  := $(SRC:%.c=$(B)/asan/%.o)
ASAN_LIB  := $(LIB_SRC:%.c=$(B)/asan/%.o)
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

ROOTFS    := $(B)/share/images/busybox/rootfs

.PHONY: all deps demo check test bench bench-net bench-audit bench-image bench-host install uninstall clean lint fuzz
MAN_PAGES := $(B)/brig-run.1 $(B)/brig-audit.1 $(B)/brig-host.1 $(B)/brig-ps.1 $(B)/brig-probe.1
IMAGE_MAN := $(B)/brig-load.1 $(B)/brig-images.1 $(B)/brig-inspect.1 $(B)/brig-tag.1 \
             $(B)/brig-rmi.1 $(B)/brig-gc.1 $(B)/brig-pull.1
MAN_PAGES += $(IMAGE_MAN)
all: $(B)/brig $(B)/brig-pull $(ROOTFS) $(MAN_PAGES)

deps:
	@scripts/deps

$(B)/obj/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/asan/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -U_FORTIFY_SOURCE -c $< -o $@

$(B)/brig: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)
	ln -sf brig $(B)/brig-runtime
	ln -sf brig $(B)/brig-probe

# brig pull's half: dynamically linked, for libcurl (see CURL_LIBS).
$(B)/brig-pull: $(PULL_OBJ)
	$(CC) $(ALL_CFLAGS) -pie -Wl,-z,relro,-z,now $^ -o $@ $(LDLIBS) $(CURL_LIBS)

$(B)/asan/brig: $(ASAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN) $^ -o $@ $(LDLIBS) $(CURL_LIBS)
	ln -sf brig $(B)/asan/brig-runtime
	ln -sf brig $(B)/asan/brig-probe

$(ROOTFS): scripts/mkrootfs-busybox
	scripts/mkrootfs-busybox $@

# brig host and brig ps: the whole page from the command's help and options.
$(B)/brig-audit.1 $(B)/brig-host.1 $(B)/brig-ps.1 $(B)/brig-probe.1 $(IMAGE_MAN): $(B)/brig-%.1: $(B)/brig $(B)/brig-pull
	$(B)/brig $* --help-man > $@.tmp && mv $@.tmp $@

$(B)/brig-run.1: docs/brig-run.1.in $(B)/brig
	$(B)/brig run --help-man > $@.options
	sed -e '/@OPTIONS@/{r $@.options' -e 'd}' -e 's/@VERSION@/$(VERSION)/' $< > $@
	rm -f $@.options

# Unit tests: cmocka, linked against the library objects, under ASan+UBSan.
$(B)/tests/test_%: tests/unit/test_%.c $(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -U_FORTIFY_SOURCE $^ -o $@ $(LDLIBS) $(CURL_LIBS) -lcmocka

# The static helper that integration tests put in their images.
$(B)/tests/t: tests/helper/t.c
	@mkdir -p $(@D)
	$(CC) -std=gnu17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static $< -o $@

# The static network helper of run_network.sh and bench/net.sh.
$(B)/tests/tnet: tests/helper/tnet.c
	@mkdir -p $(@D)
	$(CC) -std=gnu17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static $< -o $@

# Fuzz harnesses: libFuzzer with clang, or the replay-and-mutate driver
# (tests/fuzz/driver.c) with any compiler, both under ASan+UBSan.
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -U_FORTIFY_SOURCE $^ -o $@ $(LDLIBS) $(CURL_LIBS)

fuzz: $(FUZZ_BIN)

lint:
	@scripts/lint

check test:
	@scripts/deps test
	$(MAKE) all $(B)/asan/brig $(UNIT_BIN) $(B)/tests/t $(B)/tests/tnet $(FUZZ_BIN)
	@# crun's own tests, from Debian's source package: informational, first,
	@# so that the last line is brig's own count.
	-tests/external/crun-suite || echo "crun-suite: not run (crun's sources could not be had)"
	tests/run

demo: deps
	$(MAKE) all
	$(MAKE) install
	$(BINDIR)/brig run busybox sh -c "$$(cat scripts/demo.sh)"

$(B)/bench/timeit: bench/timeit.c
	@mkdir -p $(@D)
	$(CC) -std=gnu17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror $< -o $@

$(B)/bench/profile: bench/profile.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS) $(CURL_LIBS)

bench:
	@scripts/deps bench
	$(MAKE) all $(B)/bench/timeit $(B)/bench/profile
	bench/run

# brig audit's throughput against libyaml alone, and its memory on 100 MB.
# brig run -p against direct loopback: throughput, round trips, HTTP rate.
bench-net: all $(B)/tests/tnet
	@scripts/deps bench
	bench/net.sh

bench-audit: all $(B)/bench/yamlparse
	bench/audit

bench-image: all $(B)/bench/timeit
	@scripts/deps bench
	bench/image.sh

# brig host against docker-bench-security on one dockerd of its own:
# DOCKER_BENCH is a checkout of docker/docker-bench-security (never
# committed here); without one, it says so and skips.
bench-host: all
	@if [ -z "$(DOCKER_BENCH)" ]; then \
		echo "bench-host: skipped: give DOCKER_BENCH=DIR, a checkout of docker-bench-security"; \
	else bench/host.sh "$(DOCKER_BENCH)"; fi

$(B)/bench/yamlparse: bench/yamlparse.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDLIBS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/images/busybox $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(B)/brig $(DESTDIR)$(BINDIR)/brig
	install -m 0755 $(B)/brig-pull $(DESTDIR)$(BINDIR)/brig-pull
	ln -sf brig $(DESTDIR)$(BINDIR)/brig-runtime
	ln -sf brig $(DESTDIR)$(BINDIR)/brig-probe
	rm -rf $(DESTDIR)$(DATADIR)/images/busybox/rootfs.new
	cp -a $(ROOTFS) $(DESTDIR)$(DATADIR)/images/busybox/rootfs.new
	rm -rf $(DESTDIR)$(DATADIR)/images/busybox/rootfs
	mv $(DESTDIR)$(DATADIR)/images/busybox/rootfs.new $(DESTDIR)$(DATADIR)/images/busybox/rootfs
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/brig $(DESTDIR)$(BINDIR)/brig-pull $(DESTDIR)$(BINDIR)/brig-runtime $(DESTDIR)$(BINDIR)/brig-probe $(DESTDIR)$(MANDIR)/man1/brig-run.1
	rm -f $(DESTDIR)$(MANDIR)/man1/brig-audit.1 $(DESTDIR)$(MANDIR)/man1/brig-host.1 \
	      $(DESTDIR)$(MANDIR)/man1/brig-ps.1 $(DESTDIR)$(MANDIR)/man1/brig-probe.1
	rm -f $(patsubst $(B)/%,$(DESTDIR)$(MANDIR)/man1/%,$(IMAGE_MAN))
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B)
