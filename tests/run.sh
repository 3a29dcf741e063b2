#!/bin/sh
# run.sh BUILD_DIR - the whole test suite (make test). Prints one summary
# line "N passed, N failed" at the end and exits non-zero on any failure.
set -u
BUILD=${1:-build/release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# Under Helm deploy2sts also logs to $XDG_STATE_HOME/deploy2sts/: the client
# tests run real Helm, so keep that log out of the user's home
XDG_STATE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/d2s-state.XXXXXX")
# test_charts.py leaves its outputs here for test_cluster.py (the API server judges them)
D2S_CHARTS_OUT=$(mktemp -d "${TMPDIR:-/tmp}/d2s-charts-out.XXXXXX")
export XDG_STATE_HOME D2S_CHARTS_OUT
trap 'rm -rf "$XDG_STATE_HOME" "$D2S_CHARTS_OUT"' EXIT
PY=/usr/bin/python3
# the real clients (make test runs tests/install-tools.sh first)
[ -d "$ROOT/.tools/bin" ] && export D2S_TOOLS="$ROOT/.tools/bin"
BIN="$ROOT/$BUILD/deploy2sts"
[ -x "$BIN" ] || BIN="$ROOT/deploy2sts"
pass=0; fail=0; failed=""
note() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "PASS $2"; else fail=$((fail+1)); failed="$failed $2"; echo "FAIL $2"; fi; }

# unit tests (cmocka) and the fuzz targets replayed on kept crash inputs and the
# golden inputs (no libFuzzer needed): `make test-bins` builds them into BUILD
case "$BUILD" in *asan*) export D2S_ASAN=1;; esac
for t in tests/unit_*.c; do
	name=$(basename "$t" .c)
	if [ -x "$BUILD/$name" ]; then "$BUILD/$name"; note $? "$name"; else note 1 "$name(not built: make test-bins)"; fi
done
for f in fuzz/fuzz_*.c; do
	t=$(basename "$f" .c); t=${t#fuzz_}
	exe="$BUILD/replay_$t"
	if [ -x "$exe" ]; then
		"$exe" $(ls fuzz/regressions/$t/* 2>/dev/null) testdata/golden/*/in.yaml testdata/golden/*/args \
			testdata/krm/*.yaml 2>/dev/null
		note $? "fuzz-replay-$t"
	else
		note 1 "fuzz-replay-$t(not built: make test-bins)"
	fi
done

# end-to-end suites (python drives the binary; libyaml is the second parser)
for s in tests/test_*.py; do
	$PY "$s" "$BIN"; note $? "$(basename "$s" .py)"
done
# tests/test_dist*.sh check the release artifacts: make test-dist runs them
for s in tests/test_*.sh; do
	case "$s" in tests/test_dist*) continue;; esac
	[ -f "$s" ] || continue
	sh "$s" "$BIN"; note $? "$(basename "$s" .sh)"
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
