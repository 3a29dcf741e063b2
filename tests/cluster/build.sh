#!/bin/sh
# build.sh - build the test control plane from source into .tools/bin/:
# etcd, kube-apiserver and kube-controller-manager at the pins of pins.env,
# through the Go modules gen-modules.sh wrote beside this file.
# Rebuilds only when a pin, a module file or this script changed (a stamp in
# .tools/bin/.control-plane.stamp); the module and build caches stay in
# .tools/go/ between runs. Exit 0 when the binaries are there; exit 3 with a
# "SKIP:" line when Go or the Go module proxy is missing (the cluster tests
# then skip, loudly); exit 1 on a failed build.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN="$ROOT/.tools/bin"
. "$HERE/pins.env"
export GOMODCACHE="$ROOT/.tools/go/mod" GOCACHE="$ROOT/.tools/go/cache"
export GOFLAGS=-modcacherw CGO_ENABLED=0
command -v go >/dev/null 2>&1 || { echo "SKIP: no Go toolchain (go) on PATH: cannot build the test control plane" >&2; exit 3; }
stamp=$(cat "$HERE/pins.env" "$HERE/build.sh" "$HERE"/kubernetes/go.* "$HERE"/etcd/go.* | sha256sum | cut -c1-64)
if [ -x "$BIN/etcd" ] && [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ] &&
	[ "$(cat "$BIN/.control-plane.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
mkdir -p "$BIN"
t0=$(date +%s)
echo "building the test control plane (kube-apiserver, kube-controller-manager $KUBERNETES_VERSION, etcd $ETCD_VERSION) into .tools/bin; a cold build takes minutes"
(cd "$HERE/kubernetes" && go mod download k8s.io/kubernetes) 2>/dev/null ||
	{ echo "SKIP: the Go module proxy ($(go env GOPROXY)) did not answer for k8s.io/kubernetes@$KUBERNETES_VERSION" >&2; exit 3; }
# the version the binaries report (kubectl compares it for its version-skew warning),
# as the Kubernetes release build stamps it (hack/lib/version.sh)
minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
kv="k8s.io/component-base/version"
ldflags="-s -w -X $kv.gitVersion=$KUBERNETES_VERSION -X $kv.gitMajor=1 -X $kv.gitMinor=$minor -X $kv.gitTreeState=clean"
(cd "$HERE/kubernetes" && go build -trimpath -ldflags "$ldflags" -o "$BIN/" \
	k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
(cd "$HERE/etcd" && go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
echo "$stamp" >"$BIN/.control-plane.stamp"
echo "built the test control plane in $(($(date +%s) - t0)) s ($(du -sh "$ROOT/.tools/go" | cut -f1) of Go caches in .tools/go)"
