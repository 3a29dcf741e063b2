#!/bin/sh
# run.sh SECONDS - build the libFuzzer targets with clang (fuzzer, ASan,
# UBSan), seed them from testdata/ and ../shared/corpus, run each for SECONDS,
# and fail on any crash, leak or sanitizer report. New crash inputs are
# copied to fuzz/regressions/<target>/ (commit them: make test replays them).
set -u
T=${1:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=fuzz/bin
mkdir -p "$OUT"
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -Isrc -Ifuzz $(pkg-config --cflags libfyaml)"
LIBS="$(pkg-config --libs libfyaml) -pthread"
SRC=$(ls src/*.c | grep -v main.c)
status=0
for t in stream krm options selector; do
	clang $FLAGS fuzz/fuzz_$t.c $SRC -o "$OUT/fuzz_$t" $LIBS || exit 1
	seeds="$OUT/corpus-$t"
	mkdir -p "$seeds"
	case $t in
	stream) cp testdata/golden/*/in.yaml testdata/demo/*.yaml "$seeds"/ 2>/dev/null
		[ -d ../shared/corpus ] && for f in ../shared/corpus/*.yaml; do head -c 20000 "$f" > "$seeds/$(basename "$f")"; done ;;
	krm) cp testdata/krm/*.yaml "$seeds"/ ;;
	options) printf 'pod-management-policy=Parallel\nvolume-claim-template=name=d,mountPath=/d,size=1Gi,accessModes=ReadWriteOnce\npvc-retention-policy=whenDeleted=Delete\nmax-unavailable=50%%\nservice-name={name}-x\n' > "$seeds/seed1" ;;
	selector) printf 'a=b,c!=d,e in (x,y),f,!g\na=b\ne=x\nf=1\n' > "$seeds/seed1" ;;
	esac
	cp fuzz/regressions/$t/* "$seeds"/ 2>/dev/null
	log="$OUT/fuzz_$t.log"
	( cd "$OUT" && ./fuzz_$t -max_total_time="$T" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"corpus-$t" ) > "$log" 2>&1
	rc=$?
	execs=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}')
	echo "fuzz_$t: ${execs:-?} executions in ${T}s, exit $rc"
	if [ $rc != 0 ]; then
		status=1
		grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5
		for c in "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-*; do
			[ -f "$c" ] && cp "$c" fuzz/regressions/$t/ && rm -f "$c"
		done
	fi
done
exit $status
