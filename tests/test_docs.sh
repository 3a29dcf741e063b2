#!/bin/sh
# test_docs.sh BIN - every long option the code knows is in --help, the
# README and the man page (docs follow the code).
BIN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
opts=$(sed -n '/longopts\[\] = {/,/^};/p' "$ROOT/src/main.c" | grep -o '{ "[a-z-]*"' | sed 's/{ "//;s/"//')
help=$("$BIN" --help)
pass=0; fail=0
for o in $opts; do
	for where in help readme man; do
		case $where in
		help) echo "$help" | grep -q -- "--$o" ;;
		readme) grep -q -- "--$o" "$ROOT/README.md" ;;
		man) grep -q -- "\\\\-\\\\-$(echo $o | sed 's/-/\\\\-/g')" "$ROOT/man/deploy2sts.1" ;;
		esac
		if [ $? = 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL --$o missing from $where"; fi
	done
done
echo "docs: $pass passed, $fail failed"
[ $fail = 0 ]
