#!/bin/sh
# test_output.sh BIN - all or nothing: stdout is held until the whole input
# is decided and gets nothing on error (a consumer without pipefail would
# apply a partial stream); -o and --in-place write a temporary file and
# rename it only on success; an error leaves the target untouched.
# (File kinds, modes, links and the Helm log: test_output_files.py.)
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

# --- stdout: nothing on error, whatever came before the error ---
dep() { printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  selector:\n    matchLabels: {app: %s}\n  template:\n    metadata:\n      labels: {app: %s}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n%s\n' "$1" "$1" "$1" "${2:-}"; }
cm() { printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  k: v\n' "$1"; }
nothing_on_error() { # NAME ARGS... < input: exit 1, empty stdout, an error on stderr
	name=$1; shift
	"$BIN" "$@" > "$T/held.out" 2> "$T/held.err"; rc=$?
	[ $rc = 1 ] && [ ! -s "$T/held.out" ] && grep -q "error:" "$T/held.err"
	check $? "stdout on error: nothing ($name)"
}
{ cm a; dep web; cat "$T/bad.yaml"; } > "$T/later.yaml"
nothing_on_error "error in a later document" -q < "$T/later.yaml"
{ cm a; dep web; printf -- '---\nkind: [unclosed\n'; } > "$T/badyaml.yaml"
nothing_on_error "invalid YAML at the end" -q < "$T/badyaml.yaml"
{ cm a; dep web; printf -- '---\napiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: web\nspec:\n  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n'; } > "$T/canary.yaml"
nothing_on_error "cross-document check: a Canary after its Deployment" -q < "$T/canary.yaml"
{ cm a; dep web "$(printf '        volumeMounts:\n        - {name: d, mountPath: /d}\n      volumes:\n      - name: d\n        persistentVolumeClaim: {claimName: absent}\n')"; cm b; } > "$T/pvc.yaml"
"$BIN" < "$T/pvc.yaml" > "$T/pvc.out" 2>/dev/null; rc=$?
[ $rc = 0 ] && grep -q "kind: StatefulSet" "$T/pvc.out"; check $? "a Deployment waiting for a PVC converts without --strict"
nothing_on_error "--strict: warning found at the end of the input" --strict < "$T/pvc.yaml"
nothing_on_error "several -f: the second fails" -q -f "$good" -f "$T/bad.yaml"

# --- held output past the memory bound (4 MiB): spills to $TMPDIR, same bytes ---
/usr/bin/python3 -c '
import sys
for i in range(2600):
    sys.stdout.write("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\ndata:\n  k: %s\n" % (i, "x" * 4000))
' > "$T/big.yaml"
cat "$good" >> "$T/big.yaml"
"$BIN" -q < "$T/big.yaml" > "$T/big.out"; rc=$?
"$BIN" -q -f "$T/big.yaml" -o "$T/big.file"; rc2=$?
[ $rc = 0 ] && [ $rc2 = 0 ] && [ "$(wc -c < "$T/big.out")" -gt 9000000 ] && cmp -s "$T/big.out" "$T/big.file"
check $? "held stdout past 4 MiB: the same bytes as -o"
"$BIN" -q < "$T/big.yaml" | cat > "$T/big.pipe"; cmp -s "$T/big.out" "$T/big.pipe"; check $? "held stdout past 4 MiB into a pipe"
{ echo "---"; cat "$T/bad.yaml"; } >> "$T/big.yaml"
nothing_on_error "error after 10 MB of output" -q < "$T/big.yaml"
TMPDIR="$T/missing" "$BIN" -q < "$T/big.out" > "$T/nospill.out" 2> "$T/nospill.err"; rc=$?
[ $rc = 1 ] && [ ! -s "$T/nospill.out" ] && grep -q "stdout: cannot write output" "$T/nospill.err"
check $? "held stdout that cannot spill: exit 1, nothing written, says why"

# --- KRM function mode: on error the ResourceList (items unchanged + results) is the output ---
printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: x\n  spec:\n    replicas: "three"\n' > "$T/rl.yaml"
"$BIN" < "$T/rl.yaml" > "$T/rl.out" 2>/dev/null; rc=$?
[ $rc = 1 ] && grep -q "^kind: ResourceList" "$T/rl.out" && grep -q "severity: error" "$T/rl.out" && grep -q 'replicas: "three"' "$T/rl.out"
check $? "KRM mode on error: the ResourceList with results, exit 1"

echo "output: $pass passed, $fail failed"
[ $fail = 0 ]
