#!/bin/sh
# build.sh - build Helm 4.3.2 (helm.sh/helm/v4/cmd/helm, from the Go module
# proxy) into .tools/bin/helm4.3, through the pinned Go module beside this
# file (go.mod `tool` directive + go.sum: every dependency's version and hash
# fixed). tests/test_clients.py runs the deploy2sts plugin under it to see
# whether a newer Helm 4 shows a post-renderer plugin's stderr.
# Rebuilds only when the pin (go.mod, go.sum) or this script changed (a stamp
# in .tools/bin/.helm4.3.stamp); the module and build caches stay in
# .tools/go/ between runs. Exit 0 when the binary is there; exit 3 with a
# "SKIP:" line when Go or the Go module proxy is missing (its tests then
# skip, loudly); exit 1 on a failed build.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN="$ROOT/.tools/bin"
export GOMODCACHE="$ROOT/.tools/go/mod" GOCACHE="$ROOT/.tools/go/cache"
export GOFLAGS=-modcacherw CGO_ENABLED=0
command -v go >/dev/null 2>&1 || { echo "SKIP: no Go toolchain (go) on PATH: cannot build Helm 4.3" >&2; exit 3; }
# the version the pin names: `tool helm.sh/helm/v4/cmd/helm` and its require line
version=$(sed -n 's/^[[:space:]]*helm\.sh\/helm\/v4 \(v[0-9.]*\).*/\1/p' "$HERE/go.mod")
[ -n "$version" ] || { echo "build.sh: no helm.sh/helm/v4 version in $HERE/go.mod" >&2; exit 1; }
stamp=$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/build.sh" | sha256sum | cut -c1-64)
if [ -x "$BIN/helm4.3" ] && [ "$(cat "$BIN/.helm4.3.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
mkdir -p "$BIN"
t0=$(date +%s)
echo "building Helm $version (helm.sh/helm/v4/cmd/helm) into .tools/bin/helm4.3; a cold build takes minutes"
(cd "$HERE" && go mod download helm.sh/helm/v4) 2>/dev/null ||
	{ echo "SKIP: the Go module proxy ($(go env GOPROXY)) did not answer for helm.sh/helm/v4@$version" >&2; exit 3; }
# the version `helm version` prints, as Helm's Makefile stamps a tagged release
pkg=helm.sh/helm/v4/internal/version
(cd "$HERE" && go build -trimpath -ldflags "-s -w -X $pkg.version=$version -X $pkg.metadata= \
	-X $pkg.gitTreeState=clean" -o "$BIN/helm4.3.tmp" helm.sh/helm/v4/cmd/helm)
mv "$BIN/helm4.3.tmp" "$BIN/helm4.3"
echo "$stamp" >"$BIN/.helm4.3.stamp"
echo "built Helm $version in $(($(date +%s) - t0)) s"
