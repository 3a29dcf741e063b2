#!/bin/sh
# run.sh BUILD_DIR - the whole test suite (make test). Prints one summary
# line "N passed, N failed" at the end and exits non-zero on any failure.
set -u
BUILD=${1:-build/release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
BIN="$ROOT/$BUILD/deploy2sts"
[ -x "$BIN" ] || BIN="$ROOT/deploy2sts"
pass=0; fail=0; failed=""
note() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "PASS $2"; else fail=$((fail+1)); failed="$failed $2"; echo "FAIL $2"; fi; }

# unit tests (cmocka)
CC=${CC:-cc}
FY_CFLAGS=$(pkg-config --cflags libfyaml 2>/dev/null)
FY_LIBS="$(pkg-config --libs libfyaml 2>/dev/null || echo -lfyaml) -pthread"
SAN=""
case "$BUILD" in *asan*) SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"; export D2S_ASAN=1;; esac
for t in tests/unit_*.c; do
	name=$(basename "$t" .c)
	exe="$BUILD/$name"
	if $CC -std=c11 -D_GNU_SOURCE -g -O1 $SAN -Wall -Wextra -Werror -Isrc -Itests $FY_CFLAGS \
		"$t" "$BUILD/libdeploy2sts.a" -o "$exe" $FY_LIBS -lcmocka; then
		"$exe"; note $? "$name"
	else
		note 1 "$name(build)"
	fi
done

# fuzz targets replayed on kept crash inputs and the golden inputs (no libFuzzer needed)
for t in stream krm options selector; do
	exe="$BUILD/replay_$t"
	if $CC -std=c11 -D_GNU_SOURCE -g -O1 $SAN -Isrc -Ifuzz $FY_CFLAGS fuzz/fuzz_$t.c fuzz/driver.c \
		"$BUILD/libdeploy2sts.a" -o "$exe" $FY_LIBS; then
		"$exe" $(ls fuzz/regressions/$t/* 2>/dev/null) testdata/golden/*/in.yaml testdata/golden/*/args \
			testdata/krm/*.yaml 2>/dev/null
		note $? "fuzz-replay-$t"
	else
		note 1 "fuzz-replay-$t(build)"
	fi
done

# end-to-end suites (python drives the binary; libyaml is the second parser)
for s in tests/test_*.py; do
	$PY "$s" "$BIN"; note $? "$(basename "$s" .py)"
done
for s in tests/test_*.sh; do
	[ -f "$s" ] || continue
	sh "$s" "$BIN"; note $? "$(basename "$s" .sh)"
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
