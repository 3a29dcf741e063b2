#!/bin/sh
# build.sh - build the test control plane from source into .tools/bin/:
# kube-apiserver, kube-controller-manager and etcd at the pins of pins.env,
# through the Go modules gen-modules.sh wrote beside this file.
# Rebuilds only when a pin, a module file or this script changed (a stamp in
# .tools/bin/.control-plane.stamp); the module and build caches stay in
# .tools/go/ between runs (GOMODCACHE, GOCACHE). Prints how long each binary
# took and the disk use. Exit 0 when the binaries are there; exit 3 with a
# "SKIP:" line when the Go module proxy cannot be reached (the cluster tests
# then skip, loudly); exit 1 when Go is missing or a build fails.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN="$ROOT/.tools/bin"
. "$HERE/pins.env"
stamp=$(cat "$HERE/pins.env" "$HERE/build.sh" "$HERE"/kubernetes/go.* "$HERE"/etcd/go.* | sha256sum | cut -c1-64)
if [ -x "$BIN/etcd" ] && [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ] &&
	[ "$(cat "$BIN/.control-plane.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
command -v go >/dev/null 2>&1 || {
	echo "build.sh: no Go toolchain (go) on PATH: install Go 1.25 or newer to build the test control plane" >&2
	exit 1
}
export GOMODCACHE="$ROOT/.tools/go/mod" GOCACHE="$ROOT/.tools/go/cache"
export GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
mkdir -p "$BIN"
t0=$(date +%s)
echo "building the test control plane (kube-apiserver, kube-controller-manager $KUBERNETES_VERSION, etcd $ETCD_VERSION) into .tools/bin with $(go version | cut -d' ' -f3); a cold build takes about 10 minutes on 2 cores"
# the modules first: a proxy that cannot be reached is a SKIP, anything else an error
for d in kubernetes etcd; do
	if ! out=$(cd "$HERE/$d" && go mod download 2>&1); then
		case "$out" in
		*"dial tcp"* | *"no such host"* | *"connection refused"* | *"i/o timeout"* | *"network is unreachable"* | *proxyconnect* | *"TLS handshake timeout"*)
			echo "SKIP: the Go module proxy ($(go env GOPROXY)) cannot be reached: $(echo "$out" | tail -1)" >&2
			exit 3 ;;
		esac
		echo "build.sh: go mod download in tests/cluster/$d failed:" >&2
		echo "$out" | tail -20 >&2
		exit 1
	fi
done
t1=$(date +%s)
echo "  modules downloaded in $((t1 - t0)) s"
# the version the binaries report (kubectl compares it for its version-skew warning),
# as the Kubernetes release build stamps it (hack/lib/version.sh)
minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
kv="k8s.io/component-base/version"
ldflags="-s -w -X $kv.gitVersion=$KUBERNETES_VERSION -X $kv.gitMajor=1 -X $kv.gitMinor=$minor -X $kv.gitTreeState=clean"
build() { # build DIR NAME PACKAGE [LDFLAGS]
	s=$(date +%s)
	(cd "$HERE/$1" && go build -trimpath -ldflags "$4" -o "$BIN/$2.new" "$3")
	mv "$BIN/$2.new" "$BIN/$2"
	echo "  $2 built in $(($(date +%s) - s)) s"
}
build kubernetes kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$ldflags"
build kubernetes kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$ldflags"
build etcd etcd go.etcd.io/etcd/server/v3 "-s -w"
echo "$stamp" >"$BIN/.control-plane.stamp"
echo "built the test control plane in $(($(date +%s) - t0)) s; disk: $(du -sh "$ROOT/.tools/go/mod" | cut -f1) module cache, $(du -sh "$ROOT/.tools/go/cache" | cut -f1) build cache, $(du -ch "$BIN/kube-apiserver" "$BIN/kube-controller-manager" "$BIN/etcd" | tail -1 | cut -f1) binaries"
