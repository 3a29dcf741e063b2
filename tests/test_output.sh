#!/bin/sh
# test_output.sh BIN - output files: -o and --in-place write a temporary file
# and rename it only on success; an error leaves the target untouched.
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "ok   $2"; else fail=$((fail+1)); echo "FAIL $2"; fi; }
good="$(dirname "$0")/../testdata/demo/visits.yaml"
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: "three"\n' > "$T/bad.yaml"

"$BIN" -q -f "$good" -o "$T/out.yaml"; rc=$?
grep -q "kind: StatefulSet" "$T/out.yaml"; check $(( rc + $? )) "-o writes the converted output"

echo "previous content" > "$T/out.yaml"
"$BIN" -q -f "$T/bad.yaml" -o "$T/out.yaml" 2>/dev/null; rc=$?
[ $rc = 1 ] && [ "$(cat "$T/out.yaml")" = "previous content" ]; check $? "-o on error: exit 1, old file untouched"
[ -z "$(ls "$T" | grep deploy2sts-)" ]; check $? "-o on error: no temporary file left"

cp "$good" "$T/a.yaml"; cp "$T/bad.yaml" "$T/b.yaml"
"$BIN" -q -i -f "$T/a.yaml"; rc=$?
grep -q "kind: StatefulSet" "$T/a.yaml"; check $(( rc + $? )) "--in-place rewrites the file"
"$BIN" -q -i -f "$T/b.yaml" 2>/dev/null; rc=$?
[ $rc = 1 ] && cmp -s "$T/b.yaml" "$T/bad.yaml"; check $? "--in-place on error: exit 1, file untouched"

"$BIN" -q --in-place </dev/null 2>/dev/null; check $(( $? != 2 )) "--in-place without -f is a usage error"
out=$("$BIN" < /dev/null); rc=$?
[ $rc = 0 ] && [ -z "$out" ]; check $? "empty stdin: empty stdout, exit 0"
"$BIN" --pod-management-policy=Sideways < "$good" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'invalid value "Sideways" for pod-management-policy' "$T/err"; check $? "bad flag value: exit 2 naming flag and value"
"$BIN" --help | grep -q -- "--volume-claim-template"; check $? "--help lists the flags"
"$BIN" --version | grep -q "^deploy2sts [0-9]"; check $? "--version"
DEPLOY2STS_LOG="$T/log" "$BIN" < "$good" >/dev/null 2>&1
"$BIN" --log-file "$T/log2" --recreate-as OnDelete < "$(dirname "$0")/../testdata/golden/strategies/in.yaml" >/dev/null 2>&1
grep -q "warning: <stdin>" "$T/log2"; check $? "--log-file receives warnings"
"$BIN" -q -f "$good" -f "$(dirname "$0")/../testdata/golden/references/in.yaml" > "$T/two.yaml"
[ "$(grep -c '^kind: StatefulSet' "$T/two.yaml")" = 3 ] && [ "$(grep -c '^kind: HorizontalPodAutoscaler' "$T/two.yaml")" = 2 ] && \
	/usr/bin/python3 -c 'import sys, yaml; d = [x for x in yaml.safe_load_all(open(sys.argv[1])) if x]; sys.exit(len(d) != 11)' "$T/two.yaml"
check $? "several -f files: in order, kept apart by ---"
echo "output: $pass passed, $fail failed"
[ $fail = 0 ]
