#!/bin/sh
# valgrind.sh BIN - run every corpus file (and the golden inputs) under
# valgrind; any invalid access or definite leak fails.
BIN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS="$ROOT/../shared/corpus"
fail=0; n=0
files=$(ls "$ROOT"/testdata/golden/*/in.yaml)
if [ -d "$CORPUS" ]; then files="$files $(ls "$CORPUS"/*.yaml)"; else echo "SKIP corpus under valgrind: $CORPUS not found"; fi
for f in $files; do
	n=$((n+1))
	if ! valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		"$BIN" -q --volume-claim-template name=data,mountPath=/data,size=1Gi -f "$f" >/dev/null 2>/tmp/vg.$$; then
		if grep -q "==" /tmp/vg.$$; then echo "FAIL valgrind $f"; cat /tmp/vg.$$; fail=$((fail+1)); fi
	fi
done
rm -f /tmp/vg.$$
echo "valgrind: $((n-fail)) passed, $fail failed"
[ "$fail" = 0 ]
