#!/bin/sh
# coverage.sh - line and branch coverage of src/ reached by the whole test
# suite (tests/run.sh) plus the fuzz corpora, with clang source-based
# coverage (-fprofile-instr-generate -fcoverage-mapping, llvm-profdata,
# llvm-cov). Prints llvm-cov's per-file report and a closing line
#   coverage: lines L% (covered/total), branches B% (covered/total)
# Environment: CLANG, LLVM_PROFDATA, LLVM_COV (default the -14 tools),
# COV_BUILD (default build/cov). Used by `make coverage`.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CLANG=${CLANG:-clang-14}
PROFDATA=${LLVM_PROFDATA:-llvm-profdata-14}
COV=${LLVM_COV:-llvm-cov-14}
B=${COV_BUILD:-build/cov}
for t in "$CLANG" "$PROFDATA" "$COV"; do
	command -v "$t" >/dev/null || { echo "SKIP coverage: $t not found (apt-get install clang-14 llvm-14)"; exit 0; }
done
VERSION=$(sed -n 's/^VERSION := //p' Makefile)
CF="-O0 -g -fprofile-instr-generate -fcoverage-mapping"
FY_CFLAGS=$(pkg-config --cflags libfyaml 2>/dev/null)
FY_LIBS="$(pkg-config --libs libfyaml 2>/dev/null || echo -lfyaml) -pthread"
rm -rf "$B"; mkdir -p "$B/prof"
for f in src/*.c; do
	o="$B/$(basename "$f" .c).o"
	$CLANG $CF -std=c11 -D_GNU_SOURCE -DD2S_VERSION="\"$VERSION\"" $FY_CFLAGS -c "$f" -o "$o" || exit 1
done
ar rcs "$B/libdeploy2sts.a" $(ls "$B"/*.o | grep -v '/main.o$')
$CLANG $CF -o "$B/deploy2sts" "$B/main.o" "$B/libdeploy2sts.a" $FY_LIBS || exit 1
export LLVM_PROFILE_FILE="$ROOT/$B/prof/cov-%4m.profraw"
# the suite: unit tests, fuzz replays and end-to-end drivers, all instrumented
CC="$CLANG -fprofile-instr-generate -fcoverage-mapping" sh tests/run.sh "$B" > "$B/run.log" 2>&1
echo "test suite: $(tail -1 "$B/run.log")"
# the fuzz corpora: kept regressions, the seeds fuzz/run.sh uses and any local corpus
seeds=""
[ -d ../shared/corpus ] && seeds=$(ls ../shared/corpus/*.yaml)
for t in stream krm options selector; do
	[ -x "$B/replay_$t" ] || continue
	files=$(ls fuzz/regressions/$t/* fuzz/bin/corpus-$t/* 2>/dev/null)
	[ $t = stream ] && files="$files testdata/demo/visits.yaml $seeds"
	[ $t = krm ] && files="$files $(ls testdata/krm/*.yaml)"
	[ -n "$files" ] && "$B/replay_$t" $files > /dev/null 2>&1
done
"$PROFDATA" merge -sparse "$B"/prof/*.profraw -o "$B/all.profdata" || exit 1
objs="$B/deploy2sts"
for e in "$B"/unit_* "$B"/replay_*; do [ -x "$e" ] && objs="$objs -object $e"; done
"$COV" report -instr-profile="$B/all.profdata" $objs src/*.c src/*.h > "$B/report.txt" || exit 1
cat "$B/report.txt"
"$COV" show -instr-profile="$B/all.profdata" $objs src/*.c -show-line-counts-or-regions \
	-format=text > "$B/show.txt" 2>/dev/null
awk '/^TOTAL/ {
	lt=$8; lm=$9; bt=$11; bm=$12;
	printf "coverage: lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)\n",
		100*(lt-lm)/lt, lt-lm, lt, 100*(bt-bm)/bt, bt-bm, bt }' "$B/report.txt"
