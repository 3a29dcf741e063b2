# deploy2sts - see README.md. `make demo`, `make test`.
CC ?= cc
PREFIX ?= /usr/local
VERSION := 0.1.0
PKGS := libfyaml
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CPPFLAGS += -D_GNU_SOURCE -DD2S_VERSION='"$(VERSION)"'
ifeq ($(SANITIZE),1)
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD := build/asan
else
BUILD := build/release
endif
FY_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FY_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lfyaml)

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
BIN := $(BUILD)/deploy2sts

.PHONY: all demo test deps clean install lint bench fuzz valgrind slow-test
all: deploy2sts

# ./deploy2sts is always the release build (examples, valgrind and users run it)
ifeq ($(SANITIZE),1)
deploy2sts:
	$(MAKE) SANITIZE= deploy2sts
else
deploy2sts: $(BIN)
	cp $(BIN) $@
endif

$(BUILD)/%.o: src/%.c src/*.h | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(FY_CFLAGS) -std=c11 -c $< -o $@

$(BIN): $(LIB_OBJ) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FY_LIBS) -pthread

$(BUILD)/libdeploy2sts.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD):
	mkdir -p $@

# Build dependencies (Debian package names); installed when run as root.
BUILD_DEPS := gcc make pkg-config libfyaml-dev
TEST_DEPS := libyaml-dev libcmocka-dev python3-yaml python3-jsonschema valgrind python3-hypothesis
deps:
	@sh tests/ensure-deps.sh $(BUILD_DEPS)

demo: deps
	$(MAKE) deploy2sts
	@echo '$$ ./deploy2sts --pod-management-policy Parallel --volume-claim-template name=data,mountPath=/data,size=1Gi < testdata/demo/visits.yaml'
	@./deploy2sts --pod-management-policy Parallel \
	  --volume-claim-template name=data,mountPath=/data,size=1Gi < testdata/demo/visits.yaml

test: deps
	@sh tests/ensure-deps.sh $(TEST_DEPS)
	$(MAKE) deploy2sts
	$(MAKE) $(BIN) $(BUILD)/libdeploy2sts.a
	sh tests/run.sh $(BUILD)

# benchmarks (not part of make test): see bench/run.py; BENCH_BIG=1 adds 1 GB
bench: deploy2sts
	@sh tests/ensure-deps.sh libyaml-dev python3-yaml valgrind time
	$(CC) -O2 $(FY_CFLAGS) bench/fyparse.c -o $(BUILD)/fyparse $(FY_LIBS)
	$(CC) -O2 bench/yparse.c -o $(BUILD)/yparse -lyaml
	/usr/bin/python3 bench/run.py $(BUILD)

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

clean:
	rm -rf build deploy2sts
