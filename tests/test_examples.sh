#!/bin/sh
# test_examples.sh BIN - run every example's run.sh (the README command) and
# check it converted. Needs the clients; prints SKIP lines without them.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# `helm` in the examples is Helm 3.10.1 (.tools/bin/helm3, from tests/install-tools.sh)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
[ -x "$ROOT/.tools/bin/helm3" ] && ln -s "$ROOT/.tools/bin/helm3" "$TMP/bin/helm"
# kubectl: the system's, else kubectl 1.35 from tests/install-tools.sh
command -v kubectl >/dev/null 2>&1 || { [ -x "$ROOT/.tools/bin/kubectl135" ] && ln -s "$ROOT/.tools/bin/kubectl135" "$TMP/bin/kubectl"; }
PATH="$TMP/bin:$PATH"
export HELM_CACHE_HOME="$TMP/cache" HELM_CONFIG_HOME="$TMP/config" HELM_DATA_HOME="$TMP/data"
pass=0; fail=0
for ex in helm-template helm3-post-renderer kpt kustomize-legacy; do
	case $ex in helm*) need=helm;; kpt) need=kpt;; *) need=kubectl;; esac
	if ! command -v $need >/dev/null 2>&1; then echo "SKIP example $ex: $need not installed"; continue; fi
	out=$(sh "$ROOT/examples/$ex/run.sh" 2>&1)
	if echo "$out" | grep -q "^kind: StatefulSet" && ! echo "$out" | grep -q "^kind: Deployment" \
		&& echo "$out" | grep -q "clusterIP: None"; then
		pass=$((pass+1)); echo "ok   example $ex"
	else
		fail=$((fail+1)); echo "FAIL example $ex"; echo "$out" | tail -5
	fi
done
# examples/argocd-cmp and examples/helm4-plugin: tests/test_clients.py
echo "examples: $pass passed, $fail failed"
[ $fail = 0 ]
